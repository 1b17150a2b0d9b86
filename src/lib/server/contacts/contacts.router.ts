import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';
import { roleProcedure, router } from '../trpc/init.ts';
import { PATIENT_ROLES } from '../patients/patients.service.ts';
import {
	archiveContact,
	contactFields,
	createContact,
	findContacts,
	findContactsInput,
	getContact,
	unarchiveContact,
	updateContact
} from './contacts.service.ts';

const contactProcedure = roleProcedure(...PATIENT_ROLES);
const createInput = contactFields();
const updateInput = contactFields().extend({ id: recordId, version: z.number().int().min(1) });

export const contactsRouter = router({
	find: contactProcedure.input(findContactsInput).query(({ ctx, input }) => findContacts(ctx.em, input)),
	get: contactProcedure
		.input(z.object({ id: recordId }))
		.query(({ ctx, input }) => getContact(ctx.em, input.id)),
	create: contactProcedure
		.input(createInput)
		.mutation(({ ctx, input }) => createContact(ctx.em, ctx.actor, input)),
	update: contactProcedure
		.input(updateInput)
		.mutation(({ ctx, input }) => updateContact(ctx.em, ctx.actor, input)),
	archive: contactProcedure
		.input(z.object({ id: recordId }))
		.mutation(({ ctx, input }) => archiveContact(ctx.em, ctx.actor, input.id)),
	unarchive: contactProcedure
		.input(z.object({ id: recordId }))
		.mutation(({ ctx, input }) => unarchiveContact(ctx.em, ctx.actor, input.id))
});
