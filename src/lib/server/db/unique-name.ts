// Names unique among a table's current rows, ignoring case (services, body parts, concession
// types): a partial unique index enforces it, and this turns both the check before a write and the
// index's violation (a concurrent write past the check) into the same field error on `name`.
import { UniqueConstraintViolationException, type EntityName, type FilterQuery } from '@mikro-orm/postgresql';
import { fieldError, type AppError } from '../errors.ts';
import { escapeLike } from './like.ts';
import type { Em } from './orm.ts';

export interface UniqueName {
	/** Refuses `name` when a current row (other than `exceptId`) already has it. */
	assertFree(em: Em, name: string, exceptId?: string): Promise<void>;
	/** Flushes, turning the unique index's violation into the same refusal. */
	flush(em: Em): Promise<void>;
	conflict(): AppError;
}

export function uniqueName<T extends object>(
	entity: EntityName<T>,
	current: FilterQuery<T>,
	message: string
): UniqueName {
	const conflict = () => fieldError('name', message, 'CONFLICT');
	return {
		conflict,
		async assertFree(em, name, exceptId) {
			// Counted as a plain object query: the entity's own type adds nothing to a count.
			const where: FilterQuery<object> = {
				...(current as object),
				name: { $ilike: escapeLike(name) },
				...(exceptId ? { id: { $ne: exceptId } } : {})
			};
			if (await em.count(entity as EntityName<object>, where)) throw conflict();
		},
		async flush(em) {
			try {
				await em.flush();
			} catch (error) {
				if (error instanceof UniqueConstraintViolationException) throw conflict();
				throw error;
			}
		}
	};
}
