// Issue 18, bookings and cases: "Book appointment" on a case page books onto that case; booking
// proposes the patient's one open case for the service; and a full hard-capped case is refused with
// the same sentence by booking, "Reserve and send link" and the portal, also from pages opened
// while it still had room.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { portalSignIn, trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
let patientContext: BrowserContext;
let patientPage: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

const SENTENCE = 'This case has no appointments left';
const typeName = `Knee review ${suffix}`;
const practitionerName = `Bo Booking ${suffix}`;
const patientEmail = `noor.${suffix}@example.test`;
let serviceId: string;
let typeId: string;
let practitionerId: string;
let templateId: string;
let leftShoulderId: string;

/** 'YYYY-MM-DD', some days from now. */
function daysAhead(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A patient with an email (for portal links) and one open case from the clinic's template. */
async function patientWithCase(lastName: string, caseFields: Record<string, unknown>) {
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Noor',
		lastName,
		email: lastName === `Full${suffix}` ? patientEmail : `${lastName.toLowerCase()}@example.test`,
		reminderType: 'Email'
	});
	const created = await trpc<{ id: string }>(admin, 'cases.create', {
		patientId: patient.id,
		templateId,
		...caseFields
	});
	return { patientId: patient.id, caseId: created.id };
}

/** Books on a case through the API, as another receptionist would at the same moment. */
async function bookThroughApi(patientId: string, caseId: string, day: string, hour: number) {
	await trpc(admin, 'appointments.create', {
		patientId,
		practitionerId,
		appointmentTypeId: typeId,
		startsAt: new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`).toISOString(),
		case: { mode: 'existing', caseId, bodyPartIds: [] }
	});
}

async function fillSlot(page: Page, date: string, time: string): Promise<void> {
	await page.getByLabel(/^Appointment type/).selectOption({ label: `${typeName} (30 min)` });
	await page.getByLabel(/^Practitioner/).selectOption({ label: practitionerName });
	await page.getByLabel(/^Date/).fill(date);
	await page.getByLabel(/^Time/).fill(time);
}

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	// Arrange through the API: a service with its practitioner and type, and a template of that
	// service that lets patients request the type in the portal.
	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Knee clinic ${suffix}` });
	serviceId = service.id;
	const practitioner = await trpc<{ id: string }>(admin, 'staff.create', {
		name: practitionerName,
		email: `bo.${suffix}@clinic.test`,
		roles: ['practitioner'],
		password: 'practitioner password'
	});
	practitionerId = practitioner.id;
	await trpc(admin, 'services.setPractitioners', { serviceId, userIds: [practitionerId] });
	const type = await trpc<{ id: string }>(admin, 'appointmentTypes.create', {
		name: typeName,
		serviceIds: [serviceId],
		durationMinutes: 30,
		priceCents: 9000
	});
	typeId = type.id;
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Knee rehabilitation ${suffix}`,
		serviceIds: [serviceId],
		allowsRequests: true,
		requestTypes: [{ appointmentTypeId: typeId, durationMinutes: 30 }]
	});
	templateId = template.id;
	const bodyParts = await trpc<{ id: string; name: string }[]>(
		admin,
		'bodyParts.find',
		{ search: 'Left shoulder' },
		'GET'
	);
	leftShoulderId = bodyParts.find((b) => b.name === 'Left shoulder')!.id;
	patientContext = await browser.newContext({ baseURL: baseUrl });
	patientPage = await patientContext.newPage();
});
afterAll(async () => {
	await browser?.close();
});

describe('bookings and cases', () => {
	it('books from a case page onto that case, and proposes the one case for the service from the patient page', async () => {
		const caseName = `Right knee rehab ${suffix}`;
		const { patientId, caseId } = await patientWithCase(`Casebook${suffix}`, {
			name: caseName,
			limitKind: 'amount',
			maxAmountCents: 60_000
		});

		// With no patient chosen there is no case to choose: the form says to pick a patient first.
		await open(admin, '/appointments/new');
		expect(await admin.getByText('Choose a patient first to see their open cases.').count()).toBe(1);
		expect(await admin.getByRole('combobox', { name: /Open case/ }).count()).toBe(0);

		// From the case page (its number at the foot): the booking form opens with the case chosen.
		await open(admin, `/cases/${caseId}`);
		expect(await admin.getByText(`Case #${caseId} ·`).count()).toBe(1);
		await admin.getByRole('link', { name: 'Book appointment' }).click();
		await admin.waitForURL(`**/appointments/new?patientId=${patientId}&caseId=${caseId}`);
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		expect(await admin.getByRole('radio', { name: /An existing case/ }).isChecked()).toBe(true);
		expect(await admin.getByLabel(/^Open case/).inputValue()).toBe(caseId);
		await fillSlot(admin, daysAhead(20), '09:00');
		await admin.getByRole('button', { name: 'Book appointment' }).click();
		await admin.waitForURL(/\/appointments\/\d+\?booked=1/);
		await admin.getByText('Appointment booked.').waitFor();
		expect(await admin.getByRole('link', { name: caseName }).count()).toBe(1);

		// The case page lists it, with the amount figures counting what is booked.
		await open(admin, `/cases/${caseId}`);
		expect(await admin.getByRole('heading', { name: /^Appointments/ }).textContent()).toMatch(/\(1\)/);
		expect(
			await admin.getByText('$90.00 of $600.00 used ($0.00 invoiced, $90.00 booked) — $510.00 left').count()
		).toBeGreaterThan(0);

		// From the patient page: the patient is chosen, and choosing the type proposes the one case of
		// its service; choosing "A new case" with a body part of another open case still asks.
		await trpc(admin, 'cases.create', {
			patientId,
			name: `Left shoulder ${suffix}`,
			bodyPartIds: [leftShoulderId],
			limitKind: 'unlimited'
		});
		await open(admin, `/patients/${patientId}`);
		await admin.getByRole('link', { name: 'Book appointment' }).first().click();
		await admin.waitForURL(`**/appointments/new?patientId=${patientId}`);
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		expect(await admin.getByRole('radio', { name: /None/ }).isChecked()).toBe(true);
		await fillSlot(admin, daysAhead(21), '09:00');
		expect(await admin.getByRole('radio', { name: /An existing case/ }).isChecked()).toBe(true);
		expect(await admin.getByLabel(/^Open case/).inputValue()).toBe(caseId);
		expect(await admin.getByText(`Proposed: “${caseName}”`, { exact: false }).count()).toBe(1);
		await admin.getByRole('radio', { name: /A new case/ }).check();
		await admin.getByLabel(/^Case name/).fill('Shoulder again');
		await admin.getByLabel('Left shoulder', { exact: true }).check();
		await admin.getByRole('button', { name: 'Book appointment' }).click();
		await admin.getByRole('heading', { name: 'Add to the open case, or create a separate case?' }).waitFor();
		expect(await admin.getByRole('button', { name: `Add to “Left shoulder ${suffix}”` }).count()).toBe(1);
	}, 120_000);

	it('refuses a full hard-capped case with the same sentence in booking, reserve and the portal', async () => {
		const caseName = `Left shoulder capped ${suffix}`;
		const { patientId, caseId } = await patientWithCase(`Full${suffix}`, {
			name: caseName,
			bodyPartIds: [leftShoulderId],
			limitKind: 'appointments',
			maxAppointments: 1
		});

		// Three pages opened while the case still has its one place.
		await open(admin, `/appointments/new?patientId=${patientId}&caseId=${caseId}`);
		await fillSlot(admin, daysAhead(30), '09:00');
		const reserver = await browser.newPage({ baseURL: baseUrl });
		await reserver.context().addCookies(await admin.context().cookies());
		await open(reserver, `/appointments/reserve?patientId=${patientId}`);
		await reserver.getByLabel(/^Case/).selectOption(caseId);
		await fillSlot(reserver, daysAhead(31), '10:00');
		await portalSignIn(patientPage, patientEmail);
		await open(patientPage, `/portal/cases/${caseId}/request`);
		await patientPage.getByRole('radio', { name: new RegExp(typeName) }).check();
		await patientPage.locator('#date0').fill(daysAhead(32));
		await patientPage.locator('#from0').fill('09:00');
		await patientPage.locator('#to0').fill('12:00');

		// Another receptionist takes the last place.
		await bookThroughApi(patientId, caseId, daysAhead(33), 1);

		// Each door refuses with the same sentence, and nothing is added.
		await admin.getByRole('button', { name: 'Book appointment' }).click();
		await expect.poll(() => admin.getByRole('alert').filter({ hasText: SENTENCE }).count()).toBe(1);
		await reserver.getByRole('button', { name: 'Reserve and send link' }).click();
		await expect.poll(() => reserver.getByRole('alert').filter({ hasText: SENTENCE }).count()).toBe(1);
		await patientPage.getByRole('button', { name: 'Send request' }).click();
		await expect
			.poll(() =>
				patientPage
					.getByRole('alert')
					.filter({ hasText: `${SENTENCE} — please call the clinic.` })
					.count()
			)
			.toBe(1);
		await reserver.close();

		// The portal home says so instead of offering a request.
		await open(patientPage, '/portal');
		const treatment = patientPage.getByRole('region', { name: 'Your treatment' });
		expect(await treatment.getByText(`${SENTENCE} — please call the clinic.`).count()).toBe(1);
		expect(await treatment.getByRole('link', { name: 'Request an appointment' }).count()).toBe(0);

		// The body-part question names the full case as full: no "Add to", a new case or its cap.
		await open(admin, `/appointments/new?patientId=${patientId}`);
		await fillSlot(admin, daysAhead(34), '09:00');
		await admin.getByRole('radio', { name: /A new case/ }).check();
		await admin.getByLabel(/^Case name/).fill('Left shoulder, new course');
		await admin.getByLabel('Left shoulder', { exact: true }).check();
		await admin.getByRole('button', { name: 'Book appointment' }).click();
		const question = admin.getByRole('region', { name: 'The open case is full: create a separate case?' });
		await question.waitFor();
		expect(await question.getByText(SENTENCE, { exact: false }).count()).toBe(1);
		expect(await admin.getByRole('button', { name: /^Add to/ }).count()).toBe(0);
		expect(await question.getByRole('link', { name: /edit its cap/ }).getAttribute('href')).toBe(
			`/cases/${caseId}/edit`
		);
		expect(await question.getByRole('button', { name: 'Create a separate case' }).count()).toBe(1);

		// The case still has its one appointment only.
		await open(admin, `/cases/${caseId}`);
		expect(await admin.getByRole('heading', { name: /^Appointments/ }).textContent()).toMatch(/\(1\)/);
	}, 150_000);
});
