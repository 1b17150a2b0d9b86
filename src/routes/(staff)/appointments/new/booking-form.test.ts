import { describe, expect, it } from 'vitest';
import { matchingCasesOf } from './booking-form.server';
import { openCaseOption, proposedCase, type OpenCaseOption } from './booking-form';

const PHYSIO = '11';
const SPEECH = '12';

function openCase(id: string, serviceIds: string[], options: { isFull?: boolean } = {}): OpenCaseOption {
	return openCaseOption({
		id,
		name: `Case ${id}`,
		bodyParts: [{ name: 'Left shoulder' }],
		template: { serviceIds },
		usage: {
			limitKind: 'appointments',
			maxAppointments: 3,
			maxAmountCents: null,
			appointmentsCounted: options.isFull ? 3 : 1,
			appointmentsLeft: options.isFull ? 0 : 2,
			amountInvoicedCents: 0,
			amountProjectedCents: 0,
			amountLeftCents: null,
			fractionUsed: options.isFull ? 1 : 1 / 3,
			isFull: options.isFull ?? false
		}
	});
}

describe('the case booking proposes', () => {
	it('is the one open case whose template covers the appointment type’s service', () => {
		const knee = openCase('1', [PHYSIO]);
		expect(proposedCase([knee, openCase('2', [SPEECH]), openCase('3', [])], [PHYSIO])?.id).toBe('1');
		// A shared template covers each of its services.
		expect(proposedCase([openCase('4', [SPEECH, PHYSIO])], [PHYSIO])?.id).toBe('4');
	});

	it('is none when two open cases cover the service: the person chooses', () => {
		expect(proposedCase([openCase('1', [PHYSIO]), openCase('2', [PHYSIO, SPEECH])], [PHYSIO])).toBeNull();
	});

	it('is none when the covering case is full, the type has no service, or no case covers it', () => {
		expect(proposedCase([openCase('1', [PHYSIO], { isFull: true })], [PHYSIO])).toBeNull();
		expect(proposedCase([openCase('1', [PHYSIO])], [])).toBeNull();
		expect(proposedCase([openCase('1', [SPEECH])], [PHYSIO])).toBeNull();
	});
});

describe('an open case as the booking form lists it', () => {
	it('reads its usage with the shared figures and says why a full case takes no appointment', () => {
		const full = openCase('1', [PHYSIO], { isFull: true });
		expect(full).toMatchObject({
			usage: '3 of 3 appointments',
			isFull: true,
			fullMessage: 'This case has no appointments left: it allows 3 appointments, and all are used.',
			serviceIds: [PHYSIO]
		});
		expect(openCase('2', [PHYSIO]).fullMessage).toBeNull();
	});
});

describe('the body-part question', () => {
	const details = {
		reason: 'matching-case',
		cases: [
			{ id: '1', name: 'Case 1', bodyParts: ['Left shoulder', 'Neck'], isFull: true },
			{ id: '2', name: 'Case 2', bodyParts: ['Left shoulder'], isFull: false }
		]
	};

	it('names a full case as full, with its figures, and a case with room as one to add to', () => {
		const open = [openCase('1', [PHYSIO], { isFull: true }), openCase('2', [PHYSIO])];
		expect(matchingCasesOf(details, ['Left shoulder'], open)).toEqual([
			{
				id: '1',
				name: 'Case 1',
				sharedBodyParts: ['Left shoulder'],
				usage: '3 of 3 appointments',
				fullMessage: 'This case has no appointments left: it allows 3 appointments, and all are used.'
			},
			{
				id: '2',
				name: 'Case 2',
				sharedBodyParts: ['Left shoulder'],
				usage: '1 of 3 appointments',
				fullMessage: null
			}
		]);
	});

	it('still says a case is full when its figures are not at hand', () => {
		expect(matchingCasesOf(details, ['Left shoulder'])?.[0]).toMatchObject({
			usage: null,
			fullMessage: 'This case has no appointments left.'
		});
	});

	it('is no question for any other conflict', () => {
		expect(matchingCasesOf({ reason: 'case-full' }, [])).toBeNull();
	});
});
