// Issue 20, patient communications in the browser: an admin edits the reminder text and sees the
// preview (with the SMS length and segments) change as they type, then saves it; a booked
// appointment shows its scheduled reminders on its page.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
});
afterAll(async () => {
	await browser?.close();
});

describe('patient communications', () => {
	it('an admin edits the reminder text and sees the preview, its length and segments', async () => {
		await open(admin, '/admin/communications');
		await admin.getByRole('heading', { name: 'Communications', level: 1 }).waitFor();
		const sms = admin.locator('#smsTemplate');
		await sms.fill(`Hello {first_name}! See you {date} at {time}. ${suffix}`);
		const preview = admin.getByTestId('sms-preview');
		await expect
			.poll(() => preview.textContent())
			.toMatch(new RegExp(`^Hello \\S+! See you .+ at .+\\. ${suffix} Reply Y to confirm, N to cancel$`));
		expect(await preview.textContent()).not.toContain('{first_name}');
		const lengthText = async () =>
			(await admin.getByTestId('sms-length').textContent())?.replace(/\s+/g, ' ');
		expect(await lengthText()).toMatch(/GSM-7\), 1 segment\b/);

		// A character outside the GSM alphabet switches the count to UCS-2.
		await sms.fill(`Hello {first_name} ✓ ${'x'.repeat(60)}`);
		await expect.poll(lengthText).toMatch(/UCS-2\), 2 segments/);

		await sms.fill(`Hi {first_name}, your appointment is {date} at {time} with {practitioner}. ${suffix}`);
		await admin.getByRole('button', { name: 'Save communications' }).click();
		await admin.getByText('Communication settings saved.').waitFor();
		const saved = await trpc<{ smsTemplate: string }>(admin, 'reminders.settings', undefined, 'GET');
		expect(saved.smsTemplate).toContain(suffix);
	});

	it('refuses an unknown placeholder next to the field', async () => {
		await open(admin, '/admin/communications');
		await admin.locator('#smsTemplate').fill('Hi {firstname}');
		await admin.getByRole('button', { name: 'Save communications' }).click();
		await admin
			.getByText(/Use only these placeholders/)
			.first()
			.waitFor();
	});

	it('a booked appointment shows its scheduled reminders', async () => {
		const settings = await trpc<Record<string, unknown> & { version: number }>(
			admin,
			'reminders.settings',
			undefined,
			'GET'
		);
		await trpc(admin, 'reminders.updateSettings', {
			...settings,
			firstReminder: { kind: 'days_before', days: 1, hour: 9 },
			secondReminder: { kind: 'hours_before', hours: 3 }
		});
		const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Reminders ${suffix}` });
		const practitioner = await trpc<{ id: string }>(admin, 'staff.create', {
			name: `Remy Reminder ${suffix}`,
			email: `remy.${suffix}@clinic.test`,
			roles: ['practitioner'],
			password: 'practitioner password'
		});
		await trpc(admin, 'services.setPractitioners', { serviceId: service.id, userIds: [practitioner.id] });
		const type = await trpc<{ id: string }>(admin, 'appointmentTypes.create', {
			name: `Reminder check ${suffix}`,
			serviceIds: [service.id],
			durationMinutes: 30,
			priceCents: 5000
		});
		const patient = await trpc<{ id: string }>(admin, 'patients.create', {
			firstName: 'Rita',
			lastName: `Reminded${suffix}`,
			email: `rita.${suffix}@example.test`,
			phoneNumbers: [{ phoneType: 'Mobile', number: '+61491570158' }],
			reminderType: 'SMS & Email'
		});
		const startsAt = new Date(Date.now() + 12 * 86_400_000);
		startsAt.setUTCHours(3, 0, 0, 0);
		const booked = await trpc<{ appointment: { id: string } }>(admin, 'appointments.create', {
			patientId: patient.id,
			practitionerId: practitioner.id,
			appointmentTypeId: type.id,
			startsAt: startsAt.toISOString(),
			case: { mode: 'none' }
		});

		await open(admin, `/appointments/${booked.appointment.id}`);
		await admin.getByRole('heading', { name: 'Reminders' }).waitFor();
		const list = admin.getByTestId('scheduled-reminders');
		const items = await list.getByRole('listitem').allTextContents();
		expect(items).toHaveLength(2);
		expect(items[0]).toMatch(/First reminder.*9:00 am.*scheduled/s);
		expect(items[1]).toMatch(/Second reminder.*scheduled/s);
	});
});
