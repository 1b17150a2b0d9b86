// Hearing from the other processes of a fleet: a dedicated connection LISTENs on PostgreSQL channels
// and calls back on each NOTIFY. A NOTIFY sent inside a transaction is delivered only when it commits
// (and never when it rolls back), so a listener never reacts to a change it cannot yet read. The
// connection is opened again after a failure; while it is down, callers fall back on their own
// time limits (the session cache lives at most SESSION_CACHE_MS, the inbox keeps polling).
import pg from 'pg';
import { logger } from '../logger.ts';

export type ChannelHandlers = Record<string, (payload: string) => void>;

export interface Listener {
	/** Resolves once the first LISTEN is in place (or the first attempt failed). */
	ready: Promise<void>;
	/** True while the connection is up and listening. */
	readonly connected: boolean;
	close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function listenTo(
	url: string,
	handlers: ChannelHandlers,
	options: { retryMs?: number } = {}
): Listener {
	const channels = Object.keys(handlers);
	for (const channel of channels)
		if (!CHANNEL.test(channel)) throw new Error(`Not a channel name: ${channel}`);
	const retryMs = options.retryMs ?? 1000;
	let client: pg.Client | undefined;
	let closed = false;
	let connected = false;
	let timer: NodeJS.Timeout | undefined;
	let markReady: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => (markReady = resolve));

	const connect = async () => {
		if (closed) return;
		const next = new pg.Client({ connectionString: url, application_name: 'casebook-listen' });
		client = next;
		next.on('notification', (message) => {
			const handler = handlers[message.channel];
			if (!handler) return;
			try {
				handler(message.payload ?? '');
			} catch (error) {
				logger.error({ err: error, channel: message.channel }, 'listener failed');
			}
		});
		const retry = (error: unknown) => {
			if (closed || client !== next) return;
			if (connected) logger.warn({ err: error }, 'lost the database listener; reconnecting');
			connected = false;
			client = undefined;
			next.removeAllListeners('notification');
			void next.end().catch(() => undefined);
			timer = setTimeout(() => void connect(), retryMs);
			timer.unref();
		};
		next.on('error', retry);
		next.on('end', () => retry(new Error('connection ended')));
		try {
			await next.connect();
			for (const channel of channels) await next.query(`listen ${channel}`);
			connected = true;
		} catch (error) {
			retry(error);
		} finally {
			markReady();
		}
	};
	void connect();

	return {
		ready,
		get connected() {
			return connected;
		},
		async close() {
			closed = true;
			if (timer) clearTimeout(timer);
			const current = client;
			client = undefined;
			connected = false;
			await current?.end().catch(() => undefined);
		}
	};
}
