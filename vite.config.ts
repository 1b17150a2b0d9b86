import os from 'node:os';
import path from 'node:path';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	server: { port: Number(process.env.PORT ?? 5173) },
	test: {
		env: {
			LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
			// Attachments written by tests go to a scratch folder, never into a real data folder.
			CASEBOOK_FILES_DIR: path.join(os.tmpdir(), `casebook-test-files-${process.pid}`)
		},
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['src/**/*.test.ts', 'worker/**/*.test.ts'],
					exclude: ['src/**/*.integration.test.ts'],
					environment: 'node'
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: [
						'src/**/*.integration.test.ts',
						'worker/**/*.integration.test.ts',
						'db/**/*.integration.test.ts'
					],
					environment: 'node',
					globalSetup: ['./src/lib/server/testing/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['e2e/**/*.spec.ts'],
					environment: 'node',
					globalSetup: ['./e2e/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 180_000
				}
			}
		]
	}
});
