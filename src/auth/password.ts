import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

const SCHEME = 'pbkdf2_sha256';
const SALT_BYTES = 16;
const DIGEST_BYTES = 32;
const MAX_ITERATIONS = 100_000_000;

interface ParsedHash {
  iterations: number;
  salt: Buffer;
  digest: Buffer;
}

function derive(password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, DIGEST_BYTES, 'sha256');
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== SCHEME) return null;
  const [, iterationsText = '', saltText = '', digestText = ''] = parts;
  if (!/^\d+$/.test(iterationsText)) return null;
  const iterations = Number(iterationsText);
  if (iterations < 1 || iterations > MAX_ITERATIONS) return null;
  const salt = Buffer.from(saltText, 'base64');
  const digest = Buffer.from(digestText, 'base64');
  if (salt.length === 0 || digest.length !== DIGEST_BYTES) return null;
  return { iterations, salt, digest };
}

function formatHash({ iterations, salt, digest }: ParsedHash): string {
  return `${SCHEME}$${iterations}$${salt.toString('base64')}$${digest.toString('base64')}`;
}

export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return formatHash({ iterations, salt, digest: await derive(password, salt, iterations) });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === null) return false;
  const candidate = await derive(password, parsed.salt, parsed.iterations);
  return timingSafeEqual(candidate, parsed.digest);
}

export function needsRehash(stored: string, iterations: number): boolean {
  const parsed = parseHash(stored);
  return parsed === null || parsed.iterations < iterations;
}

// Checked against when the username is unknown, so a miss costs as long as a wrong password.
export function dummyHash(iterations: number): string {
  return formatHash({
    iterations,
    salt: randomBytes(SALT_BYTES),
    digest: randomBytes(DIGEST_BYTES),
  });
}
