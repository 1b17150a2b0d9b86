// Issue 10: axe-core over every main page, staff and portal: no serious or critical violation
// (WCAG 2.1 A and AA rules); and the main forms work with the keyboard alone.
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { portalSignIn, trpc } from './fixtures.ts';
import { ADMIN, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
let patientPage: Page;
let anonymous: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const patientEmail = `axe.${suffix}@example.test`;
let patientId: string;
let caseId: string;
let requestId: string | null = null;
let typeId: string;

async function seriousViolations(page: Page, path: string) {
	await open(page, path);
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			path,
			rule: v.id,
			impact: v.impact,
			help: v.help,
			targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))
		}));
}

/** Presses Tab until the element with this id has the focus (a few presses at most). */
async function tabTo(page: Page, id: string): Promise<void> {
	for (let i = 0; i < 8; i += 1) {
		await page.keyboard.press('Tab');
		if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
	}
	throw new Error(`#${id} was not reachable by Tab`);
}

beforeAll(async () => {
	browser = await launchBrowser();
	// axe needs pages from a context of their own.
	admin = await (await browser.newContext({ baseURL: baseUrl })).newPage();
	anonymous = await (await browser.newContext({ baseURL: baseUrl })).newPage();
	patientPage = await (await browser.newContext({ baseURL: baseUrl })).newPage();
	await signInAsAdmin(admin);
	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Axe physio ${suffix}` });
	const type = await trpc<{ id: string }>(admin, 'appointmentTypes.create', {
		name: `Axe review ${suffix}`,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Axe template ${suffix}`,
		serviceIds: [service.id],
		allowsRequests: true,
		requestTypes: [{ appointmentTypeId: type.id }]
	});
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Ada',
		lastName: `Axe${suffix}`,
		email: patientEmail
	});
	patientId = patient.id;
	caseId = (
		await trpc<{ id: string }>(admin, 'cases.create', {
			patientId,
			name: 'Neck pain',
			templateId: template.id,
			limitKind: 'appointments',
			maxAppointments: 6
		})
	).id;
	typeId = type.id;
});
afterAll(async () => {
	await browser?.close();
});

describe('accessibility (axe, WCAG 2.1 AA)', () => {
	it('finds no serious or critical violation on the public and portal pages', async () => {
		await portalSignIn(patientPage, patientEmail);
		// A pending request, so the portal home and the scheduler's request page have one to show.
		const start = new Date(Date.now() + 3 * 86_400_000);
		const request = await trpc<{ id: string }>(patientPage, 'portal.requestAppointment', {
			caseId,
			appointmentTypeId: typeId,
			windows: [{ startsAt: start, endsAt: new Date(start.getTime() + 2 * 3_600_000) }]
		});
		requestId = request.id;
		const found = [];
		for (const path of ['/sign-in', '/forgot-password', '/portal/sign-in'])
			found.push(...(await seriousViolations(anonymous, path)));
		for (const path of ['/portal', `/portal/cases/${caseId}/request`])
			found.push(...(await seriousViolations(patientPage, path)));
		expect(found).toEqual([]);
	}, 120_000);
	it('finds no serious or critical violation on the staff pages', async () => {
		// Issue 22: a note template, a goal, a final note and a draft on the case.
		const noteTemplate = await trpc<{ id: string }>(admin, 'admin.noteTemplates.create', {
			name: `Axe evaluation ${suffix}`,
			sections: [
				{
					title: 'Subjective',
					questions: [
						{ id: 'pain', kind: 'scale', label: 'Pain' },
						{ id: 'flexion', kind: 'number', label: 'Flexion', unit: 'degrees' },
						{ id: 'onset', kind: 'radio', label: 'Onset', options: ['Sudden', 'Gradual'], allowOther: true },
						{ id: 'worse', kind: 'checkboxes', label: 'Worse with', options: ['Lifting'] },
						{ id: 'seen', kind: 'date', label: 'Seen on' },
						{ id: 'notes', kind: 'paragraph', label: 'Notes' }
					]
				}
			],
			caseTemplateIds: []
		});
		await trpc(admin, 'clinicalNotes.createGoal', {
			caseId,
			description: 'Turn head fully',
			measure: 'number',
			unit: 'degrees',
			baseline: 40,
			target: 80
		});
		const finalNote = await trpc<{ id: string }>(admin, 'clinicalNotes.create', { caseId });
		const saved = await trpc<{ revision: number }>(admin, 'clinicalNotes.saveDraft', {
			id: finalNote.id,
			revision: 1,
			title: 'Axe note',
			answers: { body: 'Reviewed' }
		});
		await trpc(admin, 'clinicalNotes.finalise', { id: finalNote.id, revision: saved.revision });
		const draft = await trpc<{ id: string }>(admin, 'clinicalNotes.create', {
			caseId,
			templateId: noteTemplate.id
		});
		const paths = [
			'/admin/note-templates',
			'/admin/note-templates/new',
			`/admin/note-templates/${noteTemplate.id}`,
			`/cases/${caseId}/notes/new`,
			`/cases/${caseId}/notes/${draft.id}`,
			`/cases/${caseId}/notes/${finalNote.id}`,
			`/cases/${caseId}/goals`,
			`/cases/${caseId}/summary`,
			'/',
			'/status',
			'/patients',
			'/patients/new',
			`/patients/${patientId}`,
			`/patients/${patientId}?tab=cases`,
			'/cases',
			`/cases/${caseId}`,
			`/cases/${caseId}/edit`,
			`/patients/${patientId}/cases/new`,
			'/appointments',
			`/appointments/new?patientId=${patientId}`,
			`/appointments/reserve?patientId=${patientId}`,
			'/inbox',
			'/cases/send',
			'/requests',
			...(requestId ? [`/requests/${requestId}`] : []),
			'/contacts',
			'/account',
			'/admin',
			'/admin/staff',
			'/admin/case-templates',
			'/admin/teams',
			'/admin/referrers'
		];
		const found = [];
		for (const path of paths) found.push(...(await seriousViolations(admin, path)));
		expect(found).toEqual([]);
	}, 240_000);
	// The API reference documents every Cliniko resource (issue 21): ~7,000 elements, which axe
	// takes well over a minute to check on a busy machine, so it has a test (and a budget) of its own.
	it('finds no serious or critical violation on the API reference', async () => {
		// A page of its own: nothing another test left running can navigate it away mid-check.
		const reader = await (await browser.newContext({ baseURL: baseUrl })).newPage();
		await signInAsAdmin(reader);
		expect(await seriousViolations(reader, '/api/docs')).toEqual([]);
	}, 360_000);
});

describe('keyboard alone', () => {
	it('requests a portal appointment with Tab, Space, typing and Enter', async () => {
		// The request made above waits for the clinic: withdraw it, so the type can be asked again.
		if (requestId) await trpc(patientPage, 'portal.withdrawRequest', { id: requestId });
		await open(patientPage, `/portal/cases/${caseId}/request`);
		const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
		// Start from the top of the page and tab to the first field of the form.
		await patientPage.keyboard.press('Tab');
		let guard = 0;
		while (!(await patientPage.evaluate(() => document.activeElement?.getAttribute('type') === 'radio'))) {
			await patientPage.keyboard.press('Tab');
			if (++guard > 20) throw new Error('the appointment type was not reachable by Tab');
		}
		await patientPage.keyboard.press('Space');
		await patientPage.keyboard.press('Tab');
		expect(await patientPage.evaluate(() => document.activeElement?.id)).toBe('date0');
		// Date inputs take typed digits in the browser's locale order; fill keeps it locale-proof.
		await patientPage.locator('#date0').fill(day);
		// Date and time inputs step through their parts with Tab before moving on.
		await tabTo(patientPage, 'from0');
		await patientPage.locator('#from0').fill('09:00');
		await tabTo(patientPage, 'to0');
		await patientPage.locator('#to0').fill('11:00');
		await patientPage.locator('#note').focus();
		await patientPage.keyboard.type('By keyboard');
		// Tab to the submit button and press Enter.
		await patientPage.keyboard.press('Tab');
		expect(await patientPage.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
			'Send request'
		);
		await patientPage.keyboard.press('Enter');
		await patientPage.waitForURL((url) => url.pathname === '/portal');
		await expect.poll(() => patientPage.getByText('Request sent').count()).toBe(1);
	});

	it('signs staff in with the keyboard alone', async () => {
		await open(anonymous, '/sign-in');
		await anonymous.getByLabel('Email').focus();
		await anonymous.keyboard.type(ADMIN.email);
		await anonymous.keyboard.press('Tab');
		expect(await anonymous.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('password');
		await anonymous.keyboard.type(ADMIN.password);
		await anonymous.keyboard.press('Enter');
		await anonymous.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
	});
});
