// The live inbox in the browser (issue 19): one EventSource per tab on /inbox/live, shared by
// whoever subscribes (the nav badge in the staff layout, the inbox page). Each subscriber is called
// (coalesced) when a case of the member's teams changes, and reloads its own data. While the stream is
// down (`isInboxLive()` false), the pages keep polling as before; when the server says the session
// ended, the stream stays closed and polling takes the person to sign in.

type Listener = () => void;

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let isOpen = false;
let wasEverOpen = false;
let hasEnded = false;
let pending: ReturnType<typeof setTimeout> | null = null;
let closing: ReturnType<typeof setTimeout> | null = null;

/** A burst of changes (a case sent to three teams, a bulk acknowledge) makes one reload. */
const COALESCE_MS = 100;

function notify(): void {
	if (pending) return;
	pending = setTimeout(() => {
		pending = null;
		for (const listener of [...listeners]) listener();
	}, COALESCE_MS);
}

function connect(): void {
	if (source || hasEnded || typeof EventSource === 'undefined') return;
	const next = new EventSource('/inbox/live');
	source = next;
	next.addEventListener('ready', () => {
		// Connected again: anything missed while the stream was down is picked up by one reload.
		if (wasEverOpen && !isOpen) notify();
		isOpen = true;
		wasEverOpen = true;
	});
	next.addEventListener('inbox', notify);
	next.addEventListener('end', () => {
		hasEnded = true;
		disconnect();
	});
	next.addEventListener('error', () => {
		isOpen = false;
		// The browser retries by itself unless the answer was no stream at all (signed out, refused).
		if (next.readyState === EventSource.CLOSED && source === next) source = null;
	});
}

function disconnect(): void {
	source?.close();
	source = null;
	isOpen = false;
}

/** True while the stream is connected: polling can rest. */
export function isInboxLive(): boolean {
	return isOpen && source?.readyState === EventSource.OPEN;
}

/** Calls `listener` when a case of the member's teams changes; returns the unsubscribe. */
export function subscribeInbox(listener: Listener): () => void {
	listeners.add(listener);
	if (closing) {
		clearTimeout(closing);
		closing = null;
	}
	connect();
	return () => {
		listeners.delete(listener);
		// Navigating between pages unsubscribes and subscribes again: keep the stream over the gap.
		if (!listeners.size && !closing)
			closing = setTimeout(() => {
				closing = null;
				if (!listeners.size) disconnect();
			}, 1000);
	};
}
