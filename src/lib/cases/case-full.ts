// What every door says when a hard-capped case has no room (issue 18): staff booking and its
// body-part question, "Reserve and send link", and the portal's request. Browser-safe, so the pages
// show the words the server refuses with; whether a case IS full is decided on the server only
// (computeCaseUsage's isFull, applied in server/cases/case-usage.rules.ts).

export const CASE_FULL_SENTENCE = 'This case has no appointments left';

export type CaseFullAudience = { kind: 'staff' } | { kind: 'patient'; clinicPhone?: string | null };

/**
 * The whole message for `audience`. Staff learn the cap ("This case has no appointments left: it
 * allows 3 appointments, and all are used."); a patient learns whom to call ("This case has no
 * appointments left — please call the clinic.", with the clinic's phone when there is one).
 */
export function caseFullMessage(
	maxAppointments: number | null | undefined,
	audience: CaseFullAudience = { kind: 'staff' }
): string {
	if (audience.kind === 'patient')
		return `${CASE_FULL_SENTENCE} — please call the clinic${audience.clinicPhone ? ` on ${audience.clinicPhone}` : ''}.`;
	const max = maxAppointments ?? 0;
	return `${CASE_FULL_SENTENCE}: it allows ${max} ${max === 1 ? 'appointment' : 'appointments'}, and all are used.`;
}
