// Issue 15: every page form action is a way in, like every tRPC procedure. This walks every action
// of the app (found by importing the route tree, as the router walk finds procedures), names the
// procedure each one calls, and posts to it as every kind of caller the action must refuse:
// anonymous, each staff role, a referrer and a portal patient. Each refusal must come before the
// action runs (anonymous callers before their input is even read) and leave the database as it was.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { appRouter } from '../src/lib/server/app/router.ts';
import { refusalFor, type Access, type Caller } from '../src/lib/server/trpc/access-rules.ts';
import { routeAccess } from '../src/lib/server/web/route-guard.ts';
import { changedTables, digestTables, INCIDENTAL_TABLES } from '../src/lib/server/testing/db-digest.ts';
import { launchBrowser, open } from './browser.ts';
import { passwordLinkFor, portalSignIn, trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

/**
 * The procedure each action calls (null: a public action whose own input is its credential, such
 * as a one-time link). Every action of the app must be listed: a new one fails the walk until its
 * procedure is named here.
 */
const ACTION_PROCEDURES: Record<string, string | null> = {
	'/(auth)/forgot-password?/default': 'account.requestPasswordReset',
	'/(auth)/reset-password?/default': 'account.resetPassword',
	'/(auth)/setup?/default': 'account.setUp',
	'/(auth)/sign-in?/default': 'account.signIn',
	'/(staff)?/acknowledge': 'cases.acknowledge',
	'/(staff)/account?/changePassword': 'account.changePassword',
	'/(staff)/account?/startTwoFactor': 'account.startTwoFactor',
	'/(staff)/account?/confirmTwoFactor': 'account.confirmTwoFactor',
	'/(staff)/account?/disableTwoFactor': 'account.disableTwoFactor',
	'/(staff)/account?/endSession': 'account.endSession',
	'/(staff)/account?/endOtherSessions': 'account.endOtherSessions',
	'/(staff)/account/api-keys?/create': 'apiKeys.create',
	'/(staff)/account/api-keys?/revoke': 'apiKeys.revoke',
	'/(staff)/account/api-keys?/revokeAll': 'account.revokeApiKeys',
	'/(staff)/admin/appointment-types/[id]?/default': 'appointmentTypes.update',
	'/(staff)/admin/appointment-types/new?/default': 'appointmentTypes.create',
	'/(staff)/admin/webhooks?/create': 'webhooks.create',
	'/(staff)/admin/webhooks/[id]?/update': 'webhooks.update',
	'/(staff)/admin/webhooks/[id]?/rotate': 'webhooks.rotateSecret',
	'/(staff)/admin/webhooks/[id]?/delete': 'webhooks.delete',
	'/(staff)/admin/webhooks/[id]?/redeliver': 'webhooks.redeliver',
	'/(staff)/admin/body-parts?/create': 'bodyParts.create',
	'/(staff)/admin/body-parts?/rename': 'bodyParts.rename',
	'/(staff)/admin/body-parts?/archive': 'bodyParts.archive',
	'/(staff)/admin/body-parts?/unarchive': 'bodyParts.unarchive',
	'/(staff)/admin/case-templates/[id]?/update': 'admin.caseTemplates.update',
	'/(staff)/admin/case-templates/[id]?/delete': 'admin.caseTemplates.delete',
	'/(staff)/admin/case-templates/new?/default': 'admin.caseTemplates.create',
	'/(staff)/admin/communications?/default': 'reminders.updateSettings',
	'/(staff)/admin/note-templates/[id]?/update': 'admin.noteTemplates.update',
	'/(staff)/admin/note-templates/[id]?/archive': 'admin.noteTemplates.archive',
	'/(staff)/admin/note-templates/[id]?/unarchive': 'admin.noteTemplates.unarchive',
	'/(staff)/admin/note-templates/new?/default': 'admin.noteTemplates.create',
	'/(staff)/admin/concession-types?/create': 'concessionTypes.create',
	'/(staff)/admin/concession-types?/rename': 'concessionTypes.rename',
	'/(staff)/admin/concession-types?/archive': 'concessionTypes.archive',
	'/(staff)/admin/concession-types?/unarchive': 'concessionTypes.unarchive',
	'/(staff)/admin/custom-fields?/default': 'customFields.update',
	'/(staff)/admin/patient-merges?/undo': 'patients.undoMerge',
	'/(staff)/admin/referrers?/invite': 'staff.inviteReferrer',
	'/(staff)/admin/referrers?/setActive': 'staff.setReferrerActive',
	'/(staff)/admin/services?/create': 'services.create',
	'/(staff)/admin/services/[id]?/save': 'services.update',
	'/(staff)/admin/settings?/default': 'settings.update',
	'/(staff)/admin/staff/[id]?/update': 'staff.update',
	'/(staff)/admin/staff/[id]?/sendPasswordReset': 'staff.sendPasswordReset',
	'/(staff)/admin/staff/[id]?/endSessions': 'staff.endSessions',
	'/(staff)/admin/staff/[id]?/revokeApiKeys': 'staff.revokeApiKeys',
	'/(staff)/admin/staff/new?/default': 'staff.create',
	'/(staff)/admin/teams/[id]?/update': 'teams.update',
	'/(staff)/admin/teams/[id]?/addMember': 'teams.addMember',
	'/(staff)/admin/teams/[id]?/setLead': 'teams.addMember',
	'/(staff)/admin/teams/[id]?/removeMember': 'teams.removeMember',
	'/(staff)/admin/teams/[id]?/updatePolicy': 'teams.updatePolicy',
	'/(staff)/admin/teams/new?/default': 'teams.create',
	'/(staff)/appointments/[id]?/status': 'appointments.setStatus',
	'/(staff)/appointments/replies?/handled': 'reminders.markReplyHandled',
	'/(staff)/appointments/[id]?/reschedule': 'appointments.reschedule',
	'/(staff)/appointments/[id]?/cancel': 'appointments.cancel',
	'/(staff)/appointments/[id]?/invoice': 'appointments.invoice',
	'/(staff)/appointments/[id]?/notes': 'appointments.updateNotes',
	'/(staff)/appointments/new?/default': 'appointments.create',
	'/(staff)/appointments/reserve?/default': 'appointments.reserveWithCase',
	'/(staff)/cases/[id]?/acknowledge': 'cases.acknowledge',
	'/(staff)/cases/[id]?/takeOver': 'cases.takeOver',
	'/(staff)/cases/[id]?/retriage': 'cases.retriage',
	'/(staff)/cases/[id]?/comment': 'cases.comment',
	'/(staff)/cases/[id]?/close': 'cases.close',
	'/(staff)/cases/[id]?/reopen': 'cases.reopen',
	'/(staff)/cases/[id]?/merge': 'cases.merge',
	'/(staff)/cases/[id]/notes/new?/default': 'clinicalNotes.create',
	'/(staff)/cases/[id]/notes/[noteId]?/saveDraft': 'clinicalNotes.saveDraft',
	'/(staff)/cases/[id]/notes/[noteId]?/finalise': 'clinicalNotes.finalise',
	'/(staff)/cases/[id]/notes/[noteId]?/discard': 'clinicalNotes.discard',
	'/(staff)/cases/[id]/notes/[noteId]?/amend': 'clinicalNotes.amend',
	'/(staff)/cases/[id]/goals?/create': 'clinicalNotes.createGoal',
	'/(staff)/cases/[id]/goals?/update': 'clinicalNotes.updateGoal',
	'/(staff)/cases/[id]/summary?/email': 'clinicalNotes.emailSummary',
	'/(staff)/cases/[id]?/addAppointment': 'cases.addAppointment',
	'/(staff)/cases/[id]?/removeAppointment': 'cases.removeAppointment',
	'/(staff)/cases/[id]?/upload': 'cases.addAttachment',
	'/(staff)/cases/[id]?/removeAttachment': 'cases.removeAttachment',
	'/(staff)/cases/[id]/edit?/default': 'cases.update',
	'/(staff)/cases/[id]/patient?/link': 'cases.linkPatient',
	'/(staff)/cases/[id]/patient?/create': 'cases.linkNewPatient',
	'/(staff)/cases/[id]/send?/default': 'cases.sendExisting',
	'/(staff)/cases/send?/default': 'cases.send',
	'/(staff)/contacts/[id]?/update': 'contacts.update',
	'/(staff)/contacts/[id]?/archive': 'contacts.archive',
	'/(staff)/contacts/[id]?/unarchive': 'contacts.unarchive',
	'/(staff)/contacts/new?/default': 'contacts.create',
	'/(staff)/inbox?/acknowledge': 'cases.acknowledge',
	'/(staff)/status?/keepOutbox': 'home.keepOutbox',
	'/(staff)/patients/[id]?/archive': 'patients.archive',
	'/(staff)/patients/[id]?/unarchive': 'patients.unarchive',
	'/(staff)/patients/[id]?/sendPortalLink': 'portalLinks.send',
	'/(staff)/patients/[id]?/delete': 'patients.delete',
	'/(staff)/patients/[id]/cases/new?/default': 'cases.create',
	'/(staff)/patients/[id]/edit?/default': 'patients.update',
	'/(staff)/patients/[id]/merge?/merge': 'patients.merge',
	'/(staff)/patients/new?/default': 'patients.create',
	'/(staff)/requests/[id]?/approve': 'appointmentRequests.approve',
	'/(staff)/requests/[id]?/decline': 'appointmentRequests.decline',
	'/portal/(app)?/privacy': 'portal.answerPrivacyPolicy',
	'/portal/(app)?/withdraw': 'portal.withdrawRequest',
	'/portal/(app)?/confirm': 'portal.confirmReservation',
	'/portal/(app)?/decline': 'portal.declineReservation',
	'/portal/(app)/cases/[id]/request?/default': 'portal.requestAppointment',
	'/portal/(app)/reservations/[id]?/confirm': 'portal.confirmReservation',
	'/portal/(app)/reservations/[id]?/decline': 'portal.declineReservation',
	'/portal/(public)/link/[token]?/default': 'portal.beginSession',
	'/portal/(public)/sign-in?/default': 'portal.requestLink',
	'/referrer/cases/[id]?/upload': 'cases.addAttachment',
	'/referrer/send?/default': 'cases.send'
};

type CallerKind = 'anonymous' | 'scheduler' | 'practitioner' | 'referrer' | 'patient';
const CALLER_KINDS: CallerKind[] = ['anonymous', 'scheduler', 'practitioner', 'referrer', 'patient'];

/** Each kind of caller as the access rules see it. */
const PROFILES: Record<CallerKind, Caller> = {
	anonymous: { user: null, patient: null },
	scheduler: { user: staffUser('staff', ['scheduler']), patient: null },
	practitioner: { user: staffUser('staff', ['practitioner']), patient: null },
	referrer: { user: staffUser('referrer', []), patient: null },
	patient: { user: null, patient: { id: '0', name: 'P', timeZone: 'UTC' } }
};

function staffUser(kind: 'staff' | 'referrer', roles: ('scheduler' | 'practitioner')[]) {
	return { id: '0', kind, name: 'x', email: 'x@x.test', roles, hasTwoFactor: false };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface ActionInfo {
	key: string;
	routeId: string;
	name: string;
}

/** Every form action of the app, from the route tree (the modules themselves, not their text). */
async function discoverActions(): Promise<ActionInfo[]> {
	const modules = import.meta.glob<{ actions?: Record<string, unknown> }>('../src/routes/**/+page.server.ts');
	const found: ActionInfo[] = [];
	for (const [file, load] of Object.entries(modules)) {
		const { actions } = await load();
		if (!actions) continue;
		const routeId = '/' + path.dirname(path.relative('../src/routes', file)).split(path.sep).join('/');
		for (const name of Object.keys(actions)) {
			const id = routeId === '/.' ? '/' : routeId;
			found.push({ key: `${id}?/${name}`, routeId: id, name });
		}
	}
	return found.sort((a, b) => byText(a.key, b.key));
}

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Access } }>;
const noTwoFactor = async () => false;

/** Whether the page guard or the action's procedure refuses this kind of caller. */
async function isRefused(action: ActionInfo, kind: CallerKind): Promise<boolean> {
	const profile = PROFILES[kind];
	const route = routeAccess(action.routeId);
	if (!route || (await refusalFor(route, profile, noTwoFactor))) return true;
	const procedure = ACTION_PROCEDURES[action.key];
	if (!procedure) return false;
	return (await refusalFor(procedures[procedure]!._def.meta ?? {}, profile, noTwoFactor)) !== null;
}

// ---------------------------------------------------------------------------------------------

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const cookies: Partial<Record<CallerKind, string>> = { anonymous: '' };
let db: pg.Client;
/** Ids of real records for the routes' parameters; `hidden` a case the practitioner may not see. */
const ids: Record<string, string> = {};
const users: Record<string, { id: string }> = {};
const password = 'walk the actions';

/** The embedded PostgreSQL the launcher started for e2e (its port is in postmaster.pid). */
function databaseUrl(): string {
	const pidFile = path.join(inject('e2eDataDir'), 'postgres', 'postmaster.pid');
	const port = fs.readFileSync(pidFile, 'utf8').split('\n')[3]!.trim();
	return `postgres://casebook:casebook@127.0.0.1:${port}/casebook`;
}

/** Tables that change without any action: sessions touched by each request, sent notifications. */
const EXCLUDED = [...INCIDENTAL_TABLES, 'session', 'portal_session', 'notification'];
const digest = () => digestTables(async (sql) => (await db.query(sql)).rows, EXCLUDED);

async function cookieOf(page: Page): Promise<string> {
	return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	db = new pg.Client({ connectionString: databaseUrl() });
	await db.connect();

	// A practitioner of one service, and a case of another service they may not see.
	const physio = await trpc<{ id: string }>(admin, 'services.create', { name: `Walk physio ${suffix}` });
	const speech = await trpc<{ id: string }>(admin, 'services.create', { name: `Walk speech ${suffix}` });
	const staff = async (role: 'scheduler' | 'practitioner') =>
		trpc<{ id: string }>(admin, 'staff.create', {
			name: `Walk ${role} ${suffix}`,
			email: `walk.${role}.${suffix}@clinic.test`,
			roles: [role],
			password
		});
	const scheduler = await staff('scheduler');
	const practitioner = await staff('practitioner');
	users.scheduler = scheduler;
	users.practitioner = practitioner;
	await trpc(admin, 'services.setPractitioners', { serviceId: physio.id, userIds: [practitioner.id] });
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Walk speech template ${suffix}`,
		serviceIds: [speech.id],
		allowsRequests: false,
		requestTypes: []
	});
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Walk',
		lastName: `Patient ${suffix}`,
		email: `walk.patient.${suffix}@example.test`
	});
	const hidden = await trpc<{ id: string }>(admin, 'cases.create', {
		patientId: patient.id,
		templateId: template.id,
		name: `Walk hidden case ${suffix}`,
		limitKind: 'unlimited'
	});
	const team = await trpc<{ id: string }>(admin, 'teams.create', { name: `Walk team ${suffix}` });
	Object.assign(ids, {
		id: hidden.id,
		case: hidden.id,
		patient: patient.id,
		template: template.id,
		team: team.id,
		service: speech.id,
		staff: scheduler.id,
		token: 'a'.repeat(43)
	});
});

afterAll(async () => {
	await db?.end();
	await browser?.close();
});

// Signing in by emailed links polls the message log (expect.poll), which only runs inside a test.
it('signs in one caller of each kind', async () => {
	for (const kind of ['scheduler', 'practitioner'] as const) {
		const page = await browser.newPage({ baseURL: baseUrl });
		await signIn(page, `walk.${kind}.${suffix}@clinic.test`, password);
		expect(users[kind]?.id).toBeTruthy();
		cookies[kind] = await cookieOf(page);
	}

	const referrerEmail = `walk.referrer.${suffix}@gp.test`;
	await trpc(admin, 'staff.inviteReferrer', { name: `Dr Walk ${suffix}`, email: referrerEmail });
	const referrer = await browser.newPage({ baseURL: baseUrl });
	await open(referrer, await passwordLinkFor(referrerEmail));
	await referrer.getByLabel(/^New password/).fill(password);
	await referrer.getByLabel(/^Type it again/).fill(password);
	await referrer.getByRole('button', { name: 'Save password' }).click();
	await referrer.waitForURL((url) => url.pathname === '/referrer');
	cookies.referrer = await cookieOf(referrer);

	const patientPage = await browser.newPage({ baseURL: baseUrl });
	await portalSignIn(patientPage, `walk.patient.${suffix}@example.test`);
	cookies.patient = await cookieOf(patientPage);
	expect(Object.keys(cookies).sort()).toEqual([...CALLER_KINDS].sort());
});

/** The URL of a route id, with real records for its parameters. */
function urlOf(action: ActionInfo): string {
	const pathname = action.routeId
		.replace(/\/\([^)]+\)/g, '')
		.replace(/\[(\w+)\]/g, (_m, name: string) => ids[name] ?? ids.id!);
	// A default action is posted to the page itself (`?/default` is reserved by SvelteKit).
	return action.name === 'default' ? pathname || '/' : `${pathname || '/'}?/${action.name}`;
}

interface Answer {
	status: number;
	type: string | null;
	location: string | null;
	text: string;
}

/** Posts a form the way an enhanced Svelte form does (Kit then answers with JSON). */
async function post(action: ActionInfo, kind: CallerKind, fields: Record<string, string>): Promise<Answer> {
	const response = await fetch(`${baseUrl}${urlOf(action)}`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			Origin: baseUrl,
			Accept: 'application/json',
			'x-sveltekit-action': 'true',
			'Content-Type': 'application/x-www-form-urlencoded',
			...(cookies[kind] ? { Cookie: cookies[kind] } : {})
		},
		body: new URLSearchParams(fields).toString()
	});
	const text = await response.text();
	let type: string | null = null;
	let location: string | null = response.headers.get('location');
	try {
		const body = JSON.parse(text) as { type?: string; location?: string; status?: number };
		type = body.type ?? null;
		location = body.location ?? location;
		if (body.status) return { status: body.status, type, location, text };
	} catch {
		// not JSON: a plain refusal
	}
	return { status: response.status, type, location, text };
}

/** A refusal: sent to sign in, or 401 / 403 / 404 before anything was done. */
function isRefusal(answer: Answer): boolean {
	if (answer.type === 'redirect' || (answer.status >= 300 && answer.status < 400)) {
		return /^\/(portal\/)?sign-in/.test(answer.location ?? '');
	}
	return [401, 403, 404].includes(answer.status);
}

/** Plausible fields, so that an action that wrongly ran would get past its input checks. */
const FIELDS: Record<string, string> = {
	name: `Forged ${suffix}`,
	version: '1',
	caseId: '1',
	body: 'forged',
	priority: 'urgent',
	serviceIds: '1',
	email: `forged.${suffix}@evil.test`,
	firstName: 'Forged',
	lastName: `Forged ${suffix}`,
	definition: '{"sections":[]}',
	clinicName: `Forged clinic ${suffix}`,
	reason: 'forged'
};

describe('every page form action', () => {
	it('is listed with the procedure it calls, and that procedure exists', async () => {
		const actions = await discoverActions();
		expect(actions.length).toBeGreaterThan(60);
		expect(actions.map((a) => a.key)).toEqual(Object.keys(ACTION_PROCEDURES).sort(byText));
		for (const procedure of Object.values(ACTION_PROCEDURES)) {
			if (procedure) expect(procedures[procedure], procedure).toBeDefined();
		}
	});

	it('is guarded at least as strictly as the procedure it calls', async () => {
		const looser: string[] = [];
		for (const action of await discoverActions()) {
			const procedure = ACTION_PROCEDURES[action.key];
			if (!procedure) continue;
			for (const kind of CALLER_KINDS) {
				const byProcedure = await refusalFor(
					procedures[procedure]!._def.meta ?? {},
					PROFILES[kind],
					noTwoFactor
				);
				const byRoute = await refusalFor(routeAccess(action.routeId)!, PROFILES[kind], noTwoFactor);
				if (byProcedure && !byRoute) looser.push(`${action.key} lets a ${kind} in`);
			}
		}
		expect(looser).toEqual([]);
	});

	it('refuses every caller it must refuse, before it runs, and changes nothing', async () => {
		const failures: string[] = [];
		let refusals = 0;
		for (const action of await discoverActions()) {
			for (const kind of CALLER_KINDS) {
				if (!(await isRefused(action, kind))) continue;
				const before = await digest();
				const answer = await post(action, kind, FIELDS);
				const changed = changedTables(before, await digest());
				refusals += 1;
				if (!isRefusal(answer))
					failures.push(`${action.key} as ${kind}: ${answer.status} ${answer.text.slice(0, 160)}`);
				if (changed.length) failures.push(`${action.key} as ${kind} changed ${changed.join(', ')}`);
				// Refused before the input was read: no word about any field.
				if (kind === 'anonymous' && /fieldErrors[^}]*\w+":\[/.test(answer.text)) {
					failures.push(`${action.key} as anonymous answered about its fields: ${answer.text.slice(0, 160)}`);
				}
			}
		}
		expect(failures).toEqual([]);
		expect(refusals).toBeGreaterThan(200);
	});

	it('refuses a practitioner on a case they may not see, and changes nothing', async () => {
		const failures: string[] = [];
		const caseActions = (await discoverActions()).filter((a) => a.routeId.startsWith('/(staff)/cases/[id]'));
		expect(caseActions.length).toBeGreaterThan(10);
		for (const action of caseActions) {
			const before = await digest();
			const answer = await post(action, 'practitioner', {
				...FIELDS,
				caseId: ids.case!,
				sourceId: ids.case!
			});
			const changed = changedTables(before, await digest());
			// A field error (400) says nothing about the case either; what matters is that nothing ran.
			if (!isRefusal(answer) && answer.status !== 400)
				failures.push(`${action.key}: ${answer.status} ${answer.text.slice(0, 160)}`);
			if (changed.length) failures.push(`${action.key} changed ${changed.join(', ')}`);
		}
		expect(failures).toEqual([]);
	});

	it('sends a signed-out visitor of a staff page to sign in, and reads nothing through __data.json', async () => {
		for (const pathname of ['/admin/custom-fields', '/admin/case-templates/new', '/patients']) {
			const data = await fetch(`${baseUrl}${pathname}/__data.json?x-sveltekit-invalidated=001`, {
				redirect: 'manual'
			});
			const body = await data.text();
			expect(body, pathname).toMatch(/"type":"redirect"/);
			expect(body, pathname).not.toMatch(/definition|options|sections/);
		}
	});
});
