// Clinic settings: read often (every staff request checks the two-factor rule), changed rarely.
import type { Em } from '../db/orm.ts';
import { recordAudit, changedFields } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { assertVersion } from '../db/versioning.ts';
import type { Clock } from '../../format.ts';
import { ClinicSettings } from './clinic-settings.entity.ts';

export interface ClinicSettingsView {
	clinicName: string;
	requireTwoFactor: boolean;
	/** How times are written everywhere (pages, emails, SMS): "2:30 pm" or "14:30". */
	clock: Clock;
	version: number;
}

let cache: { value: ClinicSettingsView; at: number } | undefined;
const CACHE_MS = 5_000;

function view(settings: ClinicSettings): ClinicSettingsView {
	return {
		clinicName: settings.clinicName,
		requireTwoFactor: settings.requireTwoFactor,
		clock: settings.clock,
		version: settings.version
	};
}

export async function getClinicSettings(
	em: Em,
	options: { fresh?: boolean } = {}
): Promise<ClinicSettingsView> {
	if (!options.fresh && cache && Date.now() - cache.at < CACHE_MS) return cache.value;
	// A fresh identity map, but the caller's transaction (and connection): a read on a connection of
	// its own starves the pool when every connection is a transaction waiting for this read.
	const value = view(
		await em.fork({ keepTransactionContext: true }).findOneOrFail(ClinicSettings, { id: 1 })
	);
	// Only committed values are shared: what a transaction reads may still be rolled back.
	if (!em.isInTransaction()) cache = { value, at: Date.now() };
	return value;
}

export async function updateClinicSettings(
	em: Em,
	actor: Actor,
	input: { clinicName: string; requireTwoFactor: boolean; clock: Clock; version: number }
): Promise<ClinicSettingsView> {
	const updated = await em.transactional(async (tx) => {
		const settings = await tx.findOneOrFail(ClinicSettings, { id: 1 });
		assertVersion(settings, input.version, 'setting');
		const before = view(settings);
		settings.clinicName = input.clinicName;
		settings.requireTwoFactor = input.requireTwoFactor;
		settings.clock = input.clock;
		const fields = changedFields(
			{ clinicName: before.clinicName, requireTwoFactor: before.requireTwoFactor, clock: before.clock },
			{ clinicName: input.clinicName, requireTwoFactor: input.requireTwoFactor, clock: input.clock }
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
