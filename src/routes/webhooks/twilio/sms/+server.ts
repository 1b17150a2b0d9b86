// Replies to our SMS: "1" or "ACK" acknowledges the case the member was last paged for; a
// patient's Y / N / anything else answers their last reminder (reminders/). Answered
// with TwiML, so the confirmation goes back through Twilio to the same phone.
import { text, type RequestHandler } from '@sveltejs/kit';
import { handleInboundSms, twimlMessage } from '$lib/server/routing/twilio-webhooks';
import { handlePatientSms } from '$lib/server/reminders/reminders.service';
import { readTwilioRequest } from '../twilio-request.server';

export const POST: RequestHandler = async (event) => {
	const { params, isValid } = await readTwilioRequest(event);
	if (!isValid) return text('Invalid signature', { status: 403 });
	const reply = await handleInboundSms(event.locals.em, params, new Date(), handlePatientSms);
	return new Response(twimlMessage(reply), { headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
};
