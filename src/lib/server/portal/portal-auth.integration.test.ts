// Portal "send me a link" (issue 15): a known and an unknown address get the same answer after the same
// work (a job, enqueued either way); the job decides whether there is anyone to send a link to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { createPatient } from '../testing/clinic-fixtures.ts';
import { uniqueIp, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { queuedJobs } from '../testing/queued-jobs.ts';
import { statementsOf } from '../testing/sql-statements.ts';
import { portalLinkSendJob } from './portal-auth.jobs.ts';
import { requestPortalLink, sendRequestedPortalLinks, SIGN_IN_LINK_MINUTES } from './portal-auth.service.ts';
import { PortalLink } from './portal.entity.ts';

let db: TestDb;
beforeAll(async () => {
	db = await openTestDb();
});
afterAll(async () => {
	await db?.close();
});

type LinkJob = Parameters<typeof sendRequestedPortalLinks>[1];
const actor = () => ({ user: null, sessionId: null, requestId: `test-${uniqueSuffix()}`, ip: uniqueIp() });
const jobsFor = (address: string) => queuedJobs<LinkJob>(db, portalLinkSendJob.name, 'address', address);

/** What an address has received: notifications sent to it, and links made for the patient. */
async function sentTo(address: string, patientId?: string) {
	const em = db.em();
	return {
		notifications: await em.count(Notification, { recipient: address }),
		links: patientId ? await em.count(PortalLink, { patient: patientId }) : 0,
		audit: patientId ? await em.count(AuditEvent, { action: 'portal.link.request', recordId: patientId }) : 0
	};
}

describe('asking for a portal sign-in link', () => {
	it('does the same database work for a known and an unknown address, and enqueues one job for each', async () => {
		const known = `known-${uniqueSuffix()}@example.test`;
		const unknown = `nobody-${uniqueSuffix()}@example.test`;
		const patient = await createPatient(db.em(), 'Known', { email: known });

		const knownStatements = await statementsOf(db, () =>
			requestPortalLink(db.em(), actor(), { address: known })
		);
		const unknownStatements = await statementsOf(db, () =>
			requestPortalLink(db.em(), actor(), { address: unknown })
		);
		expect(knownStatements.length).toBeGreaterThan(0);
		expect(knownStatements).toEqual(unknownStatements);

		// Nothing is looked up or sent while the person waits for the answer: the job does that.
		expect(await jobsFor(known)).toHaveLength(1);
		expect(await jobsFor(unknown)).toHaveLength(1);
		expect(await sentTo(known, patient.id)).toEqual({ notifications: 0, links: 0, audit: 0 });
		expect(await sentTo(unknown)).toEqual({ notifications: 0, links: 0, audit: 0 });
	});

	it('sends a link to a known address from the job, and nothing to an unknown one', async () => {
		const known = `known-${uniqueSuffix()}@example.test`;
		const unknown = `nobody-${uniqueSuffix()}@example.test`;
		const patient = await createPatient(db.em(), 'Known', { email: known });
		await requestPortalLink(db.em(), actor(), { address: known.toUpperCase() });
		await requestPortalLink(db.em(), actor(), { address: unknown });

		const [knownJob] = await jobsFor(known);
		const [unknownJob] = await jobsFor(unknown);
		expect(await sendRequestedPortalLinks(db.em(), knownJob!)).toBe(1);
		expect(await sendRequestedPortalLinks(db.em(), unknownJob!)).toBe(0);

		expect(await sentTo(known, patient.id)).toEqual({ notifications: 1, links: 1, audit: 1 });
		expect(await sentTo(unknown)).toEqual({ notifications: 0, links: 0, audit: 0 });
		const mail = await db.em().findOneOrFail(Notification, { recipient: known });
		expect(mail.body).toMatch(/\/portal\/link\/[\w-]{40,}/);
	});

	it('sends nothing when the job runs after the link would have expired, and dates the link from the request', async () => {
		const email = `late-${uniqueSuffix()}@example.test`;
		const patient = await createPatient(db.em(), 'Late', { email });
		const requestedAt = new Date(Date.now() - (SIGN_IN_LINK_MINUTES + 1) * 60_000);
		await requestPortalLink(db.em(), actor(), { address: email }, requestedAt);
		const [job] = await jobsFor(email);
		expect(await sendRequestedPortalLinks(db.em(), job!)).toBe(0);
		expect(await sentTo(email, patient.id)).toEqual({ notifications: 0, links: 0, audit: 0 });

		const recent = new Date(Date.now() - 5 * 60_000);
		await requestPortalLink(db.em(), actor(), { address: email }, recent);
		const latest = (await jobsFor(email)).at(-1)!;
		expect(await sendRequestedPortalLinks(db.em(), latest)).toBe(1);
		const link = await db.em().findOneOrFail(PortalLink, { patient: patient.id });
		expect(link.expiresAt.getTime()).toBe(recent.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
	});
});
