import path from 'node:path';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// The layers of src/lib/server (see its README): platform below, features in the middle, app/ and
// web/ on top. Platform imports no feature; a feature imports another feature's public files only
// (entity, queries, service, schemas, jobs, rules), never a router, app/ or web/; only app/, web/,
// routes, the worker, the CLI and tests import app/; web/ is never imported by the worker or by
// server code below it.
const SERVER = path.join(import.meta.dirname, 'src/lib/server');
const PLATFORM = new Set([
	'db',
	'events',
	'jobs',
	'trpc',
	'notifications',
	'audit',
	'auth',
	'settings',
	'errors.ts',
	'config.ts',
	'logger.ts',
	'request-body.ts',
	'README.md'
]);
const PUBLIC_FILE = /\.(entity|queries|service|schemas|jobs|rules)\.ts$/;

/** The room of a server file (its top folder, or the file itself), or null outside the server. */
/** @param {string} file @returns {string | null} */
function roomOf(file) {
	const rel = path.relative(SERVER, file);
	if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
	return rel.split(path.sep)[0] ?? null;
}

/** @param {string} room */
function layerOf(room) {
	if (room === 'app' || room === 'web') return room;
	if (room === 'testing' || room === 'security') return 'testing';
	return PLATFORM.has(room) ? 'platform' : 'feature';
}

/** @param {string} fromFile @param {string} spec */
function resolveImport(fromFile, spec) {
	if (spec.startsWith('$lib/')) return path.join(import.meta.dirname, 'src/lib', spec.slice(5));
	if (spec.startsWith('#server/')) return path.join(SERVER, spec.slice(8));
	if (spec.startsWith('.')) return path.resolve(path.dirname(fromFile), spec);
	return null;
}

/** @param {string} fromFile @param {string} target */
function layerProblem(fromFile, target) {
	const toRoom = roomOf(target);
	if (toRoom === null) return null;
	const toLayer = layerOf(toRoom);
	const fromRoom = roomOf(fromFile);
	if (fromRoom === null) {
		// Outside the server: the worker must not reach SvelteKit adapters.
		const isWorker = !path.relative(path.join(import.meta.dirname, 'worker'), fromFile).startsWith('..');
		return isWorker && toLayer === 'web' ? 'the worker never imports web/ (SvelteKit adapters)' : null;
	}
	const fromLayer = layerOf(fromRoom);
	if (fromLayer === 'app' || fromLayer === 'web' || fromLayer === 'testing' || fromRoom === toRoom)
		return null;
	if (toLayer === 'app' || toLayer === 'web')
		return `${fromRoom} may not import ${toRoom}/: only app/ and web/ sit on top`;
	if (fromLayer === 'platform' && toLayer === 'feature')
		return `platform (${fromRoom}) imports no feature (${toRoom})`;
	if (fromLayer === 'feature' && toLayer === 'feature') {
		const base = path.basename(target).replace(/(\.ts)?$/, '.ts');
		if (!PUBLIC_FILE.test(base))
			return `${fromRoom} may use only ${toRoom}'s entity, queries, service, schemas, jobs or rules files, not ${path.basename(target)}`;
	}
	return null;
}

/** A module SvelteKit may load in the browser: anything under src/ but server code. */
/** @param {string} file */
function isClientSide(file) {
	const rel = path.relative(path.join(import.meta.dirname, 'src'), file);
	if (rel.startsWith('..') || rel.startsWith(`lib${path.sep}server`) || rel.startsWith('cli')) return false;
	return !/(\.server\.ts|\+server\.ts|\.test\.ts)$/.test(file);
}

const layers = {
	rules: {
		/** Client-side modules take only types from src/lib/server (values would ship server code). */
		'client-imports': {
			meta: { type: 'problem', schema: [] },
			/** @param {import('eslint').Rule.RuleContext} context */
			create(context) {
				const file = context.filename;
				if (!isClientSide(file)) return {};
				/** @param {any} node */
				const check = (node) => {
					const spec = node.source?.value;
					if (typeof spec !== 'string') return;
					const target = resolveImport(file, spec);
					if (!target || roomOf(target) === null) return;
					const typeOnly =
						node.importKind === 'type' ||
						(node.specifiers?.length > 0 &&
							node.specifiers.every((/** @type {any} */ s) => s.importKind === 'type'));
					if (!typeOnly)
						context.report({
							node: node.source,
							message: `a module the browser may load imports server code (${spec}): import types only, or move the code out of src/lib/server`
						});
				};
				return { ImportDeclaration: check, ImportExpression: check };
			}
		},
		imports: {
			meta: { type: 'problem', schema: [] },
			/** @param {import('eslint').Rule.RuleContext} context */
			create(context) {
				const file = context.filename;
				if (/\.test\.ts$/.test(file)) return {};
				/** @param {{ source?: { value?: unknown } | null }} node */
				const check = (node) => {
					const spec = node.source?.value;
					if (typeof spec !== 'string') return;
					const target = resolveImport(file, spec);
					const problem = target && layerProblem(file, target);
					if (problem)
						context.report({ node: /** @type {import('estree').Node} */ (node.source), message: problem });
				};
				return {
					ImportDeclaration: check,
					ExportNamedDeclaration: check,
					ExportAllDeclaration: check,
					ImportExpression: check
				};
			}
		}
	}
};

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', '.data/', 'db/migrations/*.json'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-undef': 'off',
			// Casebook is always served from the root path (no kit.paths.base), so plain hrefs are right.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		files: ['src/lib/server/**/*.ts', 'worker/**/*.ts'],
		plugins: { layers },
		rules: { 'layers/imports': 'error' }
	},
	{
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		plugins: { layers },
		rules: { 'layers/client-imports': 'error' }
	},
	{
		files: ['**/*.ts'],
		ignores: ['eslint.config.js', 'svelte.config.js'],
		languageOptions: {
			parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);
