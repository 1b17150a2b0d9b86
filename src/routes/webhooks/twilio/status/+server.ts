// Delivery statuses of our SMS. Unsigned or wrongly signed requests get 403 and change nothing.
import { text, type RequestHandler } from '@sveltejs/kit';
import { handleStatusCallback } from '$lib/server/routing/twilio-webhooks';
import { onSmsFailed } from '$lib/server/app/jobs';
import { readTwilioRequest } from '../twilio-request.server';

export const POST: RequestHandler = async (event) => {
	const { params, isValid } = await readTwilioRequest(event);
	if (!isValid) return text('Invalid signature', { status: 403 });
	await handleStatusCallback(event.locals.em, params, new Date(), onSmsFailed);
	return new Response(null, { status: 204 });
};
