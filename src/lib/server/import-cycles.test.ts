// No import cycles in src/lib/server: a cycle ties two rooms into one, so neither can be read,
// tested or moved alone (the import rule itself is the `layers/imports` lint rule, eslint.config.js).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = import.meta.dirname;
const IMPORT =
	/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(full);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
	});
}

function importsOf(file: string): string[] {
	const text = fs.readFileSync(file, 'utf8');
	const out: string[] = [];
	for (const match of text.matchAll(IMPORT)) {
		const spec = match[1] ?? match[2]!;
		const target = path.resolve(path.dirname(file), spec);
		const found = [target, `${target}.ts`].find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
		if (found && found.startsWith(SERVER)) out.push(found);
	}
	return out;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
	let index = 0;
	const stack: string[] = [];
	const on = new Set<string>();
	const idx = new Map<string, number>();
	const low = new Map<string, number>();
	const found: string[][] = [];
	const visit = (v: string) => {
		idx.set(v, index);
		low.set(v, index++);
		stack.push(v);
		on.add(v);
		for (const w of graph.get(v) ?? []) {
			if (!idx.has(w)) {
				visit(w);
				low.set(v, Math.min(low.get(v)!, low.get(w)!));
			} else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
		}
		if (low.get(v) === idx.get(v)) {
			const component: string[] = [];
			let w: string;
			do {
				w = stack.pop()!;
				on.delete(w);
				component.push(path.relative(SERVER, w));
			} while (w !== v);
			if (component.length > 1) found.push(component.sort());
		}
	};
	for (const v of graph.keys()) if (!idx.has(v)) visit(v);
	return found;
}

describe('src/lib/server', () => {
	const graph = new Map(sourceFiles(SERVER).map((file) => [file, importsOf(file)]));

	it('reads the import graph', () => {
		expect(graph.size).toBeGreaterThan(100);
		expect(graph.get(path.join(SERVER, 'app/router.ts'))!.length).toBeGreaterThan(15);
	});

	it('has no import cycles', () => {
		expect(cycles(graph)).toEqual([]);
	});

	it('finds a cycle when there is one', () => {
		const a = path.join(SERVER, 'a.ts');
		const b = path.join(SERVER, 'b.ts');
		expect(
			cycles(
				new Map([
					[a, [b]],
					[b, [a]]
				])
			)
		).toEqual([['a.ts', 'b.ts']]);
	});
});
