// Integration tests share one embedded PostgreSQL on a throwaway data dir, migrated once here.
// Each test creates the rows it needs, so files can run in parallel against the same database.
// The data dir is private (mkdtemp: mode 0700), as a person's would be: as root, the embedded
// PostgreSQL must cope with that by itself (db/embedded.ts), so nothing here opens it up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
	removeAbandonedTestClusters,
	removeEmbeddedData,
	startEmbeddedPostgres
} from '../../../../db/embedded.ts';
import { prepareDatabase } from '../../../cli/database.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		databaseUrl: string;
	}
}

export default async function setup(project: TestProject) {
	removeAbandonedTestClusters(); // of earlier runs that were killed before their clean-up
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-test-'));
	const db = await startEmbeddedPostgres({
		dataDir,
		owner: { role: 'test', command: 'the integration tests' }
	});
	await prepareDatabase(db.url);
	project.provide('databaseUrl', db.url);
	return async () => {
		await db.stop();
		removeEmbeddedData(dataDir);
	};
}
