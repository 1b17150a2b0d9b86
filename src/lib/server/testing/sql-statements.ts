// The SQL a piece of code sends through the ORM, with the values left out: to show that two requests
// (a known and an unknown address, say) do the same database work.
import { vi } from 'vitest';
import type { TestDb } from './harness.ts';

export async function statementsOf(db: TestDb, run: () => Promise<unknown>): Promise<string[]> {
	// Every ORM query (finds, flushes, raw SQL) goes through its connection's executeQuery.
	const connectionClass = Object.getPrototypeOf(db.orm.em.getConnection()) as {
		executeQuery: (sql: string, ...rest: unknown[]) => Promise<unknown>;
	};
	const spy = vi.spyOn(connectionClass, 'executeQuery');
	try {
		await run();
		return spy.mock.calls.map(([sql]) => String(sql).replace(/'[^']*'|\b\d+\b/g, '?'));
	} finally {
		spy.mockRestore();
	}
}
