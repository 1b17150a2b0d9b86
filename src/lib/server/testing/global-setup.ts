// Integration tests share one embedded PostgreSQL on a throwaway data dir, migrated once here.
// Each test creates the rows it needs, so files can run in parallel against the same database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../../../db/embedded.ts';
import { prepareDatabase } from '../../../cli/database.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		databaseUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-test-'));
	// The postgres OS user (when we run as root) must be able to reach the data dir.
	fs.chmodSync(dataDir, 0o755);
	const db = await startEmbeddedPostgres({ dataDir });
	await prepareDatabase(db.url);
	project.provide('databaseUrl', db.url);
	return async () => {
		await db.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	};
}
