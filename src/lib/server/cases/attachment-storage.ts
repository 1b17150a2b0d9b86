// The bytes of case attachments: what may be uploaded (judged by the content, never by the name or
// the browser's type), and storing, streaming and deleting files under the files directory.
// Files are named by a random key only; the database holds the (sanitised) name the person chose.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, openSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { getConfig } from '../config.ts';
import { AppError } from '../errors.ts';

export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const EMPTY_FILE = 'The file is empty';
export const FILE_TOO_LARGE = 'Files can be at most 25 MB';
export const FILE_TYPE_REFUSED =
	'Only PDF, images (PNG, JPEG, GIF, WebP, HEIC), Word (.docx) and plain-text files can be attached';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Detected type → the type stored and served. APNG is a PNG to everything that shows images. */
const ALLOWED: Record<string, string> = {
	'application/pdf': 'application/pdf',
	'image/png': 'image/png',
	'image/apng': 'image/png',
	'image/jpeg': 'image/jpeg',
	'image/gif': 'image/gif',
	'image/webp': 'image/webp',
	'image/heic': 'image/heic',
	// Many phones write HEIC photos with the generic HEIF brand.
	'image/heif': 'image/heif',
	[DOCX]: DOCX
};

/**
 * Text formats file-type recognises by their first bytes. They are still only text: kept as
 * text/plain (never run, never rendered) when they pass the same check as any other text.
 */
const TEXT_DETECTIONS = new Set(['application/xml', 'text/vtt', 'text/vcard', 'text/calendar']);

/** Extensions that fit each stored type; the first one names a file that arrived without a name. */
const EXTENSIONS: Record<string, string[]> = {
	'application/pdf': ['pdf'],
	'image/png': ['png'],
	'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
	'image/gif': ['gif'],
	'image/webp': ['webp'],
	'image/heic': ['heic', 'heif'],
	'image/heif': ['heif', 'heic'],
	[DOCX]: ['docx'],
	'text/plain': ['txt', 'text', 'log', 'md', 'csv', 'tsv']
};

const MAX_FILE_NAME = 255;
const STORAGE_KEY = /^[a-f0-9]{32}$/;

function refuse(message: string): AppError {
	return new AppError('BAD_REQUEST', message, { fieldErrors: { file: [message] } });
}

/** Valid UTF-8 without NUL bytes: what we are willing to call plain text. */
function isPlainText(bytes: Uint8Array): boolean {
	if (bytes.includes(0)) return false;
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

async function detectMime(bytes: Uint8Array): Promise<string | undefined> {
	try {
		return (await fileTypeFromBuffer(bytes))?.mime;
	} catch {
		// A malformed file can trip the detector: it is then no known binary type (it may still be text).
		return undefined;
	}
}

/**
 * Checks an upload before anything is stored: not empty, not too large, of an allowed type.
 * Returns the type to store and serve, and a file name safe for the database and for headers.
 */
export async function inspectUpload(
	bytes: Uint8Array,
	fileName: string
): Promise<{ contentType: string; fileName: string }> {
	if (bytes.byteLength === 0) throw refuse(EMPTY_FILE);
	if (bytes.byteLength > MAX_ATTACHMENT_BYTES) throw refuse(FILE_TOO_LARGE);
	const detected = await detectMime(bytes);
	let contentType: string | undefined;
	if (detected && !TEXT_DETECTIONS.has(detected)) contentType = ALLOWED[detected];
	else if (isPlainText(bytes)) contentType = 'text/plain';
	if (!contentType) throw refuse(FILE_TYPE_REFUSED);
	return { contentType, fileName: sanitizeFileName(fileName, contentType) };
}

// Unicode bidirectional controls can make "invoice<RLO>fdp.exe" display as "invoiceexe.pdf".
const UNSAFE_CHARACTERS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"']/gu;

function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/**
 * The name to keep and to offer on download: no folders, control or bidi characters or quotes, one
 * space at a time, at most 255 characters, and an extension that fits the stored type (so a text
 * file named "page.html" downloads as "page.html.txt" and never opens as a web page).
 */
export function sanitizeFileName(raw: string, contentType: string): string {
	const extensions = EXTENSIONS[contentType] ?? [];
	const fallbackExtension = extensions[0] ? `.${extensions[0]}` : '';
	const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
	let name = base
		// Tabs and line breaks become spaces before the other control characters go.
		.replace(/\s+/gu, ' ')
		.replace(UNSAFE_CHARACTERS, '')
		.replace(/\s+/gu, ' ')
		// Leading dots hide files; trailing dots and spaces are dropped by Windows anyway.
		.replace(/^[\s.]+|[\s.]+$/gu, '');
	if (!name) return `attachment${fallbackExtension}`;
	const extension = extensionOf(name);
	const fits = extensions.includes(extension);
	const suffix = fits ? name.slice(name.length - extension.length - 1) : fallbackExtension;
	const stem = fits ? name.slice(0, name.length - suffix.length) : name;
	// Shorten the stem, not the extension, and never split a character in two (PostgreSQL's
	// varchar(255) counts characters, as Array.from does).
	const chars = Array.from(stem);
	const room = MAX_FILE_NAME - suffix.length;
	name = (chars.length > room ? chars.slice(0, room).join('').trimEnd() : stem) + suffix;
	return name;
}

function filePath(storageKey: string): string {
	// The key comes from our own database, but it still decides a path: accept only our own shape.
	if (!STORAGE_KEY.test(storageKey)) throw new Error('Invalid attachment storage key');
	return path.join(getConfig().CASEBOOK_FILES_DIR, storageKey.slice(0, 2), storageKey);
}

/** Makes a rename durable. Best effort: some platforms cannot open a directory to sync it. */
async function syncDirectory(dir: string): Promise<void> {
	let handle: fs.FileHandle | undefined;
	try {
		handle = await fs.open(dir, 'r');
		await handle.sync();
	} catch {
		// Not supported here (e.g. Windows): the rename itself is still atomic.
	} finally {
		await handle?.close();
	}
}

/**
 * Writes the bytes under a new random key: to a temporary file, flushed to disk, then renamed, so
 * a crash never leaves a partial file under the final name.
 */
export async function storeAttachmentBytes(
	bytes: Uint8Array
): Promise<{ storageKey: string; sha256: string; sizeBytes: number }> {
	const storageKey = randomUUID().replaceAll('-', '');
	const target = filePath(storageKey);
	const dir = path.dirname(target);
	await fs.mkdir(dir, { recursive: true, mode: 0o700 });
	const temp = path.join(dir, `.${storageKey}.tmp`);
	try {
		const handle = await fs.open(temp, 'wx', 0o600);
		try {
			await handle.writeFile(bytes);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fs.rename(temp, target);
	} catch (error) {
		await fs.rm(temp, { force: true });
		throw error;
	}
	await syncDirectory(dir);
	return {
		storageKey,
		sha256: createHash('sha256').update(bytes).digest('hex'),
		sizeBytes: bytes.byteLength
	};
}

/**
 * The stored bytes as a web stream, for `new Response(stream)`. The file is opened at once, so a
 * missing file is a NOT_FOUND AppError here rather than a broken response later.
 */
export function openAttachmentStream(storageKey: string): ReadableStream<Uint8Array> {
	const file = filePath(storageKey);
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new AppError('NOT_FOUND', 'The file of this attachment is missing', { cause: error });
		}
		throw error;
	}
	// autoClose: the descriptor closes when the stream ends, fails or is cancelled by the client.
	const stream = createReadStream(file, { fd, autoClose: true, highWaterMark: 64 * 1024 });
	return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

/** Removes the stored bytes; a file that is already gone is fine. */
export async function deleteAttachmentBytes(storageKey: string): Promise<void> {
	await fs.rm(filePath(storageKey), { force: true });
}
