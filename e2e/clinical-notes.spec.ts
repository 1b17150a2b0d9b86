// Issue 22, as a physio does it: opens a case, writes an initial evaluation from a template, closes
// the tab mid-draft, reopens and finds it, finalises it, records a goal and a second value in a
// daily note, sees the goal's chart move, then emails the summary to the referring doctor (caught
// over SMTP, its PDF parsed) and downloads the same PDF.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { caughtMailFor } from './mail.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
let physioContext: BrowserContext;
const baseUrl = inject('baseUrl');
const mailCatcherUrl = inject('mailCatcherUrl');
const suffix = Date.now().toString(36);
const physioEmail = `phoebe.${suffix}@clinic.test`;
const physioPassword = 'physio notes password';
let caseId = '';
/** The draft saves after a pause of 0.8 s, then a round trip: allow for a slow machine. */
const WAIT = { timeout: 15_000 };

const number = (id: string, label: string, unit: string) => ({ id, kind: 'number', label, unit });

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Physio ${suffix}` });
	const physio = await trpc<{ id: string }>(admin, 'staff.create', {
		name: `Phoebe Physio ${suffix}`,
		email: physioEmail,
		roles: ['practitioner'],
		password: physioPassword
	});
	await trpc(admin, 'services.setPractitioners', { serviceId: service.id, userIds: [physio.id] });
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Shoulder rehab ${suffix}`,
		serviceIds: [service.id]
	});
	await trpc(admin, 'admin.noteTemplates.create', {
		name: `Initial evaluation ${suffix}`,
		caseTemplateIds: [template.id],
		sections: [
			{
				title: 'Subjective',
				questions: [
					{ id: 'complaint', kind: 'text', label: 'Main complaint' },
					{ id: 'history', kind: 'paragraph', label: 'History' }
				]
			},
			{ title: 'Objective', questions: [number('flexion', 'Shoulder flexion', 'degrees')] }
		]
	});
	await trpc(admin, 'admin.noteTemplates.create', {
		name: `Daily note ${suffix}`,
		caseTemplateIds: [template.id],
		sections: [{ title: 'Today', questions: [number('flexion', 'Shoulder flexion', 'degrees')] }]
	});
	const doctor = await trpc<{ id: string }>(admin, 'contacts.create', {
		firstName: 'Grace',
		lastName: `Referrer ${suffix}`,
		email: `grace.${suffix}@practice.test`
	});
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Sam',
		lastName: `Notes${suffix}`
	});
	caseId = (
		await trpc<{ id: string }>(admin, 'cases.create', {
			patientId: patient.id,
			name: 'Right shoulder',
			templateId: template.id,
			limitKind: 'unlimited',
			hasReferral: true,
			referringDoctorId: doctor.id
		})
	).id;
	physioContext = await browser.newContext({ baseURL: baseUrl });
});
afterAll(async () => {
	await browser?.close();
});

async function pdfText(bytes: Uint8Array): Promise<string> {
	const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
	return text;
}

async function hydrated(page: Page) {
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
}

async function finalise(page: Page) {
	await page.getByRole('button', { name: 'Finalise and sign' }).first().click();
	await page.getByRole('dialog').getByRole('button', { name: 'Finalise and sign' }).click();
	await page.getByTestId('signature').waitFor();
}

describe('treatment notes, goals and the summary', () => {
	it('keeps a draft through a closed tab, finalises it, charts a goal and sends the summary', async () => {
		const page = await physioContext.newPage();
		await signIn(page, physioEmail, physioPassword);
		await open(page, `/cases/${caseId}`);
		await page.getByRole('link', { name: 'New note' }).click();
		await page.waitForURL(`**/cases/${caseId}/notes/new`);
		// The case template's note templates come first.
		await page.getByLabel('Template').selectOption({ label: `Initial evaluation ${suffix}` });
		await page.getByRole('button', { name: 'Start note' }).click();
		await page.waitForURL(/\/notes\/\d+$/);
		const noteUrl = page.url();
		await hydrated(page);
		await page.getByLabel('Main complaint').fill('Cannot reach the top shelf');
		await page.getByLabel('Shoulder flexion (degrees)').fill('90');
		await expect.poll(() => page.getByTestId('draft-status').getAttribute('data-status'), WAIT).toBe('saved');
		// Typed, then the tab closes before the pause that sends it.
		await page.getByLabel('History').fill('Fell on the stairs three weeks ago');
		await page.close();

		const again = await physioContext.newPage();
		await open(again, `/cases/${caseId}`);
		await again.getByTestId('note-row').filter({ hasText: 'Your draft' }).getByRole('link').click();
		await again.waitForURL(noteUrl);
		await hydrated(again);
		await expect
			.poll(() => again.getByLabel('Main complaint').inputValue())
			.toBe('Cannot reach the top shelf');
		await expect
			.poll(() => again.getByLabel('History').inputValue())
			.toBe('Fell on the stairs three weeks ago');
		await expect
			.poll(() => again.getByTestId('draft-status').getAttribute('data-status'), WAIT)
			.toBe('saved');
		await finalise(again);
		expect(await again.getByText('Fell on the stairs three weeks ago').count()).toBe(1);

		// A goal with its baseline, then a daily note whose answer records its progress.
		await open(again, `/cases/${caseId}/goals`);
		await again.getByLabel('Goal', { exact: true }).fill('Reach overhead');
		await again.getByLabel('Unit', { exact: true }).fill('degrees');
		await again.getByLabel('Baseline', { exact: true }).fill('90');
		await again.getByLabel('Target', { exact: true }).fill('170');
		await again.getByRole('button', { name: 'Add goal' }).click();
		await again.getByTestId('goal-row').waitFor();
		await open(again, `/cases/${caseId}`);
		const chart = again.getByTestId('goal-chart');
		expect(await chart.getAttribute('data-values')).toBe('90');

		await open(again, `/cases/${caseId}/notes/new`);
		await again.getByLabel('Template').selectOption({ label: `Daily note ${suffix}` });
		await again.getByRole('button', { name: 'Start note' }).click();
		await again.waitForURL(/\/notes\/\d+$/);
		await hydrated(again);
		await again.getByLabel('Shoulder flexion (degrees)').fill('120');
		await again.getByLabel(/Record as progress of/).selectOption({ label: 'Reach overhead' });
		await expect
			.poll(() => again.getByTestId('draft-status').getAttribute('data-status'), WAIT)
			.toBe('saved');
		await finalise(again);
		await open(again, `/cases/${caseId}`);
		expect(await again.getByTestId('goal-chart').getAttribute('data-values')).toBe('90,120');
		expect(await again.getByTestId('goal-chart').locator('svg').count()).toBeGreaterThan(0);
	}, 180_000);

	it('emails the ticked note in the summary PDF to the referring doctor, and downloads the same', async () => {
		const page = await physioContext.newPage();
		await open(page, `/cases/${caseId}`);
		await page
			.getByRole('link', { name: /summary/i })
			.first()
			.click();
		await page.waitForURL(`**/cases/${caseId}/summary`);
		await hydrated(page);
		// Both notes are final; only the initial evaluation is ticked.
		const notes = page.getByRole('group', { name: 'Notes to include' }).getByRole('checkbox');
		expect(await notes.count()).toBe(2);
		await page.getByRole('checkbox', { name: new RegExp(`Initial evaluation ${suffix}`) }).check();

		const download = page.waitForEvent('download');
		await page.getByRole('link', { name: 'Download PDF' }).click();
		const downloaded = await pdfText(await fs.readFile((await (await download).path())!));

		await page.getByRole('button', { name: `Email to Grace Referrer ${suffix}` }).click();
		await page.getByText(`The summary is on its way to grace.${suffix}@practice.test`).waitFor();
		let pdf: Uint8Array | null = null;
		await expect
			.poll(
				async () => {
					const mail = await caughtMailFor(mailCatcherUrl, `grace.${suffix}@practice.test`);
					const attachment = mail.flatMap((m) => m.attachments).find((a) => a.mimeType === 'application/pdf');
					pdf = attachment ? Buffer.from(attachment.contentBase64, 'base64') : null;
					return pdf !== null;
				},
				{ timeout: 30_000, interval: 250 }
			)
			.toBe(true);
		const emailed = await pdfText(pdf!);
		for (const text of [emailed, downloaded]) {
			expect(text).toContain('Right shoulder');
			expect(text).toContain('Fell on the stairs three weeks ago');
			expect(text).toContain('Reach overhead');
			expect(text).not.toContain(`Daily note ${suffix}`);
		}
	}, 120_000);

	it('fits the goals and summary pages on a phone: no sideways scroll, the menu reachable', async () => {
		const page = await physioContext.newPage();
		await page.setViewportSize({ width: 390, height: 844 });
		for (const path of [`/cases/${caseId}/goals`, `/cases/${caseId}/summary`, `/cases/${caseId}`]) {
			await open(page, path);
			const width = await page.evaluate(() => document.documentElement.scrollWidth);
			expect(width, `${path} scrolls sideways`).toBeLessThanOrEqual(390);
			expect(
				await page
					.getByRole('navigation', { name: 'Main' })
					.getByRole('button', { name: /^Menu/ })
					.isVisible()
			).toBe(true);
		}
		await page.close();
	});
});
