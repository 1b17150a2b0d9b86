// The case summary for the referrer (issue 22): a PDF of the case, its goals and their progress, and
// the final notes the practitioner ticked (nothing else), downloaded or emailed to the referring
// doctor through the worker. Building it is a read of those notes, and is audited as one; sending
// it is audited with the notes it carried.
import PDFDocument from 'pdfkit';
import { getConfig } from '../config.ts';
import { recordAudit, recordAuditNow } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { loadVisibleCase } from '../cases/case-access.queries.ts';
import type { Case } from '../cases/case.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { BLANK_SECTIONS, type Answer, type Question } from '../../schemas/clinical-notes.ts';
import { ClinicalNote } from './clinical-note.entity.ts';
import { goalsOfCase, type GoalView } from './clinical-notes.service.ts';
import { summaryInput } from './clinical-notes.schemas.ts';

interface SummaryData {
	caseRow: Case;
	goals: GoalView[];
	notes: ClinicalNote[];
}

async function loadSummary(em: Em, actor: Actor, raw: unknown): Promise<SummaryData> {
	const input = summaryInput.parse(raw);
	const caseRow = await loadVisibleCase(em, actor, input.caseId);
	await em.populate(caseRow, ['patient', 'referringDoctor']);
	const notes = input.noteIds.length
		? await em.find(
				ClinicalNote,
				{ id: { $in: input.noteIds }, case: caseRow.id, status: 'final' },
				{ populate: ['templateVersion', 'author'], orderBy: { signedAt: 'asc', id: 'asc' } }
			)
		: [];
	if (notes.length !== input.noteIds.length) {
		throw new AppError('BAD_REQUEST', 'Choose final notes of this case', {
			fieldErrors: { noteIds: ['Choose final notes of this case'] }
		});
	}
	return { caseRow, goals: await goalsOfCase(em, caseRow.id), notes };
}

const dateFormat = () =>
	new Intl.DateTimeFormat('en-AU', {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone: getConfig().CASEBOOK_TIME_ZONE
	});

function answerText(q: Question, answer: Answer | undefined): string {
	if (answer === undefined || answer === null || answer === '') return '—';
	if (typeof answer === 'number')
		return q.kind === 'scale' ? `${answer} / 10` : `${answer}${q.unit ? ` ${q.unit}` : ''}`;
	if (typeof answer === 'string') return answer;
	return [...answer.selected, ...(answer.other ? [`Other: ${answer.other}`] : [])].join(', ') || '—';
}

function goalUnit(g: GoalView): string {
	return g.measure === 'scale' ? ' / 10' : g.unit ? ` ${g.unit}` : '';
}

const CHART = { width: 320, height: 90 };

/**
 * A goal's values over time against its target, drawn as vectors under its text (as the case page's
 * chart shows it): a dashed target line, the values joined in order, each a dot.
 */
function drawGoalChart(doc: PDFKit.PDFDocument, g: GoalView): void {
	if (g.values.length === 0) return;
	if (doc.y + CHART.height + 30 > doc.page.height - doc.page.margins.bottom) doc.addPage();
	const left = doc.page.margins.left + 30;
	const top = doc.y + 6;
	const numbers = [...g.values.map((v) => v.value), g.target, g.baseline];
	let low = g.measure === 'scale' ? 0 : Math.min(...numbers);
	let high = g.measure === 'scale' ? 10 : Math.max(...numbers);
	if (high === low) [low, high] = [low - 1, high + 1];
	const y = (value: number) => top + CHART.height - ((value - low) / (high - low)) * CHART.height;
	const times = g.values.map((v) => v.at.getTime());
	const first = Math.min(...times);
	const span = Math.max(...times) - first;
	const x = (at: number) => left + (span === 0 ? CHART.width / 2 : ((at - first) / span) * CHART.width);

	doc.save().lineWidth(0.5).strokeColor('#94a3b8').rect(left, top, CHART.width, CHART.height).stroke();
	doc.fontSize(7).fillColor('#475569');
	doc.text(String(high), doc.page.margins.left, top - 3, { width: 26, align: 'right' });
	doc.text(String(low), doc.page.margins.left, top + CHART.height - 5, { width: 26, align: 'right' });
	const targetY = y(g.target);
	doc.lineWidth(1).strokeColor('#16a34a').dash(3, { space: 3 });
	doc
		.moveTo(left, targetY)
		.lineTo(left + CHART.width, targetY)
		.stroke()
		.undash();
	doc
		.fillColor('#16a34a')
		.text(`target ${g.target}`, left + CHART.width + 4, targetY - 3, { lineBreak: false });
	doc.lineWidth(1.5).strokeColor('#1d4ed8');
	g.values.forEach((v, i) => {
		const px = x(times[i]!);
		const py = y(v.value);
		if (i === 0) doc.moveTo(px, py);
		else doc.lineTo(px, py);
	});
	if (g.values.length > 1) doc.stroke();
	doc.fillColor('#1d4ed8');
	g.values.forEach((v, i) => doc.circle(x(times[i]!), y(v.value), 2.5).fill());
	doc.restore();
	doc.fillColor('black').fontSize(11);
	doc.x = doc.page.margins.left;
	doc.y = top + CHART.height + 8;
}

/** The PDF's bytes. Standard fonts (every viewer and text extractor reads them) and vector charts. */
export function renderSummaryPdf(data: SummaryData): Promise<Buffer> {
	const format = dateFormat();
	const doc = new PDFDocument({
		size: 'A4',
		margin: 50,
		info: { Title: `Case summary: ${data.caseRow.name}` }
	});
	const chunks: Buffer[] = [];
	doc.on('data', (c: Buffer) => chunks.push(c));
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
	});
	const { caseRow } = data;
	const patient = caseRow.patient;
	doc.font('Helvetica-Bold').fontSize(18).text('Case summary');
	doc.moveDown(0.5).font('Helvetica').fontSize(11);
	doc.text(`Case: ${caseRow.name}`);
	if (patient) doc.text(`Patient: ${patient.firstName} ${patient.lastName}`);
	doc.text(`Status: ${caseRow.status}`);
	if (caseRow.referringDoctor)
		doc.text(
			`Referring doctor: ${caseRow.referringDoctor.firstName ?? ''} ${caseRow.referringDoctor.lastName ?? ''}`.trim()
		);
	doc.text(`Prepared: ${format.format(new Date())}`);

	doc.moveDown().font('Helvetica-Bold').fontSize(14).text('Goals and progress');
	doc.font('Helvetica').fontSize(11);
	if (!data.goals.length) doc.text('No goals recorded.');
	for (const g of data.goals) {
		doc.moveDown(0.5).font('Helvetica-Bold').text(g.description);
		doc
			.font('Helvetica')
			.text(
				`Baseline ${g.baseline}${goalUnit(g)}, target ${g.target}${goalUnit(g)}${g.targetDate ? ` by ${g.targetDate}` : ''}; latest ${g.latest}${goalUnit(g)}; status: ${g.status.replaceAll('_', ' ')}.`
			);
		doc.text(`Values: ${g.values.map((v) => `${format.format(v.at)}: ${v.value}`).join('; ')}`);
		drawGoalChart(doc, g);
	}

	doc.moveDown().font('Helvetica-Bold').fontSize(14).text('Notes');
	doc.font('Helvetica').fontSize(11);
	if (!data.notes.length) doc.text('No notes included.');
	for (const note of data.notes) {
		doc.moveDown(0.7).font('Helvetica-Bold').fontSize(12).text(note.title);
		doc
			.font('Helvetica-Oblique')
			.fontSize(10)
			.text(
				`Signed by ${note.signedByName ?? note.author.name}, ${note.signedAt ? format.format(note.signedAt) : ''}`
			);
		doc.font('Helvetica').fontSize(11);
		for (const section of note.templateVersion?.sections ?? BLANK_SECTIONS) {
			if (note.templateVersion)
				doc.moveDown(0.3).font('Helvetica-Bold').text(section.title).font('Helvetica');
			for (const q of section.questions) doc.text(`${q.label}: ${answerText(q, note.answers[q.id])}`);
		}
	}
	doc.end();
	return done;
}

function fileNameOf(caseRow: Case): string {
	const safe =
		caseRow.name
			.replace(/[^A-Za-z0-9 _-]+/g, '')
			.trim()
			.replace(/\s+/g, '-')
			.slice(0, 60) || 'case';
	return `case-summary-${safe}.pdf`;
}

/** The PDF to download (base64, so it travels through tRPC as text). */
export async function buildCaseSummary(em: Em, actor: Actor, raw: unknown) {
	const data = await loadSummary(em, actor, raw);
	const pdf = await renderSummaryPdf(data);
	await recordAuditNow(em, actor, {
		action: 'case_summary.download',
		recordType: 'case',
		recordId: data.caseRow.id,
		details: { noteIds: data.notes.map((n) => n.id) }
	});
	return { fileName: fileNameOf(data.caseRow), contentBase64: pdf.toString('base64') };
}

/** Emails the PDF to the case's referring doctor, through the worker. */
export async function emailCaseSummary(em: Em, actor: Actor, raw: unknown, now = new Date()) {
	const data = await loadSummary(em, actor, raw);
	const doctor = data.caseRow.referringDoctor as Contact | null | undefined;
	if (!doctor?.email) {
		throw new AppError(
			'CONFLICT',
			'This case has no referring doctor with an email address: add one to the case first.'
		);
	}
	const pdf = await renderSummaryPdf(data);
	const patient = data.caseRow.patient;
	const who = patient ? `${patient.firstName} ${patient.lastName}` : data.caseRow.name;
	return em.transactional(async (tx) => {
		const { notification } = await queueNotification(tx, {
			channel: 'email',
			recipient: doctor.email!,
			purpose: `case-summary:${data.caseRow.id}:${now.getTime()}`,
			subject: `Case summary: ${who}`,
			body: `Dear ${doctor.firstName ?? ''} ${doctor.lastName ?? ''},\n\nPlease find attached the case summary for ${who} (${data.caseRow.name}).\n\nCasebook`,
			related: { type: 'case', id: data.caseRow.id },
			attachments: [
				{
					filename: fileNameOf(data.caseRow),
					contentType: 'application/pdf',
					content: pdf.toString('base64'),
					encoding: 'base64'
				}
			]
		});
		recordAudit(tx, actor, {
			action: 'case_summary.email',
			recordType: 'case',
			recordId: data.caseRow.id,
			details: {
				noteIds: data.notes.map((n) => n.id),
				notificationId: notification.id,
				recipient: doctor.email
			}
		});
		await tx.flush();
		return { notificationId: notification.id, recipient: doctor.email! };
	});
}
