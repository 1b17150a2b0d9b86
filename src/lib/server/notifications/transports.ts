// The two ways out of Casebook: Nodemailer over SMTP for email and the twilio SDK for SMS. With
// no provider configured a channel's transport is null and messages go to the built-in outbox.
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import type { Config } from '../config.ts';

export class PermanentSendError extends Error {
	override name = 'PermanentSendError';
}

export interface SentMessage {
	providerId: string;
}

export interface EmailMessage {
	to: string;
	subject: string;
	text: string;
	html?: string | null;
	attachments?: { filename: string; contentType: string; content: string; encoding?: 'base64' }[] | null;
}

export interface SmsMessage {
	to: string;
	body: string;
}

export interface Transports {
	email: ((message: EmailMessage) => Promise<SentMessage>) | null;
	sms: ((message: SmsMessage) => Promise<SentMessage>) | null;
	close(): void;
}

// Twilio error codes that no retry can fix: invalid, unreachable or opted-out numbers, and
// sender numbers that cannot send to this destination.
const PERMANENT_TWILIO_CODES = new Set([
	21211, 21214, 21217, 21401, 21407, 21408, 21421, 21601, 21602, 21604, 21606, 21608, 21610, 21612, 21614,
	21617, 21635
]);

interface ProviderError {
	status?: number;
	code?: number | string;
	responseCode?: number;
	message?: string;
}

export function isPermanentTwilioError(error: ProviderError): boolean {
	if (typeof error.code === 'number' && PERMANENT_TWILIO_CODES.has(error.code)) return true;
	// A 400 that is not throttling is a problem with the request itself.
	return error.status === 400 && error.code !== 20429;
}

export function isPermanentSmtpError(error: ProviderError): boolean {
	return typeof error.responseCode === 'number' && error.responseCode >= 500 && error.responseCode < 600;
}

/** A RequestClient that sends the SDK's requests to a stand-in origin (tests, local demos). */
function redirectingClient(origin: string): twilio.RequestClient {
	const target = new URL(origin);
	class RedirectingRequestClient extends twilio.RequestClient {
		override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
			const uri = new URL(opts.uri);
			uri.protocol = target.protocol;
			uri.host = target.host;
			return super.request<TData>({ ...opts, uri: uri.toString() } as Parameters<
				twilio.RequestClient['request']
			>[0] as never);
		}
	}
	return new RedirectingRequestClient();
}

export function createTransports(config: Config): Transports {
	const mailer = config.SMTP_URL
		? nodemailer.createTransport(config.SMTP_URL, { from: config.MAIL_FROM })
		: null;

	const sms = config.hasTwilio
		? twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, {
				httpClient: config.TWILIO_API_URL ? redirectingClient(config.TWILIO_API_URL) : undefined,
				autoRetry: false
			})
		: null;

	return {
		email: mailer
			? async (message) => {
					try {
						const info = await mailer.sendMail({
							from: config.MAIL_FROM,
							to: message.to,
							subject: message.subject,
							text: message.text,
							html: message.html ?? undefined,
							attachments: message.attachments?.map((a) => ({
								filename: a.filename,
								contentType: a.contentType,
								content: a.content,
								...(a.encoding ? { encoding: a.encoding } : {})
							}))
						});
						return { providerId: info.messageId };
					} catch (error) {
						const e = error as ProviderError;
						if (isPermanentSmtpError(e)) throw new PermanentSendError(e.message ?? String(error));
						throw error;
					}
				}
			: null,
		sms: sms
			? async (message) => {
					try {
						const sent = await sms.messages.create({
							to: message.to,
							body: message.body,
							...(config.TWILIO_MESSAGING_SERVICE_SID
								? { messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID }
								: { from: config.TWILIO_FROM }),
							statusCallback: `${config.ORIGIN}/webhooks/twilio/status`
						});
						return { providerId: sent.sid };
					} catch (error) {
						const e = error as ProviderError;
						if (isPermanentTwilioError(e)) {
							throw new PermanentSendError(`Twilio ${e.code ?? e.status}: ${e.message ?? ''}`.trim());
						}
						throw error;
					}
				}
			: null,
		close() {
			mailer?.close();
		}
	};
}
