// Builds the web app when its sources are newer than the last build (used by `npm start` and the
// benchmarks), so a fresh clone or an edit never runs a stale build. Vite's own output (chunk
// sizes, "Run npm run preview" advice) is kept back: a person sees one progress line, and the
// whole output only when the build fails.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const buildDir = path.join(root, 'build');
const buildStamp = path.join(buildDir, '.casebook-build');
const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

/** The build failed; its message says so in one line, after Vite's output has been printed. */
export class BuildError extends Error {
	override name = 'BuildError';
}

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
	const first = !fs.existsSync(path.join(buildDir, 'index.js'));
	say(
		first
			? 'building the web app (first start only; this can take a minute)…'
			: 'building the web app (its sources changed)…'
	);
	const started = Date.now();
	const progress = setInterval(
		() => say(`  still building… ${Math.round((Date.now() - started) / 1000)} s`),
		15_000
	);
	let output = '';
	try {
		await new Promise<void>((resolve, reject) => {
			const child = spawn(
				process.execPath,
				[path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
				{
					cwd: root,
					env: { ...process.env, NODE_ENV: 'production', FORCE_COLOR: '0' },
					stdio: ['ignore', 'pipe', 'pipe']
				}
			);
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.on('error', reject);
			child.on('exit', (code) =>
				code === 0
					? resolve()
					: reject(
							new BuildError(`the web app did not build (vite build exited ${code}); its output is above`)
						)
			);
		});
	} catch (error) {
		process.stderr.write(output);
		if (error instanceof BuildError) throw error;
		throw new BuildError(`the web app did not build: ${(error as Error).message}`, { cause: error });
	} finally {
		clearInterval(progress);
	}
	fs.writeFileSync(buildStamp, new Date().toISOString());
	say(`web app built in ${Math.round((Date.now() - started) / 1000)} s`);
}
