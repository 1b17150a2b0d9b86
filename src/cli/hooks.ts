// Steps `npm start` runs after migrations and before the servers start (first admin, demo data).
import type { Config } from '../lib/server/config.ts';

export interface AfterMigrateContext {
	url: string;
	config: Config;
	demo: boolean;
	say: (line: string) => void;
}

export const afterMigrateHooks: ((ctx: AfterMigrateContext) => Promise<void>)[] = [];
