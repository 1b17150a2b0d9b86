// Benchmark: `patients.find` over HTTP (filter + text search) at 25 concurrent clients, next to
// the same two SQL statements run directly through `pg`, on N seeded patients; plus first page vs
// a deep page. Prints a table; no thresholds here (targets are in the README).
import autocannon from 'autocannon';
import pg from 'pg';
import superjson from 'superjson';
import { findPatientsInput, type FindPatientsInput } from '../../src/lib/schemas/patient.ts';
import { createSession } from '../../src/lib/server/auth/sessions.service.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import { initOrm } from '../../src/lib/server/app/orm.ts';
import { buildFindPatientsSql, encodeCursor } from '../../src/lib/server/patients/patients.queries.ts';
import { buildSearchText } from '../../src/lib/server/patients/patients.service.ts';
import { hashPassword } from '../../src/lib/server/auth/passwords.ts';
import { percentile, printTable, startWebServer, type BenchContext } from './common.ts';

const FIRST = [
	'Olivia',
	'Noah',
	'Charlotte',
	'Oliver',
	'Amelia',
	'Jack',
	'Isla',
	'William',
	'Mia',
	'Henry',
	'Ava',
	'Leo',
	'Grace',
	'Lucas',
	'Chloe',
	'Thomas',
	'Zoe',
	'James',
	'Ruby',
	'Ethan',
	'Priya',
	'Wei',
	'Aroha',
	'Mohammed',
	'Fatima',
	'Hiroshi',
	'Sofia',
	'Mateo',
	'Anh',
	'Liam'
];
const LAST = [
	'Smith',
	'Jones',
	'Williams',
	'Brown',
	'Wilson',
	'Taylor',
	'Johnson',
	'White',
	'Martin',
	'Anderson',
	'Thompson',
	'Nguyen',
	'Thomas',
	'Walker',
	'Harris',
	'Lee',
	'Ryan',
	'Robinson',
	'Kelly',
	'King',
	'Patel',
	'Singh',
	'Chen',
	'Wang',
	'Kumar',
	'Murphy',
	'Campbell',
	'Mitchell',
	'Clarke',
	'Young',
	'Tran',
	'Ngata',
	'Rossi',
	'Costa',
	'Ali'
];

function pick<T>(list: readonly T[], n: number): T {
	return list[n % list.length]!;
}

export async function seedPatients(
	client: pg.Client,
	target: number,
	log: (s: string) => void
): Promise<void> {
	const { rows } = await client.query<{ n: string }>('select count(*) as n from patient');
	const have = Number(rows[0]!.n);
	if (have >= target) {
		log(`reusing ${have.toLocaleString('en')} seeded patients`);
		return;
	}
	log(`seeding ${(target - have).toLocaleString('en')} patients…`);
	const started = Date.now();
	const batch = 2000;
	for (let offset = have; offset < target; offset += batch) {
		const values: unknown[] = [];
		const tuples: string[] = [];
		for (let i = offset; i < Math.min(target, offset + batch); i++) {
			const firstName = pick(FIRST, i * 7 + 3);
			const lastName = `${pick(LAST, i * 13 + 5)}${i % 9 === 0 ? '-' + pick(LAST, i) : ''}`;
			const dob = new Date(Date.UTC(1930 + (i % 90), i % 12, 1 + (i % 28))).toISOString().slice(0, 10);
			const email = i % 5 === 0 ? null : `${firstName}.${lastName}.${i}@example.com`.toLowerCase();
			const phones = [{ phoneType: 'Mobile', number: `+614${String(10_000_000 + i).slice(-8)}` }];
			const searchText = buildSearchText({
				firstName,
				lastName,
				preferredFirstName: null,
				email,
				phoneNumbers: phones as never
			});
			const base = values.length;
			values.push(firstName, lastName, dob, email, JSON.stringify(phones), searchText);
			tuples.push(
				`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb, $${base + 6}, now() - interval '1 day' * ${i % 2000}, now())`
			);
		}
		await client.query(
			`insert into patient (first_name, last_name, date_of_birth, email, phone_numbers, search_text, created_at, updated_at) values ${tuples.join(',')}`,
			values
		);
	}
	await client.query('analyze patient');
	log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The same statements the API runs, with `?` placeholders numbered for pg. */
function toPg(sql: string): string {
	let n = 0;
	return sql.replace(/\?/g, () => `$${++n}`);
}

async function rawSqlLatencies(
	url: string,
	inputs: FindPatientsInput[],
	connections: number,
	seconds: number
) {
	const pool = new pg.Pool({ connectionString: url, max: connections });
	const latencies: number[] = [];
	const deadline = Date.now() + seconds * 1000;
	let i = 0;
	await Promise.all(
		Array.from({ length: connections }, async () => {
			while (Date.now() < deadline) {
				const input = findPatientsInput.parse(inputs[i++ % inputs.length]);
				const sql = buildFindPatientsSql('active', input);
				const started = performance.now();
				// What findPatients runs: one statement (the page, each row carrying the total).
				await pool.query(toPg(sql.pageSql), sql.pageParams);
				latencies.push(performance.now() - started);
			}
		})
	);
	await pool.end();
	latencies.sort((a, b) => a - b);
	return {
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99),
		rps: latencies.length / seconds,
		count: latencies.length
	};
}

async function httpLatencies(
	baseUrl: string,
	cookie: string,
	inputs: FindPatientsInput[],
	connections: number,
	seconds: number
) {
	const paths = inputs.map(
		(input) =>
			`/api/trpc/patients.find?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`
	);
	let i = 0;
	const result = await autocannon({
		url: baseUrl,
		connections,
		duration: seconds,
		headers: { cookie },
		requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }]
	});
	const errors = result.errors + result.timeouts + result.non2xx;
	return {
		p50: result.latency.p50,
		p95: result.latency.p97_5 >= 0 ? percentileFromHistogram(result) : result.latency.p99,
		p99: result.latency.p99,
		rps: result.requests.average,
		count: result.requests.total,
		errors
	};
}

/** autocannon reports p97.5 and p99 but not p95: interpolate between p90 and p97.5. */
function percentileFromHistogram(result: autocannon.Result): number {
	const { p90, p97_5 } = result.latency;
	return p90 + ((p97_5 - p90) * (95 - 90)) / (97.5 - 90);
}

export async function benchPatients(ctx: BenchContext): Promise<void> {
	const { url, log, args } = ctx;
	const target = Number(args.patients ?? 100_000);
	const seconds = Number(args.seconds ?? 15);
	const connections = 25;

	const client = new pg.Client({ connectionString: url });
	await client.connect();
	await seedPatients(client, target, log);

	// A signed-in staff member for the HTTP requests.
	const orm = await initOrm(url);
	const em = orm.em.fork();
	let user = await em.findOne(User, { email: 'bench@casebook.test' });
	if (!user) {
		user = em.create(User, {
			kind: 'staff',
			name: 'Bench',
			email: 'bench@casebook.test',
			roles: ['scheduler'],
			passwordHash: await hashPassword('bench password')
		});
		await em.flush();
	}
	const { token } = await createSession(em, { user, policy: { idleMinutes: 120, absoluteHours: 2 } });
	await orm.close();

	const searches = ['smi', 'nguyen', 'oli', 'tay', 'patel', 'ch', 'will', 'mar', 'kel', 'ros'];
	const months = ['01', '03', '05', '07', '09', '11'];
	const filtered: FindPatientsInput[] = searches.map((search, n) => ({
		search,
		filters: [{ field: 'dateOfBirth', op: '=', value: `****-${months[n % months.length]}-**` }],
		limit: 25
	}));

	// A deep page: the cursor of the row in the middle of the whole list, by last name.
	const middle = Math.floor(target / 2);
	const { rows } = await client.query<{ id: string; key: string }>(
		`select id, lower(last_name) || ' ' || lower(first_name) as key from patient where deleted_at is null and archived_at is null order by lower(last_name) || ' ' || lower(first_name), id offset $1 limit 1`,
		[middle]
	);
	const deepCursor = encodeCursor('lastName', rows[0]!.key, String(rows[0]!.id));
	await client.end();

	// `--profile`: the web server writes a V8 CPU profile to .data/profiles when the run ends.
	const web = await startWebServer(ctx, { profile: ctx.args.profile !== undefined });
	const { baseUrl } = web;
	try {
		const cookie = `casebook_session=${token}`;
		log(`warming up…`);
		await httpLatencies(baseUrl, cookie, filtered, connections, 3);

		log(`measuring ${seconds} s each at ${connections} concurrent clients…`);
		const http = await httpLatencies(baseUrl, cookie, filtered, connections, seconds);
		const raw = await rawSqlLatencies(url, filtered, connections, seconds);
		const firstPage = await httpLatencies(baseUrl, cookie, [{ limit: 25 }], connections, seconds);
		const deepPage = await httpLatencies(
			baseUrl,
			cookie,
			[{ limit: 25, cursor: deepCursor }],
			connections,
			seconds
		);

		printTable(
			`patients.find on ${target.toLocaleString('en')} patients, ${connections} concurrent clients (latency in ms)`,
			[
				['HTTP patients.find (search + filter)', http],
				['raw SQL, same statements (pg)', raw],
				['HTTP first page (no filter)', firstPage],
				[`HTTP deep page (row ${middle.toLocaleString('en')})`, deepPage]
			]
		);
		console.log(
			`  HTTP / raw SQL p95 ratio: ${(http.p95 / raw.p95).toFixed(2)}x   (target ≤ 2x; target p95 < 50 ms)`
		);
		console.log(
			`  deep / first page p95 ratio: ${(deepPage.p95 / firstPage.p95).toFixed(2)}x   (target ≤ 2x)`
		);
		console.log(`  HTTP errors: ${http.errors + firstPage.errors + deepPage.errors}`);
	} finally {
		await web.stop();
	}
}
