// Issue 8 acceptance: a patient signs in by the emailed link, requests an appointment, a
// scheduler approves it at another time, and the patient sees it booked; then a reservation sent
// by link is confirmed by the patient.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { emailedLink, trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
let patientContext: BrowserContext;
let patientPage: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

const typeName = `Shoulder review ${suffix}`;
const practitionerName = `Priya Portal ${suffix}`;
const patientEmail = `maya.${suffix}@example.test`;
const caseName = `Right shoulder rehab ${suffix}`;
let patientId: string;
let caseId: string;

/** 'YYYY-MM-DD', some days from now. */
function daysAhead(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The path of the latest portal link emailed to the patient whose subject matches. */
async function portalLinkFor(subject: RegExp): Promise<{ path: string; count: number }> {
	const { url, count } = await emailedLink(patientEmail, /https?:\/\/\S+\/portal\/link\/[\w-]+/, {
		subject
	});
	return { path: url.pathname, count };
}

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	// Arrange through the API: a service with its practitioner and type, a template that lets
	// patients request that type, and a patient with an open case from it.
	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Physio ${suffix}` });
	const practitioner = await trpc<{ id: string }>(admin, 'staff.create', {
		name: practitionerName,
		email: `priya.${suffix}@clinic.test`,
		roles: ['practitioner'],
		password: 'practitioner password'
	});
	await trpc(admin, 'services.setPractitioners', { serviceId: service.id, userIds: [practitioner.id] });
	const type = await trpc<{ id: string }>(admin, 'appointmentTypes.create', {
		name: typeName,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Shoulder rehabilitation ${suffix}`,
		serviceIds: [service.id],
		allowsRequests: true,
		requestTypes: [{ appointmentTypeId: type.id, durationMinutes: 45 }]
	});
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Maya',
		lastName: `Portal${suffix}`,
		email: patientEmail,
		reminderType: 'Email'
	});
	patientId = patient.id;
	const created = await trpc<{ id: string }>(admin, 'cases.create', {
		patientId,
		name: caseName,
		templateId: template.id,
		limitKind: 'unlimited'
	});
	caseId = created.id;
	patientContext = await browser.newContext({ baseURL: baseUrl });
	patientPage = await patientContext.newPage();
});
afterAll(async () => {
	await browser?.close();
});

describe('patient portal', () => {
	it('signs in by link, requests an appointment, and sees it booked at the time the scheduler chose', async () => {
		// Sign in by the emailed link.
		await open(patientPage, '/portal');
		expect(new URL(patientPage.url()).pathname).toBe('/portal/sign-in');
		await patientPage.getByLabel(/^Email or mobile number/).fill(patientEmail);
		await patientPage.getByRole('button', { name: 'Send me a sign-in link' }).click();
		await expect.poll(() => patientPage.getByText(/on its way by email/).count()).toBe(1);
		const signIn = await portalLinkFor(/sign-in link/);
		await open(patientPage, signIn.path);
		await patientPage.getByRole('button', { name: 'Continue to the portal' }).click();
		await patientPage.waitForURL((url) => url.pathname === '/portal');
		await expect.poll(() => patientPage.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Maya');

		// First visit: the privacy question.
		await patientPage.getByRole('button', { name: 'Yes, I accept' }).click();
		await expect.poll(() => patientPage.getByText('Your answer is saved').count()).toBe(1);
		expect(await patientPage.getByRole('heading', { name: 'Our privacy policy' }).count()).toBe(0);

		// Request an appointment on the case, for a morning a week from now.
		const day = daysAhead(7);
		await patientPage.getByRole('link', { name: 'Request an appointment' }).click();
		await patientPage.waitForURL(`**/portal/cases/${caseId}/request`);
		await patientPage.getByRole('radio', { name: new RegExp(typeName) }).check();
		await patientPage.locator('#date0').fill(day);
		await patientPage.locator('#from0').fill('09:00');
		await patientPage.locator('#to0').fill('12:00');
		await patientPage.getByLabel(/Anything the clinic should know/).fill('Mornings are best');
		await patientPage.getByRole('button', { name: 'Send request' }).click();
		await patientPage.waitForURL((url) => url.pathname === '/portal');
		await expect.poll(() => patientPage.getByText('Request sent').count()).toBe(1);
		const requests = patientPage.getByRole('region', { name: 'Your requests' });
		expect(await requests.getByText('Waiting for the clinic').count()).toBe(1);

		// The scheduler approves it at 10:30 instead of the window's 09:00.
		await open(admin, '/requests');
		await admin
			.getByRole('link', { name: new RegExp(`Portal${suffix}`) })
			.first()
			.click();
		await admin.waitForURL(/\/requests\/\d+/);
		await admin.getByLabel(/^Practitioner/).selectOption({ label: practitionerName });
		await admin.getByLabel(/^Time/).fill('10:30');
		await admin.getByRole('button', { name: 'Approve and book' }).click();
		await expect.poll(() => admin.getByRole('heading', { name: 'Outcome' }).count()).toBe(1);
		expect(await admin.getByText(/10:30/).count()).toBeGreaterThan(0);

		// The patient sees the booked appointment.
		await open(patientPage, '/portal');
		const upcoming = patientPage.getByRole('region', { name: 'Upcoming appointments' });
		expect(await upcoming.getByText(`${typeName} with ${practitionerName}`).count()).toBe(1);
		expect(await upcoming.getByText(/10:30/).count()).toBe(1);
		expect(
			await patientPage
				.getByRole('region', { name: 'Your requests' })
				.getByText(/Booked for/)
				.count()
		).toBe(1);
	});

	it('lets the patient confirm a reservation sent by link', async () => {
		const before = await portalLinkFor(/sign-in link/);
		expect(before.count).toBeGreaterThan(0);
		await open(admin, `/appointments/reserve?patientId=${patientId}`);
		await admin.getByLabel(/^Case/).selectOption(caseId);
		await admin.getByLabel(/^Appointment type/).selectOption({ label: `${typeName} (30 min)` });
		await admin.getByLabel(/^Practitioner/).selectOption({ label: practitionerName });
		await admin.getByLabel(/^Date/).fill(daysAhead(9));
		await admin.getByLabel(/^Time/).fill('14:00');
		await admin.getByRole('button', { name: 'Reserve and send link' }).click();
		await admin.waitForURL(/\/appointments\/\d+\?reserved=1/);
		await expect.poll(() => admin.getByText(/Reserved; link sent to/).count()).toBe(1);

		const reservation = await portalLinkFor(/please confirm your appointment/);
		await open(patientPage, reservation.path);
		await patientPage.getByRole('button', { name: 'Continue to the portal' }).click();
		await patientPage.waitForURL(/\/portal\/reservations\/\d+/);
		expect(await patientPage.getByText(/2:00\s?pm/i).count()).toBeGreaterThan(0);
		await patientPage.getByRole('button', { name: 'Confirm this appointment' }).click();
		await expect.poll(() => patientPage.getByText('Confirmed. See you then!').count()).toBe(1);

		// The scheduler sees the outcome on the appointment.
		await admin.reload();
		await expect.poll(() => admin.getByText(/Confirmed by the patient/).count()).toBeGreaterThan(0);
	});
});
