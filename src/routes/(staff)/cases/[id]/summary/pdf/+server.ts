// The case summary PDF, downloaded: the ticked final notes come as repeated `noteIds` parameters.
import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { serverCaller } from '$lib/server/app/caller';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	const noteIds = event.url.searchParams.getAll('noteIds');
	const pdf = await serverCaller(event)
		.clinicalNotes.summaryPdf({ caseId: event.params.id, noteIds })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
			if (e instanceof TRPCError && e.code === 'BAD_REQUEST') error(400, e.message);
			throw e;
		});
	return new Response(Buffer.from(pdf.contentBase64, 'base64'), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${pdf.fileName}"`,
			'cache-control': 'no-store'
		}
	});
};
