// The one place configuration enters Casebook: process.env, checked with zod, shared by the web
// app, the worker and the CLI. A bad value stops start-up with every bad key named.
import path from 'node:path';
import { isTimeZone } from '../schemas/time-zone.ts';
import { z } from 'zod';

const optionalString = z
	.string()
	.trim()
	.transform((v) => (v === '' ? undefined : v))
	.optional();

const boolFromEnv = z
	.enum(['true', 'false', '1', '0', 'yes', 'no', ''])
	.optional()
	.transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z
	.object({
		NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
		DATABASE_URL: optionalString.pipe(
			z
				.string()
				.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
				.optional()
		),
		CASEBOOK_DATA_DIR: z.string().trim().min(1).default('.data'),
		/** Uploaded attachments; unset = <CASEBOOK_DATA_DIR>/files. */
		CASEBOOK_FILES_DIR: optionalString,
		CASEBOOK_DB_PORT: optionalString.pipe(
			z
				.string()
				.regex(/^\d+$/, 'must be a port number')
				.transform(Number)
				.pipe(z.number().int().min(1).max(65535))
				.optional()
		),
		PORT: z.coerce.number().int().min(1).max(65535).default(3000),
		HOST: z.string().trim().min(1).default('127.0.0.1'),
		ORIGIN: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
		SMTP_URL: optionalString.pipe(
			z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional()
		),
		MAIL_FROM: z.string().trim().min(3).default('Casebook <casebook@localhost>'),
		TWILIO_ACCOUNT_SID: optionalString.pipe(
			z
				.string()
				.regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
				.optional()
		),
		TWILIO_AUTH_TOKEN: optionalString,
		TWILIO_FROM: optionalString.pipe(
			z
				.string()
				.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +61400000000')
				.optional()
		),
		TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(
			z
				.string()
				.regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits')
				.optional()
		),
		// Only for tests and local stand-ins: send Twilio API calls to this origin instead of twilio.com.
		TWILIO_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
		CASEBOOK_TIME_ZONE: z
			.string()
			.trim()
			.default('Australia/Sydney')
			.refine(isTimeZone, 'must be an IANA time zone such as Australia/Sydney'),
		CASEBOOK_DEFAULT_COUNTRY: z
			.string()
			.trim()
			.regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as AU')
			.default('AU'),
		LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
		SESSION_IDLE_MINUTES: z.coerce
			.number()
			.int()
			.min(1)
			.max(24 * 60)
			.default(30),
		SESSION_ABSOLUTE_HOURS: z.coerce
			.number()
			.int()
			.min(1)
			.max(24 * 30)
			.default(12),
		PORTAL_IDLE_MINUTES: z.coerce
			.number()
			.int()
			.min(1)
			.max(24 * 60)
			.default(30),
		PORTAL_ABSOLUTE_HOURS: z.coerce
			.number()
			.int()
			.min(1)
			.max(24 * 30)
			.default(12),
		CASEBOOK_ADMIN_EMAIL: optionalString.pipe(z.email('must be an email address').optional()),
		CASEBOOK_ADMIN_PASSWORD: optionalString.pipe(
			z.string().min(10, 'must be at least 10 characters').optional()
		),
		WORKER_POLL_SECONDS: z.coerce.number().min(0.5).max(30).default(0.5),
		WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
		CASEBOOK_LOG_SQL: boolFromEnv
	})
	.superRefine((env, ctx) => {
		const twilioKeys = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN].filter(Boolean).length;
		if (twilioKeys === 1) {
			ctx.addIssue({
				code: 'custom',
				path: [env.TWILIO_ACCOUNT_SID ? 'TWILIO_AUTH_TOKEN' : 'TWILIO_ACCOUNT_SID'],
				message: 'set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither'
			});
		}
		if (Boolean(env.CASEBOOK_ADMIN_EMAIL) !== Boolean(env.CASEBOOK_ADMIN_PASSWORD)) {
			ctx.addIssue({
				code: 'custom',
				path: [env.CASEBOOK_ADMIN_EMAIL ? 'CASEBOOK_ADMIN_PASSWORD' : 'CASEBOOK_ADMIN_EMAIL'],
				message: 'set both CASEBOOK_ADMIN_EMAIL and CASEBOOK_ADMIN_PASSWORD, or neither'
			});
		}
		if (twilioKeys === 2 && !env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID) {
			ctx.addIssue({
				code: 'custom',
				path: ['TWILIO_FROM'],
				message: 'set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID when Twilio is configured'
			});
		}
	});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends Omit<RawConfig, 'ORIGIN' | 'CASEBOOK_FILES_DIR'> {
	ORIGIN: string;
	/** Absolute: where attachment bytes are stored. */
	CASEBOOK_FILES_DIR: string;
	dataDir: string;
	isHttps: boolean;
	hasTwilio: boolean;
	hasSmtp: boolean;
}

export class ConfigError extends Error {
	readonly issues: { key: string; message: string }[];
	constructor(issues: { key: string; message: string }[]) {
		super('Invalid configuration:\n' + issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n'));
		this.name = 'ConfigError';
		this.issues = issues;
	}
}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
	const parsed = configSchema.safeParse(env);
	if (!parsed.success) {
		throw new ConfigError(
			parsed.error.issues.map((issue) => ({
				key: issue.path.join('.') || '(environment)',
				message: issue.message
			}))
		);
	}
	const raw = parsed.data;
	const origin = (raw.ORIGIN ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
	return {
		...raw,
		ORIGIN: origin,
		CASEBOOK_FILES_DIR: path.resolve(raw.CASEBOOK_FILES_DIR ?? path.join(raw.CASEBOOK_DATA_DIR, 'files')),
		dataDir: path.resolve(raw.CASEBOOK_DATA_DIR),
		isHttps: origin.startsWith('https://'),
		hasTwilio: Boolean(raw.TWILIO_ACCOUNT_SID && raw.TWILIO_AUTH_TOKEN),
		hasSmtp: Boolean(raw.SMTP_URL)
	};
}

let cached: Config | undefined;

/** The process's configuration, parsed once. Tests that change env call `resetConfig()`. */
export function getConfig(): Config {
	cached ??= parseConfig();
	return cached;
}

export function resetConfig(): void {
	cached = undefined;
}
