// Benchmark: each Reports statement (src/lib/server/reports/reports.queries.ts) on the load
// benchmark's clinic (100,000 patients, 20,000 cases; load-seed.ts), extended once with two years
// of appointments, escalation steps and their pages, and portal requests. Every statement runs
// alone, one after another, over the default range (the last twelve weeks) and over two years,
// for the whole clinic and narrowed to one practitioner; p50 and p95 are printed (target: 200 ms).
import pg from 'pg';
import { clinicToday, defaultReportRange } from '../../src/lib/schemas/reports.ts';
import {
	acknowledgeTimeSql,
	appointmentsSql,
	capUsageSql,
	casesOpenedClosedSql,
	decisionsSql,
	deliverySql,
	escalationStepsSql,
	openCasesSql,
	referralsExpiringSql,
	requestsPerWeekSql,
	type ReportScope,
	type Statement
} from '../../src/lib/server/reports/reports.queries.ts';
import { percentile, printTable, type BenchContext, type Figures } from './common.ts';
import { seedLoad, type LoadFixture } from './load-seed.ts';

const CASES = 20_000;
const PORTAL_PATIENTS = 200;
const APPOINTMENTS = 60_000;
const REQUESTS = 6_000;
const MARK = 'bench-reports';

const STATEMENTS: [string, (s: ReportScope) => Statement][] = [
	['acknowledge-time', acknowledgeTimeSql],
	['escalation-steps', escalationStepsSql],
	['delivery', deliverySql],
	['open-cases', openCasesSql],
	['cap-usage', capUsageSql],
	['referrals-expiring', referralsExpiringSql],
	['cases-opened-closed', casesOpenedClosedSql],
	['requests-per-week', requestsPerWeekSql],
	['decisions (+ decision-time)', decisionsSql],
	['appointments', appointmentsSql]
];

function toPg(sql: string): string {
	let n = 0;
	return sql.replace(/\?/g, () => `$${++n}`);
}

/** Two years of report data over the load clinic, once (found again by the appointments' notes). */
async function seedReportData(client: pg.Client, fixture: LoadFixture, log: (line: string) => void) {
	const { rows } = await client.query<{ n: string }>(
		`select count(*) as n from appointment where notes = $1`,
		[MARK]
	);
	if (Number(rows[0]!.n) >= APPOINTMENTS) return;
	const started = Date.now();
	log(`seeding report data: ${APPOINTMENTS.toLocaleString('en')} appointments, steps, pages, requests…`);
	const staffIds = fixture.staff.map((s) => Number(s.id));
	const { rows: typeRows } = await client.query<{ id: string }>(
		`select id::text as id from appointment_type where name = 'Load consult' limit 1`
	);
	const typeId = typeRows[0]!.id;
	// Appointments: each practitioner every 3.5 hours over two years (no overlaps), on the seeded
	// cases, mostly in the past; statuses spread as a clinic's would be.
	await client.query(
		`with cases as (select array_agg(id order by id) as ids, array_agg(patient_id order by id) as patients
			from clinic_case where created_by_id = $5 and patient_id is not null)
		 insert into appointment (patient_id, practitioner_id, appointment_type_id, starts_at, ends_at, status, case_id,
			notes, invoiced_amount_cents, created_at, updated_at)
		 select cases.patients[k.i], ($1::bigint[])[1 + g % array_length($1::bigint[], 1)], $2::bigint,
			s.starts_at, s.starts_at + interval '30 minutes',
			case when s.starts_at > now() then 'booked'
				when g % 20 < 14 then 'completed' when g % 20 < 17 then 'cancelled'
				when g % 20 < 18 then 'did_not_arrive' else 'booked' end,
			cases.ids[k.i], $3, case when g % 3 = 0 then 9000 end, now(), now()
		 from generate_series(0, $4::int - 1) g
		 cross join cases
		 cross join lateral (select 1 + (g * 7919) % array_length(cases.ids, 1) as i) k
		 cross join lateral (select date_trunc('hour', now()) - interval '640 days'
			+ (g / array_length($1::bigint[], 1)) * interval '210 minutes' as starts_at) s`,
		[staffIds, typeId, MARK, APPOINTMENTS, fixture.seederId]
	);
	// Referrals on a tenth of the open cases, expiring over the next hundred days.
	await client.query(
		`update clinic_case set has_referral = true, referral_issued_on = current_date - 300,
			referral_expires_on = current_date + (id % 100)::int
		 where created_by_id = $1 and id % 10 = 4 and status = 'open'`,
		[fixture.seederId]
	);
	// The first step fired for every unacknowledged routed case, a second round for a third of them.
	await client.query(
		`insert into case_escalation_step (case_id, team_id, generation, round, step_index, due_at, fired_at)
		 select c.id, ct.team_id, c.escalation_generation, r.round, 0, c.sent_at + interval '5 minutes',
			c.sent_at + interval '5 minutes' + r.round * interval '30 minutes'
		 from clinic_case c join case_team ct on ct.case_id = c.id
		 cross join lateral (select 0 as round union all select 1 where c.id % 3 = 0) r
		 where c.created_by_id = $1 and c.sent_at is not null and c.acknowledged_at is null
		 on conflict do nothing`,
		[fixture.seederId]
	);
	// One page per fired step (SMS for urgent cases), a tenth failed; each failed SMS fell back to email.
	await client.query(
		`insert into notification (channel, recipient, purpose, body, related_type, related_id, status, attempts, created_at, updated_at)
		 select case when c.priority = 'urgent' then 'sms' else 'email' end,
			case when c.priority = 'urgent' then '+61400000000' else 'page@casebook.test' end,
			'case-page:' || s.case_id || ':' || s.team_id || ':g' || s.generation || ':r' || s.round || ':s' || s.step_index || ':u' || $2::bigint,
			'page', 'case', s.case_id::text,
			case when s.case_id % 10 = 0 then 'failed' else 'delivered' end, 1, s.fired_at, s.fired_at
		 from case_escalation_step s join clinic_case c on c.id = s.case_id
		 where c.created_by_id = $1
		 on conflict (purpose) do nothing`,
		[fixture.seederId, staffIds[0]]
	);
	await client.query(
		`insert into notification (channel, recipient, purpose, body, related_type, related_id, status, attempts, created_at, updated_at)
		 select 'email', 'page@casebook.test', 'case-page-fallback:' || n.id, 'page', 'case', n.related_id, 'delivered', 1,
			n.created_at + interval '1 minute', n.created_at + interval '1 minute'
		 from notification n where n.channel = 'sms' and n.status = 'failed' and n.purpose like 'case-page:%'
		 on conflict (purpose) do nothing`
	);
	// Requests on the portal cases over two years: decided a few hours later, some at another time.
	await client.query(
		`with portal as (select array_agg(id order by id) as ids, array_agg(patient_id order by id) as patients
			from clinic_case where created_by_id = $1 and name = 'Knee rehabilitation (portal)'),
		 booked as (select array_agg(id order by id) as ids from appointment where notes = $3)
		 insert into appointment_request (patient_id, case_id, appointment_type_id, duration_minutes, windows, status,
			created_at, decided_at, appointment_id)
		 select portal.patients[1 + g % array_length(portal.ids, 1)], portal.ids[1 + g % array_length(portal.ids, 1)], $2::bigint, 30,
			jsonb_build_array(jsonb_build_object('startsAt', to_char(t.at + interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				'endsAt', to_char(t.at + interval '2 days 3 hours', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))),
			case when g % 10 < 7 then 'approved' when g % 10 < 9 then 'declined' else 'withdrawn' end,
			t.at, t.at + (1 + g % 48) * interval '1 hour',
			case when g % 10 < 7 then booked.ids[1 + (g * 31) % array_length(booked.ids, 1)] end
		 from generate_series(0, $4::int - 1) g
		 cross join portal cross join booked
		 cross join lateral (select now() - interval '700 days' + g * (interval '700 days' / $4::int) as at) t`,
		[fixture.seederId, typeId, MARK, REQUESTS]
	);
	for (const table of [
		'appointment',
		'clinic_case',
		'case_escalation_step',
		'notification',
		'appointment_request'
	])
		await client.query(`vacuum analyze ${table}`);
	log(`seeded report data in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function time(client: pg.Client, statement: Statement, runs: number): Promise<Figures> {
	const sql = toPg(statement.sql);
	await client.query(sql, statement.params); // warm
	const latencies: number[] = [];
	const started = performance.now();
	for (let i = 0; i < runs; i += 1) {
		const t = performance.now();
		await client.query(sql, statement.params);
		latencies.push(performance.now() - t);
	}
	latencies.sort((a, b) => a - b);
	return {
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		rps: runs / ((performance.now() - started) / 1000),
		count: runs
	};
}

export async function benchReports(ctx: BenchContext): Promise<void> {
	const { url, log, args } = ctx;
	const patients = Number(args.patients ?? 100_000);
	const runs = Number(args.runs ?? 20);
	const fixture = await seedLoad(url, { patients, cases: CASES, portalPatients: PORTAL_PATIENTS }, log);
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await seedReportData(client, fixture, log);
		const timeZone = process.env.CASEBOOK_TIME_ZONE ?? 'Australia/Sydney';
		const today = clinicToday(timeZone);
		const twelveWeeks = defaultReportRange(today);
		const twoYears = {
			from: new Date(Date.parse(`${today}T00:00:00Z`) - 729 * 86_400_000).toISOString().slice(0, 10),
			to: today
		};
		const practitionerId = fixture.staff[0]!.id;
		const scopes: [string, ReportScope][] = [
			['12 weeks, clinic', { ...twelveWeeks, timeZone, today, teamId: null, practitionerId: null }],
			['12 weeks, one practitioner', { ...twelveWeeks, timeZone, today, teamId: null, practitionerId }],
			['2 years, clinic', { ...twoYears, timeZone, today, teamId: null, practitionerId: null }],
			[
				'2 years, one team',
				{ ...twoYears, timeZone, today, teamId: fixture.teamIds[0]!, practitionerId: null }
			]
		];
		const { rows: counts } = await client.query<Record<string, string>>(
			`select (select count(*) from appointment) as appointments, (select count(*) from clinic_case) as cases,
				(select count(*) from appointment_request) as requests, (select count(*) from notification) as notifications,
				(select count(*) from case_escalation_step) as steps`
		);
		log(`data: ${JSON.stringify(counts[0])}`);
		for (const [scopeName, scope] of scopes) {
			const figures: [string, Figures][] = [];
			for (const [name, build] of STATEMENTS) figures.push([name, await time(client, build(scope), runs)]);
			printTable(
				`reports statements, ${scopeName} (latency in ms, ${runs} runs each, one at a time; target p95 < 200 ms)`,
				figures
			);
			const slow = figures.filter(([, f]) => f.p95 >= 200).map(([name]) => name);
			console.log(
				slow.length ? `  over 200 ms at p95: ${slow.join(', ')}` : '  every statement under 200 ms at p95'
			);
		}
	} finally {
		await client.end();
	}
}
