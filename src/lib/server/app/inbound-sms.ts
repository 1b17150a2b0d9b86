// An SMS someone sent us (the Twilio webhook): team members' "1"/"ACK" go to routing, anyone
// else's reply to reminders. The two features meet here, so neither imports the other.
import type { Em } from '../db/orm.ts';
import { handlePatientSms } from '../reminders/reminders.service.ts';
import { handleInboundSms } from '../routing/twilio-webhooks.ts';

export function answerInboundSms(em: Em, params: Record<string, string>, now = new Date()): Promise<string> {
	return handleInboundSms(em, params, now, handlePatientSms);
}
