import { z } from 'zod';
import {
	createPatientInput,
	findPatientsInput,
	patientListOutput,
	recordId,
	updatePatientInput
} from '../../schemas/patient.ts';
import { getConfig } from '../config.ts';
import { adminProcedure, roleProcedure, router } from '../trpc/init.ts';
import { findDeletedPatients, findPatients } from './patients.queries.ts';
import {
	archivePatient,
	checkDuplicates,
	createPatient,
	deletePatient,
	getPatient,
	PATIENT_ROLES,
	unarchivePatient,
	updatePatient
} from './patients.service.ts';
import { concessionTypeOptions } from './concession-types.service.ts';
import {
	findPatientMerges,
	mergePatients,
	mergePatientsInput,
	previewPatientMerge,
	undoPatientMerge,
	undoPatientMergeInput
} from './patient-merge.service.ts';

const patientProcedure = roleProcedure(...PATIENT_ROLES);
/**
 * Merging moves every case of the duplicate, also those a practitioner may not see: only staff who
 * see every case (schedulers and admins) merge; undoing is for admins.
 */
const mergeProcedure = roleProcedure('scheduler');
const idInput = z.object({ id: recordId });
const country = () => getConfig().CASEBOOK_DEFAULT_COUNTRY;
const createInput = createPatientInput(country);
const updateInput = updatePatientInput(country);

export const patientsRouter = router({
	find: patientProcedure
		.input(findPatientsInput)
		.output(patientListOutput)
		.query(({ ctx, input }) => findPatients(ctx.em, 'active', input)),
	findArchived: patientProcedure
		.input(findPatientsInput)
		.output(patientListOutput)
		.query(({ ctx, input }) => findPatients(ctx.em, 'archived', input)),
	findDeleted: patientProcedure
		.input(
			z.object({
				page: z.number().int().min(1).max(10_000).default(1),
				perPage: z.number().int().min(1).max(100).default(50)
			})
		)
		.query(({ ctx, input }) => findDeletedPatients(ctx.em, input)),
	get: patientProcedure.input(idInput).query(({ ctx, input }) => getPatient(ctx.em, ctx.actor, input.id)),
	create: patientProcedure
		.input(createInput)
		.mutation(({ ctx, input }) => createPatient(ctx.em, ctx.actor, input)),
	update: patientProcedure
		.input(updateInput)
		.mutation(({ ctx, input }) => updatePatient(ctx.em, ctx.actor, input)),
	archive: patientProcedure
		.input(idInput)
		.mutation(({ ctx, input }) => archivePatient(ctx.em, ctx.actor, input.id)),
	unarchive: patientProcedure
		.input(idInput)
		.mutation(({ ctx, input }) => unarchivePatient(ctx.em, ctx.actor, input.id)),
	delete: patientProcedure
		.input(idInput)
		.mutation(({ ctx, input }) => deletePatient(ctx.em, ctx.actor, input.id)),
	/** Likely duplicates of what is being typed in the new-patient form. */
	checkDuplicates: patientProcedure
		.input(
			z.object({
				firstName: z.string().trim().max(120).optional(),
				lastName: z.string().trim().max(120).optional(),
				dateOfBirth: z
					.string()
					.regex(/^\d{4}-\d{2}-\d{2}$/)
					.optional(),
				email: z.string().trim().max(254).optional(),
				mobile: z.string().trim().max(40).optional(),
				excludeId: recordId.optional()
			})
		)
		.query(({ ctx, input }) => {
			const parsedMobile = input.mobile
				? createInput.shape.phoneNumbers.safeParse([{ phoneType: 'Mobile', number: input.mobile }])
				: null;
			return checkDuplicates(ctx.em, {
				...input,
				phoneNumbers: parsedMobile?.success ? parsedMobile.data : undefined
			});
		}),
	mergePreview: mergeProcedure
		.input(mergePatientsInput)
		.query(({ ctx, input }) => previewPatientMerge(ctx.em, input)),
	merge: mergeProcedure
		.input(mergePatientsInput)
		.mutation(({ ctx, input }) => mergePatients(ctx.em, ctx.actor, input)),
	undoMerge: adminProcedure
		.input(undoPatientMergeInput)
		.mutation(({ ctx, input }) => undoPatientMerge(ctx.em, ctx.actor, input)),
	findMerges: adminProcedure.query(({ ctx }) => findPatientMerges(ctx.em)),
	/** What the patient form offers (current concession types); admins manage them in concessionTypes. */
	concessionTypes: patientProcedure.query(({ ctx }) => concessionTypeOptions(ctx.em))
});
