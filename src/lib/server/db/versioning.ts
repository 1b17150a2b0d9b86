// Optimistic concurrency: a form carries the version it was loaded at; saving an older version is
// a conflict the user sees, never a silent overwrite. (The flush itself also checks the version
// column, so two saves racing past this check still cannot both win.)
import { AppError } from '../errors.ts';

export function assertVersion(entity: { version: number }, expected: number | undefined, what: string): void {
	if (expected !== undefined && entity.version !== expected) {
		throw new AppError(
			'CONFLICT',
			`Someone else changed this ${what} since you opened it. Reload to see their changes, then make yours again.`
		);
	}
}
