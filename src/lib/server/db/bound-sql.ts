// A condition written once as SQL with `?` placeholders (the case visibility rule, a REST filter),
// used inside a Kysely query. Its values stay bound parameters: each `?` becomes one of them.
import { sql, type RawBuilder, type SqlBool } from 'kysely';

export interface BoundSql {
	sql: string;
	params: unknown[];
}

export function boundSql<T = SqlBool>(bound: BoundSql): RawBuilder<T> {
	const parts = bound.sql.split('?');
	if (parts.length - 1 !== bound.params.length)
		throw new Error(
			`A bound fragment has ${parts.length - 1} placeholders for ${bound.params.length} values`
		);
	const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
	return sql<T>(strings, ...bound.params);
}
