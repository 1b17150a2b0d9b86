// What a form shows while it is on its way: its button disabled (and often "Saving…") until the
// page has the answer. One form: `use:enhance={sending.enhance}` and `disabled={sending.isBusy}`.
// Several forms on a page: `use:enhance={sending.enhanceFor('archive', { confirm })}` and
// `sending.pending === 'archive'`.
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';

export interface SubmitOptions {
	/** Asked first (a confirm dialog); false stops the submission. */
	confirm?: (formData: FormData) => Promise<boolean> | boolean;
	/** Empty the form after a success (a new key's name, password boxes). By default what is on screen stays. */
	reset?: boolean;
	/** Runs once the page shows the result. */
	after?: (result: ActionResult) => unknown;
}

export interface Submitting {
	/** The intent on its way, or null. */
	readonly pending: string | null;
	readonly isBusy: boolean;
	/** For a page with one form. */
	readonly enhance: SubmitFunction;
	/** For a page with several forms: `pending` says which one is on its way. */
	enhanceFor(intent: string, options?: SubmitOptions): SubmitFunction;
}

export function submitting(): Submitting {
	let pending = $state<string | null>(null);

	function enhanceFor(intent: string, options: SubmitOptions = {}): SubmitFunction {
		return async ({ formData, cancel }) => {
			if (options.confirm && !(await options.confirm(formData))) return cancel();
			pending = intent;
			return async ({ result, update }) => {
				await update({ reset: options.reset ?? false });
				pending = null;
				await options.after?.(result);
			};
		};
	}

	return {
		get pending() {
			return pending;
		},
		get isBusy() {
			return pending !== null;
		},
		enhance: enhanceFor('submit'),
		enhanceFor
	};
}
