import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

function issuesOf(env: Record<string, string>) {
	try {
		parseConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error;
		throw error;
	}
	throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
	it('has working defaults for a fresh machine', () => {
		const config = parseConfig({});
		expect(config.PORT).toBe(3000);
		expect(config.ORIGIN).toBe('http://localhost:3000');
		expect(config.hasSmtp).toBe(false);
		expect(config.hasTwilio).toBe(false);
		expect(config.DATABASE_URL).toBeUndefined();
		expect(config.isHttps).toBe(false);
	});

	it('names every bad key at once', () => {
		const error = issuesOf({ PORT: 'abc', SMTP_URL: 'nonsense', CASEBOOK_TIME_ZONE: 'Mars/Base' });
		expect(error.issues.map((i) => i.key).sort()).toEqual(['CASEBOOK_TIME_ZONE', 'PORT', 'SMTP_URL']);
		expect(error.message).toMatch(/PORT/);
		expect(error.message).toMatch(/SMTP_URL/);
	});

	it('requires Twilio settings to come as a complete set', () => {
		const error = issuesOf({ TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32) });
		expect(error.issues.map((i) => i.key)).toContain('TWILIO_AUTH_TOKEN');
		const noSender = issuesOf({ TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32), TWILIO_AUTH_TOKEN: 'secret' });
		expect(noSender.issues.map((i) => i.key)).toEqual(['TWILIO_FROM']);
	});

	it('treats an https ORIGIN as secure and trims a trailing slash', () => {
		const config = parseConfig({ ORIGIN: 'https://clinic.example.com/' });
		expect(config.ORIGIN).toBe('https://clinic.example.com');
		expect(config.isHttps).toBe(true);
	});

	it('ignores empty values as if unset', () => {
		expect(parseConfig({ DATABASE_URL: '', SMTP_URL: '' }).hasSmtp).toBe(false);
	});

	it('takes any IANA time zone for the clinic, aliases included', () => {
		for (const zone of ['Asia/Kolkata', 'Europe/Kyiv', 'Etc/UTC', 'Australia/Canberra', 'US/Eastern']) {
			expect(parseConfig({ CASEBOOK_TIME_ZONE: zone }).CASEBOOK_TIME_ZONE).toBe(zone);
		}
	});
});
