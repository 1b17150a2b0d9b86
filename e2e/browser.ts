// Real Chromium for e2e tests, driven by playwright-core (Debian's chromium; no browser download).
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(): string {
	const found = CANDIDATES.find((p): p is string => Boolean(p) && fs.existsSync(p!));
	if (!found) {
		throw new Error(
			'No Chromium found for the browser tests. Install it with `sudo apt-get update && sudo apt-get install -y chromium` ' +
				'(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.'
		);
	}
	return found;
}

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: findChromium(),
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync'
		]
	});
}

/** Navigates and waits until Svelte has hydrated the page, so clicks reach their handlers. */
export async function open(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
}
