import { describe, expect, it } from 'vitest';
import { assertShallowJson, BodyRefused, jsonDepth, readLimitedText } from './request-body.ts';

describe('jsonDepth', () => {
	it('counts nesting of arrays and objects, not brackets inside strings', () => {
		expect(jsonDepth('{"json":{"a":[1,2,{"b":3}]}}')).toBe(4);
		expect(jsonDepth('{"text":"[[[[{{{{"}')).toBe(1);
		expect(jsonDepth('{"text":"\\"[[[[\\""}')).toBe(1);
		expect(jsonDepth('"plain"')).toBe(0);
	});

	it('stops early on a very deep body', () => {
		const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
		expect(jsonDepth(deep, 32)).toBe(33);
		expect(() => assertShallowJson(deep)).toThrow(BodyRefused);
	});
});

describe('readLimitedText', () => {
	function streamed(size: number, declare = false): Request {
		const chunk = new Uint8Array(64 * 1024).fill(0x61);
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= size) return controller.close();
				sent += chunk.byteLength;
				controller.enqueue(chunk);
			}
		});
		const headers: Record<string, string> = declare ? { 'content-length': String(size) } : {};
		return new Request('http://x/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
	}

	it('reads a body under the limit', async () => {
		expect(
			(await readLimitedText(new Request('http://x/', { method: 'POST', body: 'hello' }), 10)).length
		).toBe(5);
	});

	it('refuses a declared length over the limit without reading the body', async () => {
		await expect(readLimitedText(streamed(10 * 1024 * 1024, true), 1024 * 1024)).rejects.toMatchObject({
			status: 413
		});
	});

	it('refuses a streamed body as soon as it passes the limit', async () => {
		await expect(readLimitedText(streamed(10 * 1024 * 1024), 1024 * 1024)).rejects.toMatchObject({
			status: 413
		});
	});
});
