// Email in browser tests: the app sends through Nodemailer over real SMTP to the catcher that
// e2e/global-setup.ts started, which lists what arrived over HTTP (specs run in other processes).
import http from 'node:http';
import type { SmtpCatcher } from '../src/lib/server/testing/smtp-catcher.ts';

export interface CaughtEmail {
	to: string[];
	subject: string;
	text: string;
	attachments: { filename: string | null; mimeType: string; contentBase64: string }[];
}

/** Serves the catcher's messages as JSON on 127.0.0.1 (GET /messages?to=address). */
export async function serveCaughtMail(
	catcher: SmtpCatcher
): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (request.method !== 'GET' || url.pathname !== '/messages') {
			response.writeHead(404).end();
			return;
		}
		const to = url.searchParams.get('to')?.toLowerCase();
		const found: CaughtEmail[] = catcher.messages
			.filter((m) => !to || m.to.some((address) => address.toLowerCase() === to))
			.map((m) => ({
				to: m.to,
				subject: m.subject,
				text: m.text,
				attachments: (m.parsed.attachments ?? []).map((a) => ({
					filename: a.filename,
					mimeType: a.mimeType,
					contentBase64: Buffer.from(
						typeof a.content === 'string' ? a.content : new Uint8Array(a.content)
					).toString('base64')
				}))
			}));
		response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
	});
	const port = await new Promise<number>((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : 0);
		})
	);
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}

/** The emails the catcher has received for `address` (newest last). */
export async function caughtMailFor(catcherUrl: string, address: string): Promise<CaughtEmail[]> {
	const response = await fetch(`${catcherUrl}/messages?to=${encodeURIComponent(address)}`);
	if (!response.ok) throw new Error(`the mail catcher answered ${response.status}`);
	return (await response.json()) as CaughtEmail[];
}
