// Treatment cases (issue 6); cases sent to teams are routing/routing.router.ts, merged into the
// same `cases` path by app/router.ts. Any staff role may work with cases; which cases a practitioner sees
// is decided in the service (case-access.queries.ts), so a hidden case answers NOT_FOUND.
import { z } from 'zod';
import {
	caseAppointmentInput,
	caseIdInput,
	closeCaseInput,
	createCaseInput,
	findCasesInput,
	mergeCasesInput,
	removeAttachmentInput,
	reopenCaseInput,
	updateCaseInput
} from '../../schemas/case.ts';
import { recordId } from '../../schemas/patient.ts';
import { AppError } from '../errors.ts';
import { router, senderProcedure, staffProcedure } from '../trpc/init.ts';
import { MAX_ATTACHMENT_BYTES } from './attachment-storage.ts';
import {
	addAppointmentToCase,
	addCaseAttachment,
	caseFormOptions,
	closeCase,
	createCase,
	findCases,
	getCase,
	mergeCases,
	removeAppointmentFromCase,
	removeCaseAttachment,
	reopenCase,
	updateCase
} from './cases.service.ts';

/** Multipart: `caseId` and one `file`. */
const attachmentUpload = z
	.instanceof(FormData, { message: 'Send the file as multipart form data' })
	.transform((form, ctx) => {
		const caseId = recordId.safeParse(form.get('caseId'));
		const file = form.get('file');
		if (!caseId.success) ctx.addIssue({ code: 'custom', path: ['caseId'], message: 'Not a valid id' });
		if (!(file instanceof File))
			ctx.addIssue({ code: 'custom', path: ['file'], message: 'Choose a file to attach' });
		if (!caseId.success || !(file instanceof File)) return z.NEVER;
		return { caseId: caseId.data, file };
	});

export const casesRouter = router({
	find: staffProcedure.input(findCasesInput).query(({ ctx, input }) => findCases(ctx.em, ctx.actor, input)),
	get: staffProcedure.input(caseIdInput).query(({ ctx, input }) => getCase(ctx.em, ctx.actor, input.id)),
	formOptions: staffProcedure.query(({ ctx }) => caseFormOptions(ctx.em, ctx.actor)),
	create: staffProcedure
		.input(createCaseInput)
		.mutation(({ ctx, input }) => createCase(ctx.em, ctx.actor, input)),
	update: staffProcedure
		.input(updateCaseInput)
		.mutation(({ ctx, input }) => updateCase(ctx.em, ctx.actor, input)),
	close: staffProcedure
		.input(closeCaseInput)
		.mutation(({ ctx, input }) => closeCase(ctx.em, ctx.actor, input)),
	reopen: staffProcedure
		.input(reopenCaseInput)
		.mutation(({ ctx, input }) => reopenCase(ctx.em, ctx.actor, input)),
	merge: staffProcedure
		.input(mergeCasesInput)
		.mutation(({ ctx, input }) => mergeCases(ctx.em, ctx.actor, input)),
	addAppointment: staffProcedure
		.input(caseAppointmentInput)
		.mutation(({ ctx, input }) => addAppointmentToCase(ctx.em, ctx.actor, input)),
	removeAppointment: staffProcedure
		.input(caseAppointmentInput)
		.mutation(({ ctx, input }) => removeAppointmentFromCase(ctx.em, ctx.actor, input)),
	// Staff, or the referrer who sent the case (visibility decides).
	addAttachment: senderProcedure.input(attachmentUpload).mutation(async ({ ctx, input }) => {
		if (input.file.size > MAX_ATTACHMENT_BYTES)
			throw new AppError('PAYLOAD_TOO_LARGE', 'Files can be at most 25 MB', {
				fieldErrors: { file: ['Files can be at most 25 MB'] }
			});
		const bytes = new Uint8Array(await input.file.arrayBuffer());
		return addCaseAttachment(ctx.em, ctx.actor, { caseId: input.caseId, fileName: input.file.name, bytes });
	}),
	removeAttachment: staffProcedure
		.input(removeAttachmentInput)
		.mutation(({ ctx, input }) => removeCaseAttachment(ctx.em, ctx.actor, input))
});
