import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * JSON lines on stdout, buffered: written in blocks of 4 KiB, or every 200 ms when quieter, so a
 * busy server makes a write a few dozen requests instead of one per request. Flushed at exit.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    { level },
    pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 }),
  );
}
