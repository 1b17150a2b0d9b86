// An IANA time zone name, as patients' records, the REST API and CASEBOOK_TIME_ZONE take it:
// every name the runtime's time-zone database knows, links and aliases included (Asia/Kolkata,
// Europe/Kyiv, Etc/UTC, Australia/Canberra, US/Eastern), not only the canonical list that
// Intl.supportedValuesOf returns. Offsets such as "+05:00" are not zone names and are refused.

const IANA_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const known = new Map<string, boolean>();

export function isTimeZone(value: string): boolean {
	if (value.length > 64 || !IANA_SHAPE.test(value)) return false;
	let isKnown = known.get(value);
	if (isKnown === undefined) {
		try {
			new Intl.DateTimeFormat('en-US', { timeZone: value });
			isKnown = true;
		} catch {
			isKnown = false;
		}
		if (known.size < 1000) known.set(value, isKnown);
	}
	return isKnown;
}
