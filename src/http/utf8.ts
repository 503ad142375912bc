import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

// Node reads the request target byte by byte (latin1), and Fastify's decoders, like
// Buffer#toString, turn bytes that are not UTF-8 into U+FFFD: two byte strings would become one.
const notUtf8 = (what: string) => new AppError(400, 'bad_request', `${what} is not valid UTF-8`);

const HEX = /^[0-9a-fA-F]{2}$/;
const MAY_HOLD_NON_ASCII = /[%\u0080-\uffff]/;

/** Whether a request target's bytes, raw or percent-encoded, are UTF-8 (path and query alike). */
export function isUtf8Target(target: string): boolean {
  if (!MAY_HOLD_NON_ASCII.test(target)) return true;
  const bytes: number[] = [];
  for (let i = 0; i < target.length; i += 1) {
    const code = target.charCodeAt(i);
    const escaped = code === 0x25 ? target.slice(i + 1, i + 3) : '';
    if (HEX.test(escaped)) {
      bytes.push(Number.parseInt(escaped, 16));
      i += 2;
    } else if (code <= 0xff) {
      bytes.push(code);
    } else {
      // Only a caller inside the process (inject) can hand over text beyond one byte a character.
      bytes.push(...Buffer.from(target.slice(i, i + 1), 'utf8'));
    }
  }
  return isUtf8(Buffer.from(bytes));
}

/**
 * A body, path or query that is not valid UTF-8 is a 400 before anything reads it: the JSON
 * parser takes the raw bytes and checks them, and every request's target is checked first.
 */
export function refuseInvalidUtf8(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(notUtf8('The request body'), undefined);
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
  app.addHook('onRequest', (request, _reply, done) => {
    done(isUtf8Target(request.raw.url ?? '/') ? undefined : notUtf8('The path or query'));
  });
}
