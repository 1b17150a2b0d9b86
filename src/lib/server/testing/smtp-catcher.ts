// A real SMTP server for tests: Nodemailer talks SMTP to it, and we read what arrived, parsed.
// Recipients can be made to fail with a chosen SMTP reply (e.g. 550 permanent, 451 transient).
import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
	from: string;
	to: string[];
	subject: string;
	text: string;
	html: string | null;
	parsed: Email;
}

export interface SmtpCatcher {
	url: string;
	port: number;
	messages: CaughtMail[];
	/** Reply to RCPT TO for this address with an error (code 5xx permanent, 4xx transient). */
	failRecipient(address: string, code: number, message?: string): void;
	waitFor(predicate: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
	close(): Promise<void>;
}

export async function startSmtpCatcher(): Promise<SmtpCatcher> {
	const messages: CaughtMail[] = [];
	const failures = new Map<string, { code: number; message: string }>();
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onRcptTo(address, _session, callback) {
			const failure = failures.get(address.address.toLowerCase());
			if (failure) {
				const error = Object.assign(new Error(failure.message), { responseCode: failure.code });
				return callback(error);
			}
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', async () => {
				const parsed = await PostalMime.parse(Buffer.concat(chunks));
				messages.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					subject: parsed.subject ?? '',
					text: parsed.text ?? '',
					html: parsed.html ?? null,
					parsed
				});
				callback();
			});
		}
	});
	const port = await new Promise<number>((resolve, reject) => {
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.server.address();
			resolve(typeof address === 'object' && address ? address.port : 0);
		});
	});
	return {
		url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
		port,
		messages,
		failRecipient(address, code, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later') {
			failures.set(address.toLowerCase(), { code, message });
		},
		waitFor(predicate, timeoutMs = 10_000) {
			return waitFor(() => messages.find(predicate), timeoutMs, 'an email');
		},
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}

export async function waitFor<T>(
	probe: () => T | undefined | Promise<T | undefined>,
	timeoutMs: number,
	what: string
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined && value !== null && value !== false) return value;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
