// Input schemas for patient case templates (issue 5): shared by the tRPC router, the service (which
// parses again, so form actions may pass raw values) and the admin form actions.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';

export const REQUEST_DURATION_MIN = 5;
export const REQUEST_DURATION_MAX = 480;
export const REQUEST_DURATION_STEP = 5;

const DURATION_MESSAGE = `Enter minutes from ${REQUEST_DURATION_MIN} to ${REQUEST_DURATION_MAX}, in steps of ${REQUEST_DURATION_STEP}`;

/** Minutes offered for a requested appointment: 5 to 480 in steps of 5. */
export const requestDuration = z
	.number({ error: DURATION_MESSAGE })
	.refine((v) => Number.isFinite(v), DURATION_MESSAGE)
	.refine(
		(v) =>
			Number.isInteger(v) &&
			v >= REQUEST_DURATION_MIN &&
			v <= REQUEST_DURATION_MAX &&
			v % REQUEST_DURATION_STEP === 0,
		DURATION_MESSAGE
	);

/** The duration a type offers by default: its own, rounded to a step of 5 and kept in range. */
export function defaultRequestDuration(typeMinutes: number): number {
	const rounded = Math.round(typeMinutes / REQUEST_DURATION_STEP) * REQUEST_DURATION_STEP;
	return Math.min(REQUEST_DURATION_MAX, Math.max(REQUEST_DURATION_MIN, rounded));
}

export const requestTypeInput = z.object({
	appointmentTypeId: recordId,
	/** Omitted (or null) = the type's own duration, rounded to a step of 5. */
	durationMinutes: requestDuration.nullable().optional()
});

export const caseTemplateFields = z.object({
	name: z.string().trim().min(1, 'Enter a name').max(120, 'Use at most 120 characters'),
	description: z
		.string()
		.max(2000, 'Use at most 2000 characters')
		.nullable()
		.optional()
		.transform((v) => (v == null || v.trim() === '' ? null : v.trim())),
	serviceIds: z
		.array(recordId)
		.min(1, 'Choose at least one service')
		.max(50)
		.transform((ids) => [...new Set(ids)]),
	allowsRequests: z.boolean().default(false),
	requestTypes: z
		.array(requestTypeInput)
		.max(200)
		.default([])
		.superRefine((rows, ctx) => {
			const seen = new Set<string>();
			rows.forEach((row, index) => {
				if (seen.has(row.appointmentTypeId)) {
					ctx.addIssue({
						code: 'custom',
						path: [index, 'appointmentTypeId'],
						message: 'This appointment type is listed twice'
					});
				}
				seen.add(row.appointmentTypeId);
			});
		})
});

export const createCaseTemplateInput = caseTemplateFields;
export const updateCaseTemplateInput = caseTemplateFields.extend({
	id: recordId,
	version: z.number().int().min(1, 'Missing version')
});

export const findCaseTemplatesInput = z.object({
	search: z.string().trim().max(200).optional(),
	includeArchived: z.boolean().default(false),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(50)
});

export const caseTemplateIdInput = z.object({ id: recordId });

export type CaseTemplateFieldsInput = z.input<typeof caseTemplateFields>;
export type CreateCaseTemplateInput = z.input<typeof createCaseTemplateInput>;
export type UpdateCaseTemplateInput = z.input<typeof updateCaseTemplateInput>;
export type FindCaseTemplatesInput = z.input<typeof findCaseTemplatesInput>;
