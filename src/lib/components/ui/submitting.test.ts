import type { ActionResult } from '@sveltejs/kit';
import { describe, expect, it, vi } from 'vitest';
import { submitting } from './submitting.svelte.ts';

type Input = Parameters<ReturnType<ReturnType<typeof submitting>['enhanceFor']>>[0];
/** The callback SvelteKit runs with the answer, reduced to what the helper uses. */
type Settle = (opts: {
	result: ActionResult;
	update: (o?: { reset?: boolean }) => Promise<void>;
}) => Promise<void>;

/** What SvelteKit's enhance passes to the callback, reduced to what the helper reads. */
function submission(formData = new FormData()) {
	const cancel = vi.fn();
	return { input: { formData, cancel } as unknown as Input, cancel };
}

const success: ActionResult = { type: 'success', status: 200 };

describe('submitting', () => {
	it('is busy from the submission until the page has the answer, keeping what was typed', async () => {
		const sending = submitting();
		const { input } = submission();
		const after = vi.fn();
		const settle = (await sending.enhanceFor('save', { after })(input)) as unknown as Settle;
		expect(sending.pending).toBe('save');
		expect(sending.isBusy).toBe(true);

		const update = vi.fn(async () => {});
		await settle({ result: success, update });
		expect(update).toHaveBeenCalledWith({ reset: false });
		expect(sending.pending).toBeNull();
		expect(sending.isBusy).toBe(false);
		expect(after).toHaveBeenCalledWith(success);
	});

	it('empties the form after a success when asked to', async () => {
		const sending = submitting();
		const settle = (await sending.enhanceFor('create', { reset: true })(
			submission().input
		)) as unknown as Settle;
		const update = vi.fn(async () => {});
		await settle({ result: success, update });
		expect(update).toHaveBeenCalledWith({ reset: true });
	});

	it('does not send, and is not busy, when the confirmation is declined', async () => {
		const sending = submitting();
		const formData = new FormData();
		const { input, cancel } = submission(formData);
		const confirm = vi.fn(async () => false);
		await sending.enhanceFor('archive', { confirm })(input);
		expect(confirm).toHaveBeenCalledWith(formData);
		expect(cancel).toHaveBeenCalled();
		expect(sending.isBusy).toBe(false);
	});
});
