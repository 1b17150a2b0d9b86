// Twilio's side of an SMS in browser tests: the app sends through the stand-in that
// e2e/global-setup.ts started, and a spec reports what became of a message as Twilio would, with a
// status callback signed by the auth token (the app checks the signature before anything else).
import twilio from 'twilio';

export async function reportSmsStatus(options: {
	baseUrl: string;
	authToken: string;
	sid: string;
	status: 'sent' | 'delivered' | 'failed' | 'undelivered';
	errorCode?: number;
}): Promise<number> {
	const url = `${options.baseUrl}/webhooks/twilio/status`;
	const params: Record<string, string> = {
		MessageSid: options.sid,
		SmsSid: options.sid,
		MessageStatus: options.status,
		SmsStatus: options.status,
		ApiVersion: '2010-04-01'
	};
	if (options.errorCode) params.ErrorCode = String(options.errorCode);
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/x-www-form-urlencoded',
			'X-Twilio-Signature': twilio.getExpectedTwilioSignature(options.authToken, url, params)
		},
		body: new URLSearchParams(params)
	});
	return response.status;
}
