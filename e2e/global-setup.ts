// e2e: build and start the real product (`npm start`'s launcher: web + worker + embedded PostgreSQL)
// on a throwaway data dir and a free port, then hand its URL to the browser tests. Email goes over
// real SMTP to a catcher (listed over HTTP for the specs, e2e/mail.ts); SMS go through the real
// twilio SDK to a local Twilio stand-in, so a spec can report their delivery the way Twilio does (a
// status callback signed with the auth token it is given).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, removeAbandonedTestClusters, removeEmbeddedData } from '../db/embedded.ts';
import { startSmtpCatcher } from '../src/lib/server/testing/smtp-catcher.ts';
import { startTwilioStandin } from '../src/lib/server/testing/twilio-standin.ts';
import { serveCaughtMail } from './mail.ts';
import { findChromium } from './browser.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		e2eDataDir: string;
		e2eLogPath: string;
		/** Signs Twilio status callbacks to the app (e2e/twilio.ts). */
		twilioAuthToken: string;
		/** Lists the emails the app sent over SMTP (e2e/mail.ts). */
		mailCatcherUrl: string;
	}
}

export default async function setup(project: TestProject) {
	findChromium(); // fail early, with the install hint, before building anything
	const root = path.resolve(import.meta.dirname, '..');
	removeAbandonedTestClusters(); // of earlier runs that were killed before their clean-up
	// Private (mode 0700) like a person's folder: the launcher copes with that by itself as root.
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-e2e-'));
	const port = await freePort();
	const sms = await startTwilioStandin();
	const smtp = await startSmtpCatcher();
	const mail = await serveCaughtMail(smtp);
	const baseUrl = `http://127.0.0.1:${port}`;
	const logPath = path.join(dataDir, 'app.log');
	const log = fs.openSync(logPath, 'a');
	const child = spawn(process.execPath, [path.join(root, 'src/cli/start.ts')], {
		cwd: root,
		env: {
			...process.env,
			CASEBOOK_DATA_DIR: dataDir,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseUrl,
			DATABASE_URL: '',
			SMTP_URL: smtp.url,
			MAIL_FROM: 'Casebook e2e <clinic@casebook.test>',
			TWILIO_ACCOUNT_SID: sms.accountSid,
			TWILIO_AUTH_TOKEN: sms.authToken,
			TWILIO_FROM: sms.from,
			TWILIO_MESSAGING_SERVICE_SID: '',
			TWILIO_API_URL: sms.url,
			LOG_LEVEL: 'warn'
		},
		stdio: ['ignore', log, log]
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

	const deadline = Date.now() + 170_000;
	let healthy = false;
	while (Date.now() < deadline && child.exitCode === null) {
		try {
			const response = await fetch(`${baseUrl}/healthz`);
			if (response.ok) {
				healthy = true;
				break;
			}
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 500));
	}
	if (!healthy) {
		child.kill('SIGTERM');
		await exited;
		await Promise.all([sms.close(), mail.close(), smtp.close()]);
		throw new Error(
			`Casebook did not become healthy for e2e:\n${fs.readFileSync(logPath, 'utf8').slice(-4000)}`
		);
	}
	project.provide('baseUrl', baseUrl);
	project.provide('e2eDataDir', dataDir);
	project.provide('e2eLogPath', logPath);
	project.provide('twilioAuthToken', sms.authToken);
	project.provide('mailCatcherUrl', mail.url);

	return async () => {
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		await exited;
		clearTimeout(timer);
		await Promise.all([sms.close(), mail.close(), smtp.close()]);
		fs.closeSync(log);
		if (process.env.KEEP_E2E_DATA !== '1') removeEmbeddedData(dataDir);
	};
}
