// Benchmark: patient reminders at volume (issue 20). A real worker process (`node worker/index.ts`)
// works the queues; SMS go through the real twilio SDK to the Twilio stand-in, emails through
// Nodemailer to the SMTP catcher. N reminders (default 5,000) fall due at the same minute; a share
// of the patients get them by SMS (default 20 %), the rest by email. SMS at the clinic's rate
// (default 10/s, the shared token bucket), emails unthrottled. Prints, never asserts:
//   1. steady: time until the last message is handed over, lateness p50 / p99 (due -> provider),
//      missed, duplicates
//   2. crash: the same with the worker SIGKILLed 5 times while sending, restarted each time
// Appointments, scheduled reminders and their jobs are written in bulk (as the listener would
// write them one by one), so the figures measure sending, not booking.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setOrm } from '../../src/lib/server/db/orm.ts';
import { initOrm } from '../../src/lib/server/app/orm.ts';
import { createBoss, setBoss } from '../../src/lib/server/jobs/boss.ts';
import { reminderSendJob } from '../../src/lib/server/reminders/reminders.jobs.ts';
import { ScheduledReminder } from '../../src/lib/server/reminders/reminder.entity.ts';
import { Appointment } from '../../src/lib/server/appointments/appointment.entity.ts';
import { AppointmentType } from '../../src/lib/server/appointment-types/appointment-type.entity.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import { Patient } from '../../src/lib/server/patients/patient.entity.ts';
import { buildSearchText } from '../../src/lib/server/patients/patients.service.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/lib/server/testing/smtp-catcher.ts';
import { startTwilioStandin, type TwilioStandin } from '../../src/lib/server/testing/twilio-standin.ts';
import { percentile, type BenchContext } from './common.ts';

type Orm = Awaited<ReturnType<typeof initOrm>>;

function startWorker(ctx: BenchContext, sms: TwilioStandin, smtp: SmtpCatcher): ChildProcess {
	return spawn(process.execPath, [path.join(ctx.root, 'worker', 'index.ts')], {
		cwd: ctx.root,
		env: {
			...process.env,
			DATABASE_URL: ctx.url,
			TWILIO_ACCOUNT_SID: sms.accountSid,
			TWILIO_AUTH_TOKEN: sms.authToken,
			TWILIO_FROM: sms.from,
			TWILIO_API_URL: sms.url,
			SMTP_URL: smtp.url,
			MAIL_FROM: 'Bench <bench@clinic.test>',
			LOG_LEVEL: 'warn',
			CASEBOOK_SERVICE: 'bench-worker'
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
}

async function stopWorker(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	child.kill(signal);
	await exited;
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (predicate()) return true;
		await new Promise((r) => setTimeout(r, 200));
	}
	return predicate();
}

interface Batch {
	label: string;
	dueAt: number;
	/** Patient first name (the message text carries it) -> expected channel. */
	expected: Map<string, 'sms' | 'email'>;
}

/**
 * `count` patients (first names `<label>-<i>`), one booked appointment each, and one scheduled
 * reminder each due at `dueAt`, with its reminder.send job (startAfter = due), all in bulk.
 */
async function createBatch(
	orm: Orm,
	label: string,
	count: number,
	smsPercent: number,
	dueAt: number
): Promise<Batch> {
	const suffix = Date.now().toString(36);
	const setup = orm.em.fork();
	const practitioner = setup.create(User, {
		kind: 'staff',
		name: `Bench practitioner ${label} ${suffix}`,
		email: `bench-${label.toLowerCase()}-${suffix}@bench.test`,
		roles: ['practitioner']
	});
	const type = setup.create(AppointmentType, {
		name: `Bench reminder ${label} ${suffix}`,
		durationMinutes: 30,
		priceCents: 0
	});
	await setup.flush();
	const expected = new Map<string, 'sms' | 'email'>();
	const smsEvery = smsPercent > 0 ? Math.round(100 / smsPercent) : Infinity;
	const firstStart = dueAt + 24 * 3_600_000;
	const ids: string[] = [];
	for (let from = 0; from < count; from += 500) {
		const em = orm.em.fork();
		const appointments: Appointment[] = [];
		for (let i = from; i < Math.min(count, from + 500); i += 1) {
			const channel = i % smsEvery === 0 ? 'sms' : 'email';
			const name = `${label}${i}x${suffix}`;
			expected.set(name, channel);
			const patient = em.create(Patient, {
				firstName: name,
				lastName: `Bench ${suffix}`,
				email: channel === 'email' ? `${name.toLowerCase()}@bench.test` : null,
				phoneNumbers:
					channel === 'sms'
						? [{ phoneType: 'Mobile', number: `+6149${String(1_000_000 + i).padStart(7, '0')}` }]
						: [],
				medicalAlerts: [],
				reminderType: channel === 'sms' ? 'SMS' : 'Email',
				receivesConfirmationEmails: false
			});
			patient.searchText = buildSearchText(patient);
			const startsAt = new Date(firstStart + i * 30 * 60_000);
			appointments.push(
				em.create(Appointment, {
					patient,
					practitioner: em.getReference(User, practitioner.id),
					appointmentType: em.getReference(AppointmentType, type.id),
					startsAt,
					endsAt: new Date(startsAt.getTime() + 30 * 60_000),
					status: 'booked'
				})
			);
		}
		await em.flush();
		const reminders = appointments.map((appointment) =>
			em.create(ScheduledReminder, {
				appointment,
				which: 1,
				slot: appointment.startsAt,
				dueAt: new Date(dueAt)
			})
		);
		await em.flush();
		ids.push(...reminders.map((r) => r.id));
	}
	for (let from = 0; from < ids.length; from += 1000)
		await jobsBoss!.insert(
			reminderSendJob.name,
			ids
				.slice(from, from + 1000)
				.map((id) => ({ data: { scheduledReminderId: id }, startAfter: new Date(dueAt) }))
		);
	return { label, dueAt, expected };
}

let jobsBoss: ReturnType<typeof createBoss> | null = null;

function nameIn(text: string, batch: Batch): string | null {
	const match = /BENCH\[(\w+)\]/.exec(text);
	return match && batch.expected.has(match[1]!) ? match[1]! : null;
}

interface Outcome {
	lastAfterDue: number;
	lateness: number[];
	missed: number;
	duplicates: number;
	smsCount: number;
	emailCount: number;
}

function outcomeOf(batch: Batch, sms: TwilioStandin, smtp: SmtpCatcher): Outcome {
	const seen = new Map<string, number>();
	const lateness: number[] = [];
	let smsCount = 0;
	let emailCount = 0;
	let last = batch.dueAt;
	const count = (name: string | null, at: number, channel: 'sms' | 'email') => {
		if (!name || batch.expected.get(name) !== channel) return;
		seen.set(name, (seen.get(name) ?? 0) + 1);
		if (seen.get(name) === 1) lateness.push(at - batch.dueAt);
		if (channel === 'sms') smsCount += 1;
		else emailCount += 1;
		last = Math.max(last, at);
	};
	for (const m of sms.messages) count(nameIn(m.body, batch), m.receivedAt.getTime(), 'sms');
	for (const m of smtp.messages)
		count(
			nameIn(m.subject, batch),
			(m as { receivedAt?: Date }).receivedAt?.getTime() ?? Date.now(),
			'email'
		);
	lateness.sort((a, b) => a - b);
	return {
		lastAfterDue: last - batch.dueAt,
		lateness,
		missed: [...batch.expected.keys()].filter((n) => !seen.has(n)).length,
		duplicates: [...seen.values()].reduce((sum, n) => sum + n - 1, 0),
		smsCount,
		emailCount
	};
}

function delivered(batch: Batch, sms: TwilioStandin, smtp: SmtpCatcher): number {
	const names = new Set<string>();
	for (const m of sms.messages) {
		const n = nameIn(m.body, batch);
		if (n) names.add(n);
	}
	for (const m of smtp.messages) {
		const n = nameIn(m.subject, batch);
		if (n) names.add(n);
	}
	return names.size;
}

function print(title: string, batch: Batch, o: Outcome): void {
	const sms = [...batch.expected.values()].filter((c) => c === 'sms').length;
	console.log(`\n${title}`);
	console.log(`  reminders: ${batch.expected.size} (${sms} by SMS, ${batch.expected.size - sms} by email)`);
	console.log(`  last handed over ${(o.lastAfterDue / 1000).toFixed(1)} s after the due minute`);
	console.log(
		`  lateness (due -> provider): p50 ${(percentile(o.lateness, 50) / 1000).toFixed(2)} s, p99 ${(percentile(o.lateness, 99) / 1000).toFixed(2)} s`
	);
	console.log(
		`  missed: ${o.missed}; duplicates: ${o.duplicates} (SMS received ${o.smsCount}, emails ${o.emailCount})`
	);
}

export async function benchReminders(ctx: BenchContext): Promise<void> {
	const count = Number(ctx.args.reminders ?? 5000);
	const smsPercent = Number(ctx.args.smsPercent ?? 20);
	const rate = Number(ctx.args.smsRate ?? 10);
	const orm = await initOrm(ctx.url, { pool: { min: 0, max: 10 } });
	setOrm(orm);
	jobsBoss = createBoss(ctx.url, { supervise: false, schedule: false, migrate: false });
	await jobsBoss.start();
	setBoss(jobsBoss);
	const [sms, smtp] = await Promise.all([startTwilioStandin(), startSmtpCatcher()]);
	// The catcher does not stamp arrival: do it here, as the message lands.
	const push = smtp.messages.push.bind(smtp.messages);
	smtp.messages.push = (...items) => push(...items.map((m) => Object.assign(m, { receivedAt: new Date() })));
	const sql = orm.em.fork().getConnection();
	const [saved] = await sql.execute<Record<string, unknown>[]>(
		`select * from reminder_settings where id = 1`
	);
	let worker: ChildProcess | null = null;
	try {
		await sql.execute(
			`update reminder_settings set sms_template = 'BENCH[{first_name}] see you {date} at {time}.',
			   email_subject = 'BENCH[{first_name}]', quiet_start_minute = null, quiet_end_minute = null,
			   sms_per_second = ?, sms_next_at = now() where id = 1`,
			[rate]
		);
		worker = startWorker(ctx, sms, smtp);

		// 1. Steady.
		ctx.log(`steady: creating ${count} reminders due at the same minute (${smsPercent}% SMS, ${rate} SMS/s)`);
		const lead = Math.max(20_000, count * 6);
		const steady = await createBatch(orm, 'S', count, smsPercent, Date.now() + lead);
		ctx.log(`created; due in ${((steady.dueAt - Date.now()) / 1000).toFixed(1)} s`);
		const expectedSeconds = (count * smsPercent) / 100 / rate;
		await waitUntil(
			() => delivered(steady, sms, smtp) >= count,
			(lead + expectedSeconds * 1000) * 2 + 120_000
		);
		print(
			`Reminders, steady (1 worker, poll 0.5 s, SMS ${rate}/s, emails unthrottled)`,
			steady,
			outcomeOf(steady, sms, smtp)
		);

		// 2. Crash: the worker SIGKILLed 5 times while sending.
		ctx.log(`crash: ${count} more reminders; the worker will be killed 5 times while sending`);
		const crash = await createBatch(orm, 'K', count, smsPercent, Date.now() + lead);
		await new Promise((r) => setTimeout(r, Math.max(0, crash.dueAt - Date.now())));
		let sendingAtKill = 0;
		const span = Math.max(10_000, expectedSeconds * 1000 * 0.8);
		for (let kill = 0; kill < 5; kill += 1) {
			await new Promise((r) => setTimeout(r, (span / 5) * (0.5 + Math.random() * 0.5)));
			const [row] = await sql.execute<{ n: string }[]>(
				`select count(*) as n from notification where status = 'sending' and purpose like 'appt-reminder:%'`
			);
			sendingAtKill += Number(row?.n ?? 0);
			await stopWorker(worker!, 'SIGKILL');
			worker = startWorker(ctx, sms, smtp);
		}
		ctx.log('kills done; waiting for recovery (pg-boss retries the jobs of a dead worker)');
		await waitUntil(() => delivered(crash, sms, smtp) >= count, expectedSeconds * 2000 + 300_000);
		const o = outcomeOf(crash, sms, smtp);
		print('Reminders, worker SIGKILLed 5 times while sending (restarted each time)', crash, o);
		console.log(`  messages in 'sending' at the moments of the kills: ${sendingAtKill}`);
		if (o.duplicates > 0)
			console.log(
				'  each duplicate is a message the provider accepted while the worker was killed before recording it as sent: the retry cannot know it went out, and sends again rather than lose a reminder (at most the messages in flight per kill)'
			);
		if (o.missed > 0)
			console.log(
				"  missed ones were still queued when the wait ended (pg-boss retries a dead worker's job after its expiry)"
			);
	} finally {
		if (worker) await stopWorker(worker, 'SIGTERM');
		if (saved)
			await sql.execute(
				`update reminder_settings set sms_template = ?, email_subject = ?, quiet_start_minute = ?, quiet_end_minute = ?, sms_per_second = ? where id = 1`,
				[
					saved.sms_template,
					saved.email_subject,
					saved.quiet_start_minute,
					saved.quiet_end_minute,
					saved.sms_per_second
				]
			);
		await Promise.all([sms.close(), smtp.close()]);
		await jobsBoss.stop({ graceful: false });
		await orm.close();
	}
}
