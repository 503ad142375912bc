import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const SCHEME = 'pbkdf2_sha256';
// Imported from the Flask service: one global salt for everyone; replaced at the next login.
const LEGACY_SCHEME = 'flask_pbkdf2_sha256';
const SALT_BYTES = 16;
const DIGEST_BYTES = 32;
const MAX_ITERATIONS = 100_000_000;

interface ParsedHash {
  legacy: boolean;
  iterations: number;
  salt: Buffer;
  digest: Buffer;
}

function derive(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, DIGEST_BYTES, 'sha256');
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 4 || (parts[0] !== SCHEME && parts[0] !== LEGACY_SCHEME)) return null;
  const [, iterationsText = '', saltText = '', digestText = ''] = parts;
  if (!/^\d+$/.test(iterationsText)) return null;
  const iterations = Number(iterationsText);
  if (iterations < 1 || iterations > MAX_ITERATIONS) return null;
  const salt = Buffer.from(saltText, 'base64');
  const digest = Buffer.from(digestText, 'base64');
  if (salt.length === 0 || digest.length !== DIGEST_BYTES) return null;
  return { legacy: parts[0] === LEGACY_SCHEME, iterations, salt, digest };
}

function formatHash({ legacy, iterations, salt, digest }: ParsedHash): string {
  const scheme = legacy ? LEGACY_SCHEME : SCHEME;
  return `${scheme}$${iterations}$${salt.toString('base64')}$${digest.toString('base64')}`;
}

/** The stored form of a Flask hash: base64(pbkdf2_hmac('sha256', password, salt, iterations)). */
export function legacyFlaskHash(digestBase64: string, salt: string, iterations: number): string {
  return formatHash({
    legacy: true,
    iterations,
    salt: Buffer.from(salt, 'utf8'),
    digest: Buffer.from(digestBase64, 'base64'),
  });
}

export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return formatHash({
    legacy: false,
    iterations,
    salt,
    digest: await derive(password, salt, iterations),
  });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === null) return false;
  const candidate = await derive(password, parsed.salt, parsed.iterations);
  return timingSafeEqual(candidate, parsed.digest);
}

export function needsRehash(stored: string, iterations: number): boolean {
  const parsed = parseHash(stored);
  return parsed === null || parsed.legacy || parsed.iterations < iterations;
}

// Checked against when the username is unknown, so a miss costs as long as a wrong password.
export function dummyHash(iterations: number): string {
  return formatHash({
    legacy: false,
    iterations,
    salt: randomBytes(SALT_BYTES),
    digest: randomBytes(DIGEST_BYTES),
  });
}
