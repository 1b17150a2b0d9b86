// CLI commands for staff accounts: create users and reset passwords from a terminal or script.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { SYSTEM_ACTOR } from '../lib/server/auth/actor.ts';
import { initOrm } from '../lib/server/app/orm.ts';
import { createBoss, setBoss } from '../lib/server/jobs/boss.ts';
import { zodFieldErrors } from '../lib/server/errors.ts';
import { createStaffInput } from '../lib/server/staff/staff.schemas.ts';
import { createStaff, setStaffPassword } from '../lib/server/staff/staff.service.ts';
import { newPassword } from '../lib/schemas/staff.ts';
import type { OpenDatabase } from './database.ts';

async function readStdin(): Promise<string> {
	if (process.stdin.isTTY) throw new Error('--password-stdin expects the password on standard input');
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
}

function explain(error: unknown): never {
	if (error instanceof z.ZodError) {
		const lines = Object.entries(zodFieldErrors(error)).map(
			([field, messages]) => `  ${field || 'input'}: ${messages.join('; ')}`
		);
		throw new Error(`invalid input:\n${lines.join('\n')}`);
	}
	throw error;
}

async function withServices<T>(
	db: OpenDatabase,
	fn: (orm: Awaited<ReturnType<typeof initOrm>>) => Promise<T>
): Promise<T> {
	const orm = await initOrm(db.url);
	// Creating a user without a password queues an email: sending jobs needs pg-boss.
	const boss = createBoss(db.url, { supervise: false, schedule: false, migrate: false });
	await boss.start();
	setBoss(boss);
	try {
		return await fn(orm);
	} finally {
		await boss.stop({ graceful: false });
		await orm.close();
	}
}

export async function userCreate(db: OpenDatabase, args: string[]): Promise<void> {
	const { values } = parseArgs({
		args,
		options: {
			email: { type: 'string' },
			name: { type: 'string' },
			roles: { type: 'string' },
			mobile: { type: 'string' },
			'password-stdin': { type: 'boolean', default: false }
		}
	});
	const password = values['password-stdin'] ? await readStdin() : undefined;
	let input;
	try {
		input = createStaffInput().parse({
			name: values.name ?? '',
			email: values.email ?? '',
			mobile: values.mobile ?? null,
			roles: (values.roles ?? '')
				.split(',')
				.map((r) => r.trim())
				.filter(Boolean),
			password
		});
	} catch (error) {
		explain(error);
	}
	const user = await withServices(db, (orm) => createStaff(orm.em.fork(), SYSTEM_ACTOR, input));
	console.log(
		`created ${user.email} (id ${user.id}, roles ${user.roles.join(', ')})${password ? '' : '; a link to choose a password was emailed'}`
	);
}

export async function userResetPassword(db: OpenDatabase, args: string[]): Promise<void> {
	const { values } = parseArgs({
		args,
		options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } }
	});
	if (!values.email) throw new Error('--email is required');
	if (!values['password-stdin'])
		throw new Error('pass the new password on standard input with --password-stdin');
	let password: string;
	try {
		password = newPassword.parse(await readStdin());
	} catch (error) {
		explain(error);
	}
	const user = await withServices(db, (orm) =>
		setStaffPassword(orm.em.fork(), SYSTEM_ACTOR, values.email!, password)
	);
	console.log(`password changed for ${user.email}; their sessions were ended`);
}
