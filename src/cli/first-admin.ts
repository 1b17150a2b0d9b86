// On a database with no admin: create one from CASEBOOK_ADMIN_EMAIL / CASEBOOK_ADMIN_PASSWORD, or
// print a one-time setup link (like Jupyter's token) that opens the first-admin page.
import { SYSTEM_ACTOR } from '../lib/server/auth/actor.ts';
import { createFirstAdmin, hasActiveAdmin, issueFirstAdminToken } from '../lib/server/auth/auth.service.ts';
import { initOrm } from '../lib/server/app/orm.ts';
import type { AfterMigrateContext } from './hooks.ts';

export async function ensureFirstAdmin({ url, config, say, announce }: AfterMigrateContext): Promise<void> {
	const orm = await initOrm(url);
	try {
		const em = orm.em.fork();
		if (await hasActiveAdmin(em)) return;
		if (config.CASEBOOK_ADMIN_EMAIL && config.CASEBOOK_ADMIN_PASSWORD) {
			const email = config.CASEBOOK_ADMIN_EMAIL.toLowerCase();
			await createFirstAdmin(em, SYSTEM_ACTOR, {
				token: null,
				name: 'Administrator',
				email,
				password: config.CASEBOOK_ADMIN_PASSWORD
			});
			say(`created the first admin, ${email}, from CASEBOOK_ADMIN_EMAIL`);
			return;
		}
		const token = await issueFirstAdminToken(em);
		announce([
			'Casebook has no admin yet. Open this one-time link to create the first admin account:',
			`    ${config.ORIGIN}/setup?token=${token}`
		]);
	} finally {
		await orm.close();
	}
}
