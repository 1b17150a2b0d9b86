// Downloads one case attachment. A +server.ts is not guarded by the (staff) layout, so the checks
// the layout and staffProcedure make are made here: signed in, staff, two-factor when the clinic
// requires it; the case's visibility is the service's. Always a download, never shown inline.
import { error, redirect } from '@sveltejs/kit';
import { openAttachmentStream } from '$lib/server/cases/attachment-storage';
import { getCaseAttachment } from '$lib/server/cases/cases.service';
import { toAppError } from '$lib/server/errors';
import { getClinicSettings } from '$lib/server/settings/settings.service';
import { actorFromEvent } from '$lib/server/app/caller';
import type { RequestHandler } from './$types';

const RECORD_ID = /^\d{1,18}$/;

/** `filename="…"` for old clients (ASCII only, no quotes) and `filename*=` with the real name. */
function contentDisposition(fileName: string): string {
	const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'attachment';
	const encoded = encodeURIComponent(fileName).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
	return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export const GET: RequestHandler = async (event) => {
	const user = event.locals.user;
	if (!user) redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname)}`);
	// A patient (portal) session gets the same answer as a file that does not exist.
	if (user.kind !== 'staff') error(404, 'Not found');
	if (!user.hasTwoFactor && (await getClinicSettings(event.locals.em)).requireTwoFactor)
		redirect(303, '/account?required=two-factor');
	const { id, attachmentId } = event.params;
	if (!RECORD_ID.test(id) || !RECORD_ID.test(attachmentId)) error(404, 'Attachment not found');

	let attachment: Awaited<ReturnType<typeof getCaseAttachment>>;
	let body: ReadableStream<Uint8Array>;
	try {
		attachment = await getCaseAttachment(event.locals.em, actorFromEvent(event), {
			caseId: id,
			attachmentId
		});
		body = openAttachmentStream(attachment.storageKey);
	} catch (e) {
		const app = toAppError(e);
		if (app?.code === 'NOT_FOUND' || app?.code === 'BAD_REQUEST') error(404, 'Attachment not found');
		throw e;
	}
	const contentType =
		attachment.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : attachment.contentType;
	return new Response(body, {
		headers: {
			'Content-Type': contentType,
			'Content-Length': String(attachment.sizeBytes),
			'Content-Disposition': contentDisposition(attachment.fileName),
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': 'private, no-store'
		}
	});
};
