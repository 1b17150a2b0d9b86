// A local HTTP server that speaks the part of Twilio's REST API Casebook uses (Messages.create),
// so tests, e2e and benchmarks drive the real twilio SDK. It checks Basic auth, answers Twilio's
// JSON shapes and error codes, and can post delivery status callbacks signed like Twilio does.
import crypto from 'node:crypto';
import http from 'node:http';
import twilio from 'twilio';

export interface StandinMessage {
	sid: string;
	accountSid: string;
	to: string;
	from: string | null;
	messagingServiceSid: string | null;
	body: string;
	statusCallback: string | null;
	receivedAt: Date;
}

export interface TwilioStandin {
	url: string;
	accountSid: string;
	authToken: string;
	from: string;
	messages: StandinMessage[];
	/** Answer messages to this number with a Twilio error (e.g. 21211 invalid number, 400). */
	failNumber(to: string, code: number, status?: number, message?: string): void;
	/** Answer the next `count` requests with HTTP 503 (a transient outage). */
	failNext(count: number): void;
	/** Post a delivery status to the message's StatusCallback, signed with the auth token. */
	sendStatus(
		sid: string,
		status: 'sent' | 'delivered' | 'failed' | 'undelivered',
		errorCode?: number
	): Promise<number>;
	waitFor(predicate: (m: StandinMessage) => boolean, timeoutMs?: number): Promise<StandinMessage>;
	close(): Promise<void>;
}

export async function startTwilioStandin(
	options: { accountSid?: string; authToken?: string; from?: string } = {}
): Promise<TwilioStandin> {
	const accountSid = options.accountSid ?? 'AC' + crypto.randomBytes(16).toString('hex');
	const authToken = options.authToken ?? crypto.randomBytes(16).toString('hex');
	const from = options.from ?? '+61491570156';
	const messages: StandinMessage[] = [];
	const failures = new Map<string, { code: number; status: number; message: string }>();
	let outage = 0;

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const reply = (status: number, body: unknown) => {
				res.writeHead(status, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			const expected = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
			if (req.headers.authorization !== expected) {
				return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
			}
			const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
			if (req.method !== 'POST' || !match || match[1] !== accountSid) {
				return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
			}
			if (outage > 0) {
				outage -= 1;
				return reply(503, { code: 20500, message: 'Service unavailable', status: 503 });
			}
			const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
			const to = form.get('To') ?? '';
			const failure = failures.get(to);
			if (failure) {
				return reply(failure.status, {
					code: failure.code,
					message: failure.message,
					more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
					status: failure.status
				});
			}
			if (!to || !form.get('Body') || (!form.get('From') && !form.get('MessagingServiceSid'))) {
				return reply(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
			}
			const sid = 'SM' + crypto.randomBytes(16).toString('hex');
			const message: StandinMessage = {
				sid,
				accountSid,
				to,
				from: form.get('From'),
				messagingServiceSid: form.get('MessagingServiceSid'),
				body: form.get('Body') ?? '',
				statusCallback: form.get('StatusCallback'),
				receivedAt: new Date()
			};
			messages.push(message);
			const now = new Date().toUTCString();
			reply(201, {
				sid,
				account_sid: accountSid,
				to,
				from: message.from,
				messaging_service_sid: message.messagingServiceSid,
				body: message.body,
				status: 'queued',
				num_segments: '1',
				direction: 'outbound-api',
				api_version: '2010-04-01',
				date_created: now,
				date_updated: now,
				date_sent: null,
				error_code: null,
				error_message: null,
				price: null,
				price_unit: 'USD',
				uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
				subresource_uris: {}
			});
		});
	});
	const port = await new Promise<number>((resolve) => {
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : 0);
		});
	});

	return {
		url: `http://127.0.0.1:${port}`,
		accountSid,
		authToken,
		from,
		messages,
		failNumber(to, code, status = 400, message = `Twilio error ${code}`) {
			failures.set(to, { code, status, message });
		},
		failNext(count) {
			outage = count;
		},
		async sendStatus(sid, status, errorCode) {
			const message = messages.find((m) => m.sid === sid);
			if (!message?.statusCallback) throw new Error(`no status callback for ${sid}`);
			const params: Record<string, string> = {
				MessageSid: sid,
				SmsSid: sid,
				AccountSid: accountSid,
				MessageStatus: status,
				SmsStatus: status,
				To: message.to,
				From: message.from ?? '',
				ApiVersion: '2010-04-01'
			};
			if (errorCode) params.ErrorCode = String(errorCode);
			const signature = twilio.getExpectedTwilioSignature(authToken, message.statusCallback, params);
			const response = await fetch(message.statusCallback, {
				method: 'POST',
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					'X-Twilio-Signature': signature
				},
				body: new URLSearchParams(params)
			});
			return response.status;
		},
		async waitFor(predicate, timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const found = messages.find(predicate);
				if (found) return found;
				await new Promise((r) => setTimeout(r, 50));
			}
			throw new Error(`timed out after ${timeoutMs} ms waiting for an SMS`);
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
