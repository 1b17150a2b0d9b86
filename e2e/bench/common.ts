// Shared bits of the benchmark scripts: the context they run in and how figures are printed.
export interface BenchContext {
	url: string;
	root: string;
	log: (line: string) => void;
	args: Record<string, string | boolean | undefined>;
}

export interface Figures {
	p50: number;
	p95: number;
	p99: number;
	rps: number;
	count: number;
	errors?: number;
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index]!;
}

export function printTable(title: string, rows: [string, Figures][]): void {
	const width = Math.max(...rows.map(([name]) => name.length), 10);
	const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-').padStart(8);
	console.log(`\n${title}`);
	console.log(
		`  ${'operation'.padEnd(width)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'req/s'.padStart(9)} ${'requests'.padStart(9)}`
	);
	for (const [name, f] of rows) {
		console.log(
			`  ${name.padEnd(width)} ${fmt(f.p50)} ${fmt(f.p95)} ${fmt(f.p99)} ${f.rps.toFixed(0).padStart(9)} ${String(f.count).padStart(9)}`
		);
	}
}

export async function waitForServer(baseUrl: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			await fetch(`${baseUrl}/healthz`);
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	throw new Error(`server at ${baseUrl} did not start`);
}
