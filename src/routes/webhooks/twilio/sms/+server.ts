// Replies to our SMS: "1" or "ACK" acknowledges the case the member was last paged for; a
// patient's Y / N / anything else answers their last reminder (reminders/). Answered
// with TwiML, so the confirmation goes back through Twilio to the same phone.
import { text, type RequestHandler } from '@sveltejs/kit';
import { answerInboundSms } from '$lib/server/app/inbound-sms';
import { twimlMessage } from '$lib/server/routing/twilio-webhooks';
import { readTwilioRequest } from '../twilio-request.server';

export const POST: RequestHandler = async (event) => {
	const { params, isValid } = await readTwilioRequest(event);
	if (!isValid) return text('Invalid signature', { status: 403 });
	const reply = await answerInboundSms(event.locals.em, params);
	return new Response(twimlMessage(reply), { headers: { 'Content-Type': 'text/xml; charset=utf-8' } });
};
