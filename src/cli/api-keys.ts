// `api-key:create --email <staff email> [--name <label>] [--scopes team_cases:write,team_cases:read]`:
// a key for scripts, printed once. Without --scopes the key has full access (its user's permissions).
import { parseArgs } from 'node:util';
import { createApiKey } from '../lib/server/auth/api-keys.service.ts';
import { SYSTEM_ACTOR } from '../lib/server/auth/actor.ts';
import { User } from '../lib/server/auth/user.entity.ts';
import { initOrm } from '../lib/server/app/orm.ts';
import type { OpenDatabase } from './database.ts';

export async function apiKeyCreate(db: OpenDatabase, args: string[]): Promise<void> {
	const { values } = parseArgs({
		args,
		options: { email: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' } }
	});
	if (!values.email) throw new Error('--email is required (the staff member the key acts as)');
	const orm = await initOrm(db.url);
	try {
		const em = orm.em.fork();
		const user = await em.findOne(User, { email: values.email.trim().toLowerCase(), kind: 'staff' });
		if (!user) throw new Error(`no staff member with the email ${values.email}`);
		if (!user.isActive) throw new Error(`${user.email} is deactivated: reactivate them first`);
		const { key, secret } = await createApiKey(em, SYSTEM_ACTOR, {
			name: values.name ?? 'Command line',
			userId: user.id,
			...(values.scopes ? { scopes: values.scopes.split(',').filter((s) => s.trim() !== '') } : {})
		});
		console.error(
			`created API key "${key.name}" for ${user.email} (${key.scopes.includes('*') ? 'full access' : key.scopes.join(', ')}); it is shown only this once:`
		);
		console.log(secret);
	} finally {
		await orm.close();
	}
}
