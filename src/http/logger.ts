import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config.js';

// A reader slower than a flood of requests (each line carries the URL) must not grow memory.
const MAX_PENDING_LOG_BYTES = 16 * 1024 * 1024;

/**
 * JSON lines on stdout, buffered: written in blocks of 4 KiB, or every 200 ms when quieter, so a
 * busy server makes a write a few dozen requests instead of one per request. Flushed at exit.
 * Lines beyond 16 MiB not yet written are dropped.
 */
export function createLogger(level: LogLevel): Logger {
  return pino(
    { level },
    pino.destination({
      dest: 1,
      sync: false,
      minLength: 4096,
      periodicFlush: 200,
      maxLength: MAX_PENDING_LOG_BYTES,
    }),
  );
}
