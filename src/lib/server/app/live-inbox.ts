// The live inbox (issue 19), the web process's side: the browsers of signed-in staff keep one
// server-sent-events stream open (routes/(staff)/inbox/live), and this process's database listener
// (app/runtime.ts) hands each inbox NOTIFY here. A client hears of a case only when, at that moment,
// its session is still live and its user belongs to one of the case's teams; a client whose session
// has ended (sign-out, deactivation, time-out, on any process) is told so and closed. The stream
// carries no case data: the page reloads its own data through its load, under its own checks.
import { validateSession } from '../auth/sessions.service.ts';
import { getOrm } from '../db/orm.ts';
import { logger } from '../logger.ts';
import { membersOfTeams, parseInboxNotice } from '../routing/live-inbox.service.ts';

/** Comment lines keep proxies and the browser from timing the stream out; each also re-checks the session. */
export const HEARTBEAT_MS = 20_000;
/** What the browser waits before it connects again after the stream broke. */
const RETRY_MS = 3_000;

interface Client {
	userId: string;
	token: string;
	controller: ReadableStreamDefaultController<Uint8Array>;
	closed: boolean;
}

const clients = new Set<Client>();
const encoder = new TextEncoder();
let heartbeat: NodeJS.Timeout | undefined;

function write(client: Client, text: string): void {
	if (client.closed) return;
	try {
		client.controller.enqueue(encoder.encode(text));
	} catch {
		drop(client);
	}
}

function drop(client: Client): void {
	client.closed = true;
	clients.delete(client);
	if (!clients.size && heartbeat) {
		clearInterval(heartbeat);
		heartbeat = undefined;
	}
}

/** Tells the browser not to come back (its session ended), then closes the stream. */
function end(client: Client, reason: string): void {
	write(client, `event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
	try {
		client.controller.close();
	} catch {
		// already closed by the other side
	}
	drop(client);
}

/** The clients whose sessions are still live (read without counting as activity); ends the others. */
async function liveClients(): Promise<Client[]> {
	const em = getOrm().em.fork();
	const live: Client[] = [];
	for (const client of [...clients]) {
		if (client.closed) continue;
		const session = await validateSession(em, client.token, { touch: false }).catch(() => undefined);
		if (session === undefined)
			live.push(client); // the database is unreachable: keep it, decide later
		else if (session === null || session.user.id !== client.userId) end(client, 'signed-out');
		else live.push(client);
	}
	return live;
}

function beat(): void {
	for (const client of clients) write(client, `: ping\n\n`);
	void liveClients().catch((error) => logger.warn({ err: error }, 'live inbox: session check failed'));
}

/** Opens a stream for a signed-in staff member (the route has checked them). */
export function openInboxStream(user: { id: string }, token: string): ReadableStream<Uint8Array> {
	let client: Client;
	return new ReadableStream<Uint8Array>({
		start(controller) {
			client = { userId: user.id, token, controller, closed: false };
			clients.add(client);
			write(client, `retry: ${RETRY_MS}\nevent: ready\ndata: {}\n\n`);
			heartbeat ??= setInterval(beat, HEARTBEAT_MS);
			heartbeat.unref();
		},
		cancel() {
			drop(client);
		}
	});
}

/** An inbox NOTIFY from any process: delivered to the clients who may see that case. */
export async function deliverInboxNotice(payload: string): Promise<void> {
	const notice = parseInboxNotice(payload);
	if (!notice || !clients.size) return;
	const live = await liveClients();
	if (!live.length) return;
	const members = await membersOfTeams(getOrm().em.fork(), notice.teamIds, [
		...new Set(live.map((c) => c.userId))
	]);
	const data = `event: inbox\ndata: ${JSON.stringify({ caseId: notice.caseId, kind: notice.kind })}\n\n`;
	for (const client of live) if (members.has(client.userId)) write(client, data);
}

let recheck: NodeJS.Timeout | undefined;

/** Sessions changed somewhere in the fleet: close the streams of sessions that ended (coalesced). */
export function recheckInboxSessions(): void {
	if (!clients.size || recheck) return;
	recheck = setTimeout(() => {
		recheck = undefined;
		void liveClients().catch((error) => logger.warn({ err: error }, 'live inbox: session check failed'));
	}, 50);
	recheck.unref();
}

/** Shutdown: every stream ends now (an open stream would hold the HTTP server's close). */
export function closeInboxStreams(): void {
	for (const client of [...clients]) {
		try {
			client.controller.close();
		} catch {
			// already closed
		}
		drop(client);
	}
}

/** How many streams this process holds (tests, health). */
export function inboxStreamCount(): number {
	return clients.size;
}
