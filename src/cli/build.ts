// Builds the web app when its sources are newer than the last build (used by `npm start` and the
// benchmarks), so a fresh clone or an edit never runs a stale build.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const buildDir = path.join(root, 'build');
const buildStamp = path.join(buildDir, '.casebook-build');
const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

function newestMtime(entry: string): number {
	if (!fs.existsSync(entry)) return 0;
	const stat = fs.statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
	return newest;
}

export function needsBuild(): boolean {
	if (!fs.existsSync(path.join(buildDir, 'index.js')) || !fs.existsSync(buildStamp)) return true;
	const built = fs.statSync(buildStamp).mtimeMs;
	return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

export async function buildIfNeeded(say: (line: string) => void): Promise<void> {
	if (!needsBuild()) return;
	say('building the web app…');
	await new Promise<void>((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
			{
				cwd: root,
				env: { ...process.env, NODE_ENV: 'production' },
				stdio: 'inherit'
			}
		);
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited ${code}`))));
	});
	fs.writeFileSync(buildStamp, new Date().toISOString());
}
