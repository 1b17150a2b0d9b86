// pg-boss reports every failed poll and heartbeat: while PostgreSQL is down that is several errors a
// second, which buries everything else in the log. The first error of a burst is logged at once;
// after it, at most one line per window, saying how many were left out in between.
export function throttledErrors(
	log: (error: unknown, leftOut: number) => void,
	windowMs = 10_000,
	now: () => number = Date.now
): (error: unknown) => void {
	let lastLoggedAt = -Infinity;
	let leftOut = 0;
	return (error) => {
		const at = now();
		if (at - lastLoggedAt < windowMs) {
			leftOut += 1;
			return;
		}
		log(error, leftOut);
		lastLoggedAt = at;
		leftOut = 0;
	};
}
