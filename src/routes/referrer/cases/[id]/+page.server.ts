// One case a referrer sent: what they sent and where it stands (sent, acknowledged, taken over,
// closed, re-opened). They can add files to it; they never see the clinic's internals.
import { error, fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { recordId } from '$lib/schemas/patient';
import { formAction, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caseId = recordId.safeParse(event.params.id);
	if (!caseId.success) error(404, 'Case not found');
	const sentCase = await serverCaller(event)
		.referrer.case({ caseId: caseId.data })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
			throw e;
		});
	return { sentCase, isSent: event.url.searchParams.get('sent') === '1' };
};

export const actions = {
	upload: async (event) => {
		const file = (await event.request.formData()).get('file');
		// A form submitted with no file chosen posts an empty, nameless file.
		if (!(file instanceof File) || (file.size === 0 && file.name === ''))
			return fail(400, {
				message: 'Choose a file to attach.',
				fieldErrors: { file: ['Choose a file to attach.'] }
			});
		const upload = new FormData();
		upload.set('caseId', event.params.id);
		upload.set('file', file);
		const result = await formAction(() => serverCaller(event).cases.addAttachment(upload));
		if (isFailure(result))
			return fail(result.status, { message: result.data.message, fieldErrors: result.data.fieldErrors });
		return { attached: result.fileName };
	}
} satisfies Actions;
