// The daily case-warnings job (issue 6, point 6): emails a case's practitioners once per threshold
// (referral 30, 7 and 0 days before expiry; one and no appointments left). A `case_warning` row
// per case and threshold, inserted in the same transaction as the emails, makes it never repeat.
import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { AppointmentSchema } from '../appointments/appointment.entity.ts';
import type { UserSchema } from '../auth/user.entity.ts';
import { formatCalendarDate } from '../../format.ts';
import { addDays, todayIn } from '../../time.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { Case, type CaseSchema, type CaseWarningKind, type CaseWarningSchema } from './case.entity.ts';
import { computeCaseUsage, reachedWarningThresholds } from './case.rules.ts';
import { loadUsageAppointments } from './case-usage.rules.ts';

/** The tables this job reads with plain column queries, typed from their entities. */
type WarningsDb = InferKyselyDB<
	typeof AppointmentSchema | typeof UserSchema | typeof CaseSchema | typeof CaseWarningSchema
>;

const SUBJECTS: Record<CaseWarningKind, string> = {
	'referral-30': 'Referral expires in 30 days',
	'referral-7': 'Referral expires in 7 days',
	'referral-0': 'Referral has expired',
	'appointments-1': 'One appointment left',
	'appointments-0': 'No appointments left'
};

function sentence(kind: CaseWarningKind, expiresOn: string | null): string {
	switch (kind) {
		case 'referral-30':
		case 'referral-7':
			return `The referral for this case expires on ${formatCalendarDate(expiresOn)}.`;
		case 'referral-0':
			return `The referral for this case expired on ${formatCalendarDate(expiresOn)}. Ask the patient for a new referral before the next appointment.`;
		case 'appointments-1':
			return 'This case has one appointment left.';
		case 'appointments-0':
			return 'This case has no appointments left: further appointments cannot be added to it.';
	}
}

/** The practitioners with appointments on the case; else those of its template's services. */
async function recipientsOf(em: Em, caseId: string): Promise<{ id: string; name: string; email: string }[]> {
	const fromAppointments = await em
		.getKysely<WarningsDb>()
		.selectFrom('appointment as a')
		.innerJoin('app_user as u', 'u.id', 'a.practitioner_id')
		.select(['u.id', 'u.name', 'u.email'])
		.distinct()
		.where('a.case_id', '=', caseId)
		.where('a.status', '<>', 'cancelled')
		.where('u.is_active', '=', true)
		.execute();
	if (fromAppointments.length) return fromAppointments;
	return em.execute<{ id: string; name: string; email: string }[]>(
		`select distinct u.id, u.name, u.email from clinic_case c
		 join case_template_service cts on cts.case_template_id = c.template_id
		 join practitioner_service ps on ps.service_id = cts.service_id
		 join app_user u on u.id = ps.user_id
		 where c.id = ? and u.is_active`,
		[caseId]
	);
}

export interface CaseWarningsResult {
	casesChecked: number;
	warningsRecorded: number;
	emailsQueued: number;
}

export async function sendCaseWarnings(
	em: Em,
	options: { now?: Date; batchSize?: number } = {}
): Promise<CaseWarningsResult> {
	const now = options.now ?? new Date();
	const config = getConfig();
	const today = todayIn(config.CASEBOOK_TIME_ZONE, now);
	const batchSize = options.batchSize ?? 500;
	const result: CaseWarningsResult = { casesChecked: 0, warningsRecorded: 0, emailsQueued: 0 };
	let afterId = '0';
	for (;;) {
		// Only open cases that could have reached a threshold: a referral within 30 days of expiry,
		// or an appointment limit.
		const rows = await em
			.getKysely<WarningsDb>()
			.selectFrom('clinic_case as c')
			.select('c.id')
			.where('c.status', '=', 'open')
			.where('c.id', '>', afterId)
			.where((eb) =>
				eb.or([
					eb.and([eb('c.has_referral', '=', true), eb('c.referral_expires_on', '<=', addDays(today, 30))]),
					eb('c.limit_kind', '=', 'appointments')
				])
			)
			.orderBy('c.id')
			.limit(batchSize)
			.execute();
		if (!rows.length) break;
		const ids = rows.map((r) => String(r.id));
		afterId = ids[ids.length - 1]!;
		const cases = await em.find(Case, { id: { $in: ids } }, { populate: ['patient'], refresh: true });
		const usage = await loadUsageAppointments(em, ids);
		const sent = await em
			.getKysely<WarningsDb>()
			.selectFrom('case_warning')
			.select(['case_id', 'kind'])
			.where('case_id', 'in', ids)
			.execute();
		const already = new Set(sent.map((s) => `${s.case_id}:${s.kind}`));
		for (const caseRow of cases) {
			result.casesChecked += 1;
			const left = computeCaseUsage(caseRow, usage.get(caseRow.id) ?? []).appointmentsLeft;
			const reached = reachedWarningThresholds(
				{
					status: caseRow.status,
					hasReferral: caseRow.hasReferral,
					referralExpiresOn: caseRow.referralExpiresOn ?? null,
					appointmentsLeft: left
				},
				today
			).filter((kind) => !already.has(`${caseRow.id}:${kind}`));
			for (const kind of reached) {
				const queued = await em.transactional(async (tx) => {
					// The row is the record that this threshold was handled; a concurrent run inserts
					// nothing and sends nothing.
					const inserted = await tx.execute<{ case_id: string }[]>(
						`insert into case_warning (case_id, kind, sent_at) values (?, ?, ?)
						 on conflict do nothing returning case_id`,
						[caseRow.id, kind, now]
					);
					if (!inserted.length) return -1;
					const recipients = await recipientsOf(tx, caseRow.id);
					const patient = caseRow.patient
						? `${caseRow.patient.firstName} ${caseRow.patient.lastName}`
						: 'no patient';
					for (const user of recipients) {
						await queueNotification(tx, {
							channel: 'email',
							recipient: user.email,
							purpose: `case-warning:${caseRow.id}:${kind}:${user.id}`,
							subject: `${SUBJECTS[kind]}: ${caseRow.name}`,
							body: [
								`Hello ${user.name},`,
								'',
								`${sentence(kind, caseRow.referralExpiresOn ?? null)}`,
								'',
								`Case: ${caseRow.name} (${patient})`,
								`Open it in Casebook: ${config.ORIGIN}/cases/${caseRow.id}`
							].join('\n'),
							related: { type: 'case', id: caseRow.id }
						});
					}
					return recipients.length;
				});
				if (queued >= 0) {
					result.warningsRecorded += 1;
					result.emailsQueued += queued;
				}
			}
		}
		em.clear();
	}
	return result;
}
