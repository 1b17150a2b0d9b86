// Issue 18 (calendar): a patient's appointment notes from their record show on the appointment page
// and in the calendar's details of the appointment; every block says its status in words (short ones
// too) and takes its service's colour; the clinic's 12- or 24-hour clock (Admin → Settings) changes
// the times the calendar and the appointment page show.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { addDays, todayIn, zonedToInstant } from '../src/lib/time.ts';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const timeZone = process.env.CASEBOOK_TIME_ZONE?.trim() || 'Australia/Sydney';

const SERVICE_COLOUR = '#7c3aed'; // rgb(124, 58, 237)
const TYPE_COLOUR = '#0284c7';
const NOTES = `Uses a wheelchair: book the ground-floor room ${suffix}`;
// A weekday three weeks out, in the new practitioner's empty diary.
const day = addDays(todayIn(timeZone), 21);

let practitionerId: string;
const ids = { withNotes: '', completed: '', cancelled: '' };

interface Created {
	appointment: { id: string; version: number };
}

async function book(patientId: string, typeId: string, time: string, durationMinutes: number) {
	const created = await trpc<Created>(page, 'appointments.create', {
		patientId,
		practitionerId,
		appointmentTypeId: typeId,
		startsAt: zonedToInstant(`${day}T${time}`, timeZone).toISOString(),
		durationMinutes
	});
	return created.appointment;
}

/** Sets the clinic's clock on Admin → Settings, as an admin does. */
async function chooseClock(label: RegExp): Promise<void> {
	await open(page, '/admin/settings');
	await page.getByRole('radio', { name: label }).check();
	await page.getByRole('button', { name: 'Save settings' }).click();
	await page.getByText('Settings saved.').waitFor();
}

function calendarBlock(id: string): Locator {
	return page.getByRole('region', { name: 'Calendar' }).locator(`a[href="/appointments/${id}"]`);
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl, viewport: { width: 1366, height: 900 } });
	await signInAsAdmin(page);
	const service = await trpc<{ id: string }>(page, 'services.create', {
		name: `Hydrotherapy ${suffix}`,
		colour: SERVICE_COLOUR
	});
	const practitioner = await trpc<{ id: string }>(page, 'staff.create', {
		name: `Cal Practitioner ${suffix}`,
		email: `cal.${suffix}@clinic.test`,
		roles: ['practitioner'],
		password: 'practitioner password'
	});
	practitionerId = practitioner.id;
	await trpc(page, 'services.setPractitioners', { serviceId: service.id, userIds: [practitionerId] });
	const type = await trpc<{ id: string }>(page, 'appointmentTypes.create', {
		name: `Pool session ${suffix}`,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 8000,
		colour: TYPE_COLOUR
	});
	const withNotes = await trpc<{ id: string }>(page, 'patients.create', {
		firstName: 'Nora',
		lastName: `Notes${suffix}`,
		appointmentNotes: NOTES
	});
	const other = await trpc<{ id: string }>(page, 'patients.create', {
		firstName: 'Sam',
		lastName: `Short${suffix}`
	});

	ids.withNotes = (await book(withNotes.id, type.id, '09:00', 30)).id;
	// Two 15-minute blocks: too short for more than one line.
	const completed = await book(other.id, type.id, '14:00', 15);
	await trpc(page, 'appointments.setStatus', {
		id: completed.id,
		version: completed.version,
		status: 'completed'
	});
	ids.completed = completed.id;
	const cancelled = await book(other.id, type.id, '15:00', 15);
	await trpc(page, 'appointments.cancel', { id: cancelled.id, version: cancelled.version });
	ids.cancelled = cancelled.id;
});

afterAll(async () => {
	// The clock is clinic-wide: leave it as the other specs expect it.
	if (page) await chooseClock(/^12-hour/).catch(() => undefined);
	await browser?.close();
});

describe('calendar', () => {
	it('shows the patient record’s appointment notes on the appointment page and in the calendar', async () => {
		await open(page, `/appointments/${ids.withNotes}`);
		const notes = page.getByRole('region', { name: 'Appointment notes from the patient record' });
		expect(await notes.textContent()).toContain(NOTES);

		await open(page, `/appointments?view=day&date=${day}&practitioner=${practitionerId}`);
		const block = calendarBlock(ids.withNotes);
		expect(await block.textContent()).toContain(`Note: ${NOTES}`);
		expect(await block.getAttribute('aria-label')).toContain(`appointment notes: ${NOTES}`);
		// The block is in its service's colour, not its appointment type's.
		expect(await block.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(124, 58, 237)');
	}, 60_000);

	it('writes the status on short completed and cancelled blocks, not by colour alone', async () => {
		await open(page, `/appointments?view=day&date=${day}&practitioner=${practitionerId}`);
		for (const [id, status, key] of [
			[ids.completed, 'Completed', 'completed'],
			[ids.cancelled, 'Cancelled', 'cancelled']
		] as const) {
			const block = calendarBlock(id);
			const word = block.getByText(status, { exact: true });
			expect(await word.count(), status).toBe(1);
			expect(await word.isVisible(), status).toBe(true);
			// The word sits inside the 15-minute block, not clipped below it.
			const [outer, inner] = await Promise.all([block.boundingBox(), word.boundingBox()]);
			expect(inner!.y + inner!.height, status).toBeLessThanOrEqual(outer!.y + outer!.height + 1);
			// With its icon, for those who scan by shape.
			expect(await block.locator(`svg[data-status="${key}"]`).count(), status).toBe(1);
			expect(await block.getAttribute('aria-label')).toContain(`, ${status}`);
		}
	}, 60_000);

	it('shows the same on a phone-sized screen', async () => {
		const phone = await browser.newPage({ baseURL: baseUrl, viewport: { width: 390, height: 844 } });
		try {
			await signInAsAdmin(phone);
			await open(phone, `/appointments?view=day&date=${day}&practitioner=${practitionerId}`);
			const list = phone.getByRole('region', { name: 'Appointments by day' });
			const completed = list.locator(`a[href="/appointments/${ids.completed}"]`);
			expect(await completed.getByText('Completed', { exact: true }).isVisible()).toBe(true);
			const withNotes = list.locator(`a[href="/appointments/${ids.withNotes}"]`);
			expect(await withNotes.getByText(`Note: ${NOTES}`).isVisible()).toBe(true);
		} finally {
			await phone.close();
		}
	}, 60_000);

	it('writes times on the clinic’s clock: 12-hour, then 24-hour once chosen in Settings', async () => {
		await chooseClock(/^12-hour/);
		await open(page, `/appointments?view=day&date=${day}&practitioner=${practitionerId}`);
		expect(await calendarBlock(ids.completed).textContent()).toContain('2:00–2:15 pm');
		await open(page, `/appointments/${ids.withNotes}`);
		expect(await page.getByRole('main').textContent()).toContain('9:00–9:30 am');

		await chooseClock(/^24-hour/);
		await open(page, `/appointments?view=day&date=${day}&practitioner=${practitionerId}`);
		const completedText = await calendarBlock(ids.completed).textContent();
		expect(completedText).toContain('14:00–14:15');
		expect(completedText).not.toMatch(/\b(am|pm)\b/);
		await open(page, `/appointments/${ids.withNotes}`);
		const main = await page.getByRole('main').textContent();
		expect(main).toContain('09:00–09:30');
		expect(main).not.toContain('9:00–9:30 am');

		await chooseClock(/^12-hour/);
		await open(page, `/appointments/${ids.withNotes}`);
		expect(await page.getByRole('main').textContent()).toContain('9:00–9:30 am');
	}, 90_000);
});
