// The process's one MikroORM instance and the EntityManager type every service takes. The ORM is
// configured and started by app/orm.ts (which knows every entity); platform and features only use it.
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

export type Em = EntityManager;
let current: MikroORM | undefined;

export function setOrm(orm: MikroORM | undefined): void {
	current = orm;
}

export function getOrm(): MikroORM {
	if (!current) throw new Error('The ORM is not initialised in this process');
	return current;
}
