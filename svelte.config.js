import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		// The app ships no inline scripts of its own beyond Kit's hydration bootstrap, which
		// 'auto' mode covers with a hash/nonce; everything else is same-origin only.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		// Kit's own cross-site form check (off with the '*' origin) cannot exempt one path, and Twilio's signed webhooks
		// (/webhooks/twilio/*) post forms without an Origin. hooks.server.ts applies the same check
		// to every other path.
		csrf: { trustedOrigins: ['*'] }
	}
};

export default config;
