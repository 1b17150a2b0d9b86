// Clinic settings: read often (every staff request checks the two-factor rule), changed rarely.
import type { Em } from '../db/orm.ts';
import { recordAudit, changedFields } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { assertVersion } from '../db/versioning.ts';
import { ClinicSettings } from './clinic-settings.entity.ts';

export interface ClinicSettingsView {
	clinicName: string;
	requireTwoFactor: boolean;
	version: number;
}

let cache: { value: ClinicSettingsView; at: number } | undefined;
const CACHE_MS = 5_000;

function view(settings: ClinicSettings): ClinicSettingsView {
	return {
		clinicName: settings.clinicName,
		requireTwoFactor: settings.requireTwoFactor,
		version: settings.version
	};
}

export async function getClinicSettings(
	em: Em,
	options: { fresh?: boolean } = {}
): Promise<ClinicSettingsView> {
	if (!options.fresh && cache && Date.now() - cache.at < CACHE_MS) return cache.value;
	const settings = await em.fork().findOneOrFail(ClinicSettings, { id: 1 });
	cache = { value: view(settings), at: Date.now() };
	return cache.value;
}

export async function updateClinicSettings(
	em: Em,
	actor: Actor,
	input: { clinicName: string; requireTwoFactor: boolean; version: number }
): Promise<ClinicSettingsView> {
	const updated = await em.transactional(async (tx) => {
		const settings = await tx.findOneOrFail(ClinicSettings, { id: 1 });
		assertVersion(settings, input.version, 'setting');
		const before = view(settings);
		settings.clinicName = input.clinicName;
		settings.requireTwoFactor = input.requireTwoFactor;
		const fields = changedFields(
			{ clinicName: before.clinicName, requireTwoFactor: before.requireTwoFactor },
			{ clinicName: input.clinicName, requireTwoFactor: input.requireTwoFactor }
		);
		recordAudit(tx, actor, {
			action: 'settings.update',
			recordType: 'settings',
			recordId: '1',
			changedFields: fields
		});
		return settings;
	});
	cache = undefined;
	return view(updated);
}
