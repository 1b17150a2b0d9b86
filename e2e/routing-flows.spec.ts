// Issue 18, cases and teams as one flow: a treatment case is sent to a team as itself (from the
// patient's case list and the case page) and acknowledged from the inbox as that same case, with its
// patient; a referrer's case is linked to a new patient created from the referral's details, and
// the referrer still sees their case and nothing of the patient.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { passwordLinkFor, trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

const teamName = `Shoulder review ${suffix}`;
const member = {
	name: `Sam Surgeon ${suffix}`,
	email: `sam.${suffix}@clinic.test`,
	password: 'member password'
};
const referrer = {
	name: `Dr Ira Kahn ${suffix}`,
	email: `ira.${suffix}@gp.test`,
	password: 'referrer password'
};

const hydrated = (page: Page) =>
	page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	const team = await trpc<{ id: string }>(admin, 'teams.create', {
		name: teamName,
		acceptsExternalCases: true
	});
	const staff = await trpc<{ id: string }>(admin, 'staff.create', {
		name: member.name,
		email: member.email,
		roles: ['practitioner'],
		password: member.password
	});
	await trpc(admin, 'teams.addMember', { teamId: team.id, userId: staff.id });
});
afterAll(async () => {
	await browser?.close();
});

describe('cases and teams as one flow', () => {
	it('sends a patient’s treatment case to a team, and a member acknowledges that same case from the inbox', async () => {
		const patient = await trpc<{ id: string }>(admin, 'patients.create', {
			firstName: 'Noor',
			lastName: `Haddad ${suffix}`,
			email: `noor.${suffix}@example.test`
		});
		const patientName = `Noor Haddad ${suffix}`;
		const caseName = `Right shoulder rehab ${suffix}`;
		const treatment = await trpc<{ id: string }>(admin, 'cases.create', {
			patientId: patient.id,
			name: caseName,
			limitKind: 'unlimited'
		});

		// The patient's case list offers "Send to teams" for the open case; so does the case page.
		await open(admin, `/patients/${patient.id}?tab=cases`);
		const caseRow = admin.getByTestId('patient-case-row').filter({ hasText: caseName });
		expect(
			await caseRow.getByRole('link', { name: `Send to teams “${caseName}”` }).getAttribute('href')
		).toBe(`/cases/${treatment.id}/send`);
		await open(admin, `/cases/${treatment.id}`);
		await admin.getByRole('link', { name: 'Send to teams', exact: true }).click();
		await admin.waitForURL(`**/cases/${treatment.id}/send`);
		await hydrated(admin);
		// The subject is the case's name; the form asks for teams, details and the priority.
		expect(await admin.getByText(caseName, { exact: true }).count()).toBeGreaterThan(0);
		await admin.getByRole('checkbox', { name: teamName }).check();
		await admin
			.getByLabel(/^Details/)
			.fill('No progress after six weeks of physio: surgical opinion, please.');
		await admin.getByRole('radio', { name: /High/ }).check();
		await admin.getByRole('button', { name: 'Send case' }).click();

		// Back on the same case, now with its teams.
		await admin.waitForURL(new RegExp(`/cases/${treatment.id}\\?sent=1$`));
		await hydrated(admin);
		await admin.getByText('Case sent.', { exact: false }).waitFor();
		const triage = admin.getByRole('region', { name: 'Triage' });
		expect(await triage.getByText(new RegExp(`sent it to ${teamName} as High`)).count()).toBe(1);
		expect(await admin.getByRole('link', { name: 'Send to teams', exact: true }).count()).toBe(0);
		// It cannot go twice: the page says so instead of offering the form.
		await open(admin, `/cases/${treatment.id}/send`);
		expect(await admin.getByText(`This case was already sent to ${teamName}`, { exact: false }).count()).toBe(
			1
		);
		expect(await admin.getByRole('button', { name: 'Send case' }).count()).toBe(0);
		await open(admin, `/patients/${patient.id}?tab=cases`);
		expect(await caseRow.getByText('Sent to teams').count()).toBe(1);

		// The member's inbox has the treatment case itself, with its patient; they acknowledge it there.
		const memberPage = await browser.newPage({ baseURL: baseUrl });
		await signIn(memberPage, member.email, member.password);
		await open(memberPage, '/inbox');
		const row = memberPage.getByTestId('inbox-row').filter({ hasText: caseName });
		await row.waitFor();
		expect(await row.getByRole('link', { name: caseName }).getAttribute('href')).toBe(
			`/cases/${treatment.id}`
		);
		expect(await row.getByRole('link', { name: patientName }).getAttribute('href')).toBe(
			`/patients/${patient.id}`
		);
		await row.getByRole('button', { name: `Acknowledge ${caseName}` }).click();
		await memberPage.getByText('You acknowledged', { exact: false }).waitFor();
		expect(await row.getByText(`Acknowledged by ${member.name}`).count()).toBe(1);

		// The case page is the treatment case: its patient, and the acknowledgement.
		await row.getByRole('link', { name: caseName }).click();
		await memberPage.waitForURL(new RegExp(`/cases/${treatment.id}$`));
		await hydrated(memberPage);
		expect(await memberPage.getByRole('heading', { level: 1 }).textContent()).toBe(caseName);
		expect(await memberPage.getByRole('link', { name: patientName, exact: true }).count()).toBeGreaterThan(0);
		const memberTriage = memberPage.getByRole('region', { name: 'Triage' });
		expect(await memberTriage.getByTestId('routing-status').textContent()).toMatch(
			new RegExp(`Acknowledged by\\s+${member.name}`)
		);
		await memberPage.close();
	}, 120_000);

	it('links a referrer’s case to a new patient made from the referral, and the referrer still sees only their case', async () => {
		await trpc(admin, 'staff.inviteReferrer', { name: referrer.name, email: referrer.email });
		const referrerPage = await browser.newPage({ baseURL: baseUrl });
		await open(referrerPage, await passwordLinkFor(referrer.email));
		await referrerPage.getByLabel(/^New password/).fill(referrer.password);
		await referrerPage.getByLabel(/^Type it again/).fill(referrer.password);
		await referrerPage.getByRole('button', { name: 'Save password' }).click();
		await referrerPage.waitForURL((url) => url.pathname === '/referrer');

		const subject = `Knee pain, MRI attached ${suffix}`;
		const lastName = `Lima-${suffix}`;
		await open(referrerPage, '/referrer/send');
		await referrerPage.getByRole('checkbox', { name: teamName }).check();
		await referrerPage.getByLabel(/^Subject/).fill(subject);
		await referrerPage
			.getByLabel(/^Details/)
			.fill(`Patient: Ana ${lastName}\nDOB: 07/03/1984\nEmail: ana.${suffix}@example.test\nRight knee pain.`);
		await referrerPage.getByRole('radio', { name: /Normal/ }).check();
		await referrerPage.getByRole('button', { name: 'Send case' }).click();
		await referrerPage.waitForURL(/\/referrer\/cases\/\d+\?sent=1/);
		const caseId = new URL(referrerPage.url()).pathname.split('/').at(-1)!;

		// Staff open the case: no patient yet. "Link to a patient" offers a form filled from the details.
		await open(admin, `/cases/${caseId}`);
		expect(await admin.getByText('Not linked to a patient').count()).toBe(1);
		await admin.getByRole('link', { name: 'Link to a patient', exact: true }).click();
		await admin.waitForURL(`**/cases/${caseId}/patient`);
		await hydrated(admin);
		expect(await admin.getByLabel(/^First name/).inputValue()).toBe('Ana');
		expect(await admin.getByLabel(/^Last name/).inputValue()).toBe(lastName);
		expect(await admin.getByLabel(/^Date of birth/).inputValue()).toBe('1984-03-07');
		expect(await admin.getByLabel(/^Email/).inputValue()).toBe(`ana.${suffix}@example.test`);
		await admin.getByRole('button', { name: 'Create patient and link' }).click();

		await admin.waitForURL(new RegExp(`/cases/${caseId}\\?linked=1$`));
		await hydrated(admin);
		await admin.getByText(`Case linked to Ana ${lastName}.`, { exact: false }).waitFor();
		const patientLink = admin.getByRole('link', { name: `Ana ${lastName}`, exact: true }).first();
		const patientPath = await patientLink.getAttribute('href');
		expect(patientPath).toMatch(/^\/patients\/\d+$/);
		expect(await admin.getByRole('link', { name: 'Link to a patient', exact: true }).count()).toBe(0);
		// The new patient's file has the case, like any case of theirs.
		await open(admin, `${patientPath}?tab=cases`);
		expect(await admin.getByTestId('patient-case-row').filter({ hasText: subject }).count()).toBe(1);

		// The referrer still sees their case, and nothing of the patient record.
		await open(referrerPage, `/referrer/cases/${caseId}`);
		expect(await referrerPage.getByRole('heading', { level: 1 }).textContent()).toBe(subject);
		const shown = await referrerPage.locator('main').innerText();
		expect(shown).not.toContain('/patients/');
		expect(await referrerPage.locator(`a[href^="/patients/"]`).count()).toBe(0);
		await open(referrerPage, '/referrer');
		expect(await referrerPage.getByText(subject).count()).toBe(1);
		// The patient's record itself is refused (sent elsewhere, or an error page).
		const response = await referrerPage.goto(patientPath!);
		const isRefused =
			new URL(referrerPage.url()).pathname !== patientPath || [403, 404].includes(response?.status() ?? 0);
		expect(isRefused).toBe(true);
		expect(await referrerPage.getByText(`ana.${suffix}@example.test`).count()).toBe(0);
		await referrerPage.close();
	}, 120_000);
});
