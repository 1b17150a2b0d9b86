// Reads a Twilio webhook: form parameters, and whether X-Twilio-Signature matches them at our
// public URL (ORIGIN + path + query, as Twilio signed it).
import type { RequestEvent } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { isTwilioSignatureValid } from '$lib/server/routing/twilio-webhooks';

export async function readTwilioRequest(
	event: RequestEvent
): Promise<{ params: Record<string, string>; isValid: boolean }> {
	const type = event.request.headers.get('content-type') ?? '';
	if (!type.startsWith('application/x-www-form-urlencoded')) return { params: {}, isValid: false };
	const form = new URLSearchParams(await event.request.text());
	const params: Record<string, string> = {};
	for (const [key, value] of form) params[key] = value;
	const config = getConfig();
	const url = `${config.ORIGIN}${event.url.pathname}${event.url.search}`;
	const isValid = isTwilioSignatureValid(
		config,
		event.request.headers.get('x-twilio-signature'),
		url,
		params
	);
	return { params, isValid };
}
