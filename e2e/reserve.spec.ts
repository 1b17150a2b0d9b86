// Issue 18 (seed 002, the booking guide's one screen): from a patient, "Reserve & send link" starts a
// new case with its title, template and body parts, asks the booking form's body-part question when
// they match an open case, reserves the slot and sends the link in one step; the patient confirms it
// in the portal. A taken slot, or a missing title or template, is named at its field and starts no case.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { emailedLink, trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
let patientContext: BrowserContext;
let noScriptContext: BrowserContext;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

const typeName = `Knee review ${suffix}`;
const practitionerName = `Rafa Reserve ${suffix}`;
const templateName = `Joint rehab ${suffix}`;
const patientEmail = `noor.${suffix}@example.test`;
const patientName = `Noor Reserve${suffix}`;
const openCaseName = 'Left shoulder rehab';
const newCaseName = 'Left shoulder and right knee';
const reservedDay = daysAhead(11);
let patientId: string;

/** 'YYYY-MM-DD', some days from now: a free slot of the new practitioner's diary. */
function daysAhead(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

interface CaseList {
	total: number;
	items: { id: string; name: string; bodyParts: { name: string }[] }[];
}

const casesOfPatient = () =>
	trpc<CaseList>(admin, 'cases.find', { patientId, status: 'all', perPage: 100 }, 'GET');

/** The path of the reservation link emailed to the patient. */
async function reservationLink(): Promise<string> {
	const { url } = await emailedLink(patientEmail, /https?:\/\/\S+\/portal\/link\/[\w-]+/, {
		subject: /please confirm your appointment/
	});
	return url.pathname;
}

/** Fills the slot of the reserve form: the type, the practitioner, a day and a time. */
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
	// Arrange through the API: a service with its practitioner, type and template, and a patient
	// (reached by email) with an open left-shoulder case.
	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Joints ${suffix}` });
	const practitioner = await trpc<{ id: string }>(admin, 'staff.create', {
		name: practitionerName,
		email: `rafa.${suffix}@clinic.test`,
		roles: ['practitioner'],
		password: 'practitioner password'
	});
	await trpc(admin, 'services.setPractitioners', { serviceId: service.id, userIds: [practitioner.id] });
	await trpc(admin, 'appointmentTypes.create', {
		name: typeName,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: templateName,
		serviceIds: [service.id],
		allowsRequests: false,
		requestTypes: []
	});
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Noor',
		lastName: `Reserve${suffix}`,
		email: patientEmail,
		reminderType: 'Email'
	});
	patientId = patient.id;
	const parts = await trpc<{ id: string; name: string }[]>(
		admin,
		'bodyParts.find',
		{ search: 'Left shoulder' },
		'GET'
	);
	const leftShoulder = parts.find((b) => b.name === 'Left shoulder');
	if (!leftShoulder) throw new Error('The default body part "Left shoulder" is missing');
	await trpc(admin, 'cases.create', {
		patientId,
		name: openCaseName,
		templateId: template.id,
		bodyPartIds: [leftShoulder.id],
		limitKind: 'unlimited'
	});
	patientContext = await browser.newContext({ baseURL: baseUrl });
	// A scheduler whose browser runs no script: the form still works, checked by the server.
	noScriptContext = await browser.newContext({
		baseURL: baseUrl,
		javaScriptEnabled: false,
		viewport: { width: 390, height: 844 }
	});
	await noScriptContext.addCookies(await admin.context().cookies());
});
afterAll(async () => {
	await browser?.close();
});

describe('reserve and send link with a new case (seed 002)', () => {
	it('starts a new case from the patient, asks the body-part question, reserves, and the patient confirms by the emailed link', async () => {
		await open(admin, `/patients/${patientId}`);
		await admin.getByRole('link', { name: 'Reserve & send link' }).click();
		await admin.waitForURL(/\/appointments\/reserve\?patientId=/);
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');

		// One screen: the new case's title, template and body parts, then the slot.
		await admin.getByRole('radio', { name: /A new case/ }).check();
		await admin.getByLabel(/^Title of the new case/).fill(newCaseName);
		await admin.getByLabel(/^Template/).selectOption({ label: templateName });
		await admin.getByLabel('Left shoulder', { exact: true }).check();
		await admin.getByLabel('Right knee', { exact: true }).check();
		await fillSlot(admin, reservedDay, '10:00');
		await admin.getByRole('button', { name: 'Reserve and send link' }).click();

		// The left shoulder matches the open case: the same question as booking. Nothing written yet.
		await admin.getByRole('heading', { name: 'Add to the open case, or create a separate case?' }).waitFor();
		expect(await admin.getByText(`${patientName} already has an open case for Left shoulder`).count()).toBe(
			1
		);
		expect(await admin.getByRole('button', { name: `Add to “${openCaseName}”` }).count()).toBe(1);
		expect((await casesOfPatient()).total).toBe(1);
		await admin.getByRole('button', { name: 'Create a separate case' }).click();

		await admin.waitForURL(/\/appointments\/\d+\?reserved=1/);
		await expect.poll(() => admin.getByText(`Reserved; link sent to ${patientEmail}.`).count()).toBe(1);
		expect(await admin.getByRole('link', { name: newCaseName }).count()).toBeGreaterThan(0);

		// The patient now has both cases; the new one has its body parts.
		const cases = await casesOfPatient();
		expect(cases.items.map((c) => c.name).sort()).toEqual([newCaseName, openCaseName].sort());
		const created = cases.items.find((c) => c.name === newCaseName)!;
		expect(created.bodyParts.map((b) => b.name).sort()).toEqual(['Left shoulder', 'Right knee']);

		// The link arrives; the patient opens it, sees the reservation for the new case and confirms.
		const patientPage = await patientContext.newPage();
		await open(patientPage, await reservationLink());
		await patientPage.getByRole('button', { name: 'Continue to the portal' }).click();
		await patientPage.waitForURL(/\/portal\/reservations\/\d+/);
		expect(await patientPage.getByText(`For: ${newCaseName}`).count()).toBe(1);
		expect(await patientPage.getByText(/10:00\s?am/i).count()).toBeGreaterThan(0);
		await patientPage.getByRole('button', { name: 'Confirm this appointment' }).click();
		await expect.poll(() => patientPage.getByText('Confirmed. See you then!').count()).toBe(1);

		// The scheduler sees the answer on the appointment (reloaded until it shows: on a loaded
		// machine a single reload has come back without it).
		await expect
			.poll(
				async () => {
					await admin.reload();
					return admin.getByText(/Confirmed by the patient/).count();
				},
				{ timeout: 15_000, interval: 1000 }
			)
			.toBeGreaterThan(0);

		// The patient's Cases tab shows the new case with its body parts (seed 002).
		await open(admin, `/patients/${patientId}?tab=cases`);
		const row = admin.getByTestId('patient-case-row').filter({ hasText: newCaseName });
		expect(await row.getByTestId('case-body-parts').textContent()).toBe(
			'Body parts: Left shoulder, Right knee'
		);
	});

	it('refuses a taken slot at its field and starts no case', async () => {
		await open(admin, `/appointments/reserve?patientId=${patientId}`);
		await admin.getByRole('radio', { name: /A new case/ }).check();
		await admin.getByLabel(/^Title of the new case/).fill('Neck pain');
		await admin.getByLabel(/^Template/).selectOption({ label: templateName });
		await admin.getByLabel('Neck', { exact: true }).check();
		// The practitioner's 10:00 on that day is the appointment the patient just confirmed.
		await fillSlot(admin, reservedDay, '10:00');
		await admin.getByRole('button', { name: 'Reserve and send link' }).click();

		// Named at the date and time (the time is the one the person must change).
		await expect.poll(() => admin.getByLabel(/^Time/).getAttribute('aria-invalid')).toBe('true');
		expect(await admin.locator('#reserve-date-error').textContent()).toMatch(/That time is taken/);
		// What was typed is still there, and nothing was written.
		expect(await admin.getByLabel(/^Title of the new case/).inputValue()).toBe('Neck pain');
		expect((await casesOfPatient()).items.map((c) => c.name)).not.toContain('Neck pain');
		expect(new URL(admin.url()).pathname).toBe('/appointments/reserve');
	});

	it('names a missing title and template at their fields, without JavaScript and at 390 px wide', async () => {
		const page = await noScriptContext.newPage();
		await page.goto(`/appointments/reserve?patientId=${patientId}`);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.getByRole('radio', { name: /A new case/ }).check();
		await page.getByLabel('Right hip', { exact: true }).check();
		await fillSlot(page, daysAhead(12), '09:00');
		await page.getByRole('button', { name: 'Reserve and send link' }).click();
		await page.waitForLoadState();

		await page.getByText('Some fields need attention').waitFor();
		const title = page.getByLabel(/^Title of the new case/);
		expect(await title.getAttribute('aria-invalid')).toBe('true');
		expect(await page.getByText('Enter a case name').count()).toBe(1);
		expect(await page.getByLabel(/^Template/).getAttribute('aria-invalid')).toBe('true');
		expect(await page.getByText('Choose a case template').count()).toBe(1);
		// The body part chosen is still chosen, and no case was started.
		expect(await page.getByLabel('Right hip', { exact: true }).isChecked()).toBe(true);
		expect((await casesOfPatient()).total).toBe(2);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	});
});
