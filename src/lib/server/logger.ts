// JSON logs with request and job ids, shared by web, worker and CLI.
import { pino } from 'pino';
import { getConfig } from './config.ts';

export const logger = pino({
	level: process.env.LOG_LEVEL ?? 'info',
	base: { service: process.env.CASEBOOK_SERVICE ?? 'casebook' },
	timestamp: pino.stdTimeFunctions.isoTime,
	redact: { paths: ['password', '*.password', 'token', '*.token', 'authorization'], remove: true }
});

export type Logger = typeof logger;

/** Re-reads the level once config is known to be valid (LOG_LEVEL is validated there). */
export function applyLogLevel(): void {
	logger.level = getConfig().LOG_LEVEL;
}
