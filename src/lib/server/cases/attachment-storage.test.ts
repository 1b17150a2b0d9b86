import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, resetConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import {
	deleteAttachmentBytes,
	EMPTY_FILE,
	FILE_TOO_LARGE,
	FILE_TYPE_REFUSED,
	inspectUpload,
	MAX_ATTACHMENT_BYTES,
	openAttachmentStream,
	sanitizeFileName,
	storeAttachmentBytes
} from './attachment-storage.ts';

// ---------------------------------------------------------------------------------------------
// Minimal real files, built byte by byte.

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const ascii = (text: string) => new TextEncoder().encode(text);

function concat(...parts: Uint8Array[]): Uint8Array {
	return new Uint8Array(Buffer.concat(parts));
}

function u32(value: number): Uint8Array {
	const out = Buffer.alloc(4);
	out.writeUInt32BE(value >>> 0);
	return out;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
	const body = concat(ascii(type), data);
	return concat(u32(data.length), body, u32(zlib.crc32(body)));
}

/** A 1×1 black RGB PNG. */
function png(): Uint8Array {
	const header = concat(u32(1), u32(1), new Uint8Array([8, 2, 0, 0, 0]));
	return concat(
		new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', zlib.deflateSync(new Uint8Array([0, 0, 0, 0]))),
		pngChunk('IEND', new Uint8Array())
	);
}

function pdf(): Uint8Array {
	return ascii(
		'%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'
	);
}

/** An uncompressed ("stored") zip of the given entries, in order. */
function zip(entries: Record<string, string>): Uint8Array {
	const locals: Uint8Array[] = [];
	const centrals: Uint8Array[] = [];
	let offset = 0;
	for (const [name, text] of Object.entries(entries)) {
		const nameBytes = ascii(name);
		const data = ascii(text);
		const crc = zlib.crc32(data);
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4); // version needed
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(data.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(data.length, 20);
		central.writeUInt32LE(data.length, 24);
		central.writeUInt16LE(nameBytes.length, 28);
		central.writeUInt32LE(offset, 42);
		locals.push(local, nameBytes, data);
		centrals.push(central, nameBytes);
		offset += local.length + nameBytes.length + data.length;
	}
	const directory = concat(...centrals);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0);
	end.writeUInt16LE(centrals.length / 2, 8);
	end.writeUInt16LE(centrals.length / 2, 10);
	end.writeUInt32LE(directory.length, 12);
	end.writeUInt32LE(offset, 16);
	return concat(...locals, directory, end);
}

function contentTypes(mainType: string): string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="${mainType}"/></Types>`;
}

const DOCUMENT_XML =
	'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>';

function docx(mainType = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml') {
	return zip({ '[Content_Types].xml': contentTypes(mainType), 'word/document.xml': DOCUMENT_XML });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

// ---------------------------------------------------------------------------------------------

describe('inspectUpload', () => {
	it.each([
		['a PNG', png(), 'scan.png', 'image/png'],
		['a PDF', pdf(), 'Referral.PDF', 'application/pdf'],
		['a JPEG', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...ascii('JFIF'), 0]), 'x.jpg', 'image/jpeg'],
		['a GIF', ascii('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 'x.gif', 'image/gif'],
		[
			'a WebP image',
			concat(ascii('RIFF'), new Uint8Array([26, 0, 0, 0]), ascii('WEBPVP8 '), new Uint8Array(18)),
			'x.webp',
			'image/webp'
		],
		[
			'an iPhone photo (HEIC)',
			concat(u32(24), ascii('ftypheic'), u32(0), ascii('mif1heic'), new Uint8Array(16)),
			'IMG_0001.HEIC',
			'image/heic'
		],
		['a Word document', docx(), 'letter.docx', DOCX],
		['UTF-8 text', ascii('Pain 4/10 after exercises — improving ✓\n'), 'notes.txt', 'text/plain']
	])('accepts %s by its content', async (_label, bytes, name, contentType) => {
		expect(await inspectUpload(bytes, name)).toEqual({ contentType, fileName: name });
	});

	it('goes by the content, not the name', async () => {
		expect(await inspectUpload(png(), 'report.pdf')).toEqual({
			contentType: 'image/png',
			fileName: 'report.pdf.png'
		});
		const exe = await refusal(inspectUpload(concat(ascii('MZ'), new Uint8Array(200)), 'photo.png'));
		expect(exe.message).toBe(FILE_TYPE_REFUSED);
	});

	it('keeps HTML and XML as plain text, named so they never open as a page', async () => {
		expect(await inspectUpload(ascii('<html><script>alert(1)</script></html>'), 'page.html')).toEqual({
			contentType: 'text/plain',
			fileName: 'page.html.txt'
		});
		expect(await inspectUpload(ascii('<?xml version="1.0"?><letter/>'), 'letter.xml')).toEqual({
			contentType: 'text/plain',
			fileName: 'letter.xml.txt'
		});
	});

	it.each([
		['a Windows program', concat(ascii('MZ'), new Uint8Array(200))],
		['a zip without Word content', zip({ 'notes.txt': 'hello', 'more.txt': 'world' })],
		['a macro-enabled Word document', docx('application/vnd.ms-word.document.macroEnabled.main+xml')],
		['text with a NUL byte', ascii('hello\0world')],
		['bytes that are not UTF-8', new Uint8Array([0x68, 0x69, 0xc3, 0x28, 0xa0, 0xa1])]
	])('refuses %s at the file field', async (_label, bytes) => {
		const error = await refusal(inspectUpload(bytes, 'file.txt'));
		expect(error.code).toBe('BAD_REQUEST');
		expect(error.message).toBe(FILE_TYPE_REFUSED);
		expect(error.fieldErrors).toEqual({ file: [FILE_TYPE_REFUSED] });
	});

	it('refuses empty files and files over 25 MB', async () => {
		const empty = await refusal(inspectUpload(new Uint8Array(), 'empty.txt'));
		expect(empty.fieldErrors).toEqual({ file: [EMPTY_FILE] });
		const huge = await refusal(inspectUpload(new Uint8Array(MAX_ATTACHMENT_BYTES + 1).fill(0x61), 'a.txt'));
		expect(huge.code).toBe('BAD_REQUEST');
		expect(huge.fieldErrors).toEqual({ file: [FILE_TOO_LARGE] });
		const justFits = await inspectUpload(new Uint8Array(MAX_ATTACHMENT_BYTES).fill(0x61), 'a.txt');
		expect(justFits.contentType).toBe('text/plain');
	});
});

describe('sanitizeFileName', () => {
	it.each([
		['C:\\Users\\reception\\Desktop\\referral.pdf', 'application/pdf', 'referral.pdf'],
		['../../etc/passwd', 'text/plain', 'passwd.txt'],
		['  Dr   "Smith"\tletter\n2024.docx', DOCX, 'Dr Smith letter 2024.docx'],
		["O'Brien\u0000\u0007 scan.JPG", 'image/jpeg', 'OBrien scan.JPG'],
		['invoice\u202efdp.exe', 'application/pdf', 'invoicefdp.exe.pdf'],
		['', 'image/png', 'attachment.png'],
		['/uploads/', 'text/plain', 'attachment.txt'],
		['...', 'application/pdf', 'attachment.pdf'],
		['.hidden.txt', 'text/plain', 'hidden.txt'],
		['IMG_0001.HEIC', 'image/jpeg', 'IMG_0001.HEIC.jpg']
	])('%j as %s → %j', (raw, contentType, expected) => {
		expect(sanitizeFileName(raw, contentType)).toBe(expected);
	});

	it('limits names to 255 characters, keeping the extension and whole characters', () => {
		const long = sanitizeFileName(`${'a'.repeat(300)}.pdf`, 'application/pdf');
		expect(long).toHaveLength(255);
		expect(long.endsWith('aaa.pdf')).toBe(true);
		const emoji = sanitizeFileName(`${'😀'.repeat(300)}.txt`, 'text/plain');
		expect(Array.from(emoji)).toHaveLength(255);
		expect(emoji.endsWith('😀.txt')).toBe(true);
	});
});

// ---------------------------------------------------------------------------------------------

describe('storing attachment bytes', () => {
	let filesDir: string;
	const previous = process.env.CASEBOOK_FILES_DIR;

	beforeAll(async () => {
		filesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'casebook-files-'));
		process.env.CASEBOOK_FILES_DIR = filesDir;
		resetConfig();
	});
	afterAll(async () => {
		if (previous === undefined) delete process.env.CASEBOOK_FILES_DIR;
		else process.env.CASEBOOK_FILES_DIR = previous;
		resetConfig();
		await fs.rm(filesDir, { recursive: true, force: true });
	});

	async function readBack(storageKey: string): Promise<Uint8Array> {
		return new Uint8Array(await new Response(openAttachmentStream(storageKey)).arrayBuffer());
	}

	it('stores bytes under a random key, reads them back, and deletes them', async () => {
		const bytes = pdf();
		const stored = await storeAttachmentBytes(bytes);
		expect(stored.storageKey).toMatch(/^[a-f0-9]{32}$/);
		expect(stored.sizeBytes).toBe(bytes.byteLength);
		expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

		const file = path.join(filesDir, stored.storageKey.slice(0, 2), stored.storageKey);
		expect(new Uint8Array(await fs.readFile(file))).toEqual(bytes);
		expect(await readBack(stored.storageKey)).toEqual(bytes);
		// Nothing half-written is left beside it.
		expect(await fs.readdir(path.dirname(file))).toEqual([stored.storageKey]);
		if (process.platform !== 'win32') {
			expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
			expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
		}

		await deleteAttachmentBytes(stored.storageKey);
		await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
		// Deleting again is fine.
		await deleteAttachmentBytes(stored.storageKey);
	});

	it('streams a large file intact', async () => {
		const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7) % 251);
		const stored = await storeAttachmentBytes(bytes);
		const back = await readBack(stored.storageKey);
		expect(createHash('sha256').update(back).digest('hex')).toBe(stored.sha256);
		await deleteAttachmentBytes(stored.storageKey);
	});

	it('gives every upload its own key', async () => {
		const [a, b] = await Promise.all([storeAttachmentBytes(png()), storeAttachmentBytes(png())]);
		expect(a!.storageKey).not.toBe(b!.storageKey);
		expect(a!.sha256).toBe(b!.sha256);
	});

	it('is NOT_FOUND for a missing file, and refuses keys that are not its own', async () => {
		expect(() => openAttachmentStream('0'.repeat(32))).toThrow(
			expect.objectContaining({ code: 'NOT_FOUND' })
		);
		for (const key of ['../../etc/passwd', 'ABCDEF'.padEnd(32, '0'), '0'.repeat(31), `${'0'.repeat(32)}/`]) {
			expect(() => openAttachmentStream(key)).toThrow('Invalid attachment storage key');
			await expect(deleteAttachmentBytes(key)).rejects.toThrow('Invalid attachment storage key');
		}
	});

	it('reads the directory from the configuration: CASEBOOK_FILES_DIR, else <data dir>/files', () => {
		expect(parseConfig({ CASEBOOK_DATA_DIR: 'some/data' }).CASEBOOK_FILES_DIR).toBe(
			path.resolve('some/data/files')
		);
		expect(parseConfig({ CASEBOOK_FILES_DIR: 'elsewhere' }).CASEBOOK_FILES_DIR).toBe(
			path.resolve('elsewhere')
		);
	});
});
