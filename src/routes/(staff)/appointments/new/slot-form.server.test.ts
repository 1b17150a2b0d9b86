import { describe, expect, it } from 'vitest';
import { zonedToInstant } from '$lib/time';
import { readSlotForm } from './slot-form.server';

const SYDNEY = 'Australia/Sydney';
const filled = {
	practitionerId: '7',
	appointmentTypeId: '3',
	date: '2026-10-04',
	time: '09:30',
	durationMinutes: ' 45 ',
	notes: 'Bring the scans'
};

describe('reading the slot fields', () => {
	it('turns the clinic-clock date and time into an instant and keeps what was typed', () => {
		const read = readSlotForm(filled, SYDNEY);
		expect(read.fieldErrors).toEqual({});
		expect(read.startsAt).toEqual(zonedToInstant('2026-10-04T09:30', SYDNEY));
		expect(read.startsAt?.toISOString()).toBe('2026-10-03T22:30:00.000Z');
		expect(read.durationMinutes).toBe(45);
		expect(read.values).toEqual(filled);
	});

	it('names what is missing, with the date and time as one start', () => {
		const read = readSlotForm({ date: '2026-10-04', time: '25:00' }, SYDNEY);
		expect(read.startsAt).toBeNull();
		expect(read.fieldErrors).toEqual({
			appointmentTypeId: ['Choose an appointment type'],
			practitionerId: ['Choose a practitioner'],
			startsAt: ['Enter a date and a time']
		});
		expect(read.values.notes).toBe('');
	});

	it('leaves a blank duration to the type, and lets the schema name one that is not a number', () => {
		expect(readSlotForm({ ...filled, durationMinutes: '' }, SYDNEY).durationMinutes).toBeUndefined();
		expect(readSlotForm({ ...filled, durationMinutes: '4.5' }, SYDNEY).durationMinutes).toBeNaN();
	});

	it('reads the first of a name sent twice', () => {
		expect(readSlotForm({ ...filled, practitionerId: ['8', '9'] }, SYDNEY).values.practitionerId).toBe('8');
	});
});
