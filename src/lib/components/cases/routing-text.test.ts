import { describe, expect, it } from 'vitest';
import {
	countdownText,
	countdownWords,
	deliveryStatus,
	escalationExplanation,
	formatMinutes,
	senderLabel,
	sentCaseStatus,
	timelineTitle
} from './routing-text';

describe('escalation explained', () => {
	it('follows seed 004 for each priority', () => {
		expect(escalationExplanation('urgent')).toBe('members get an SMS after 5 minutes if nobody acknowledges');
		expect(escalationExplanation('high')).toBe(
			'members get an email after 10 minutes if nobody acknowledges'
		);
		expect(escalationExplanation('normal')).toBe(
			'members get an email after 24 hours if nobody acknowledges'
		);
	});

	it('words minutes, hours and days', () => {
		expect(formatMinutes(1)).toBe('1 minute');
		expect(formatMinutes(90)).toBe('90 minutes');
		expect(formatMinutes(60)).toBe('1 hour');
		expect(formatMinutes(2880)).toBe('2 days');
	});
});

describe('countdown', () => {
	it('ticks as m:ss, then h:mm:ss, then days', () => {
		expect(countdownText(272_000)).toBe('4:32');
		expect(countdownText(999)).toBe('0:01');
		expect(countdownText(3_872_000)).toBe('1:04:32');
		expect(countdownText(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
	});

	it('is null once due', () => {
		expect(countdownText(0)).toBeNull();
		expect(countdownText(-5000)).toBeNull();
	});

	it('reads in words', () => {
		expect(countdownWords(272_000)).toBe('4 minutes 32 seconds');
		expect(countdownWords(3_872_000)).toBe('1 hour 4 minutes');
		expect(countdownWords(0)).toBe('now');
	});
});

describe('labels', () => {
	it('marks referrers', () => {
		expect(senderLabel({ name: 'Dr Ng', isReferrer: true })).toBe('Dr Ng (referrer)');
		expect(senderLabel({ name: 'Sam Lee', isReferrer: false })).toBe('Sam Lee');
	});

	it('reads delivery statuses', () => {
		expect(deliveryStatus('delivered').tone).toBe('delivered');
		expect(deliveryStatus('queued').label).toBe('Sending');
		expect(deliveryStatus('undelivered').tone).toBe('failed');
	});

	it('says where a sent case stands', () => {
		expect(sentCaseStatus({ status: 'open', acknowledgedBy: null })).toBe('Waiting for the team');
		expect(sentCaseStatus({ status: 'open', acknowledgedBy: 'Ann' })).toBe('Acknowledged by Ann');
		expect(sentCaseStatus({ status: 'closed', acknowledgedBy: 'Ann' })).toBe('Closed');
	});

	it('writes one line per timeline event, tolerating missing data', () => {
		expect(
			timelineTitle({
				kind: 'sent',
				actor: 'Dr Ng',
				data: { priority: 'urgent', teams: [{ id: '1', name: 'Physio' }] }
			})
		).toBe('Dr Ng sent it to Physio as Urgent');
		expect(timelineTitle({ kind: 'sent', actor: 'Dr Ng' })).toBe('Dr Ng sent it');
		expect(timelineTitle({ kind: 'retriaged', actor: 'Ann', data: { from: 'normal', to: 'high' } })).toBe(
			'Ann re-triaged it from Normal to High'
		);
		expect(timelineTitle({ kind: 'taken_over', actor: 'Bo', data: { from: { id: '2', name: 'Ann' } } })).toBe(
			'Bo took it over from Ann'
		);
		expect(timelineTitle({ kind: 'acknowledged', actor: 'Ann', data: { via: 'sms' } })).toBe(
			'Ann acknowledged it by SMS reply'
		);
		expect(timelineTitle({ kind: 'patient_linked', actor: 'Ann', data: { isNewPatient: true } })).toBe(
			'Ann linked it to a new patient record made from the referral'
		);
		expect(timelineTitle({ kind: 'patient_linked', actor: 'Ann', data: { isNewPatient: false } })).toBe(
			'Ann linked it to a patient record'
		);
		expect(
			timelineTitle({
				kind: 'delivery',
				actor: null,
				data: { name: 'Ann', failedChannel: 'sms', fallbackChannel: 'email' }
			})
		).toBe('SMS to Ann could not be delivered; sent by email instead');
	});
});
