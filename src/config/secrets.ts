import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Env } from './read.js';

export type NodeEnv = 'development' | 'production' | 'test';

const MIN_PRODUCTION_SECRET_BYTES = 32;
// Each is tried at most once per token without a kid: keep that bounded.
export const MAX_PREVIOUS_SECRETS = 5;

// Development only: one random secret per data folder, readable by its owner alone.
function loadOrCreateDevelopmentSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(dataDir, { recursive: true });
  const secret = Buffer.from(randomBytes(48).toString('base64url'));
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

export function readJwtSecret(env: Env, nodeEnv: NodeEnv, dataDir: string): Buffer {
  const raw = env.JWT_SECRET;
  if (raw !== undefined && raw !== '') {
    const secret = Buffer.from(raw, 'utf8');
    if (nodeEnv === 'production' && secret.length < MIN_PRODUCTION_SECRET_BYTES) {
      throw new ConfigError(
        `JWT_SECRET must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production, got ${secret.length}`,
      );
    }
    return secret;
  }
  if (nodeEnv === 'production') {
    throw new ConfigError(
      `JWT_SECRET is required in production (at least ${MIN_PRODUCTION_SECRET_BYTES} bytes); generate one with: openssl rand -base64 48`,
    );
  }
  return loadOrCreateDevelopmentSecret(dataDir);
}

// Comma-separated, used as UTF-8 bytes like JWT_SECRET; entries that are empty or padded with
// spaces are refused rather than guessed at, since a wrong guess logs everyone out.
export function readPreviousSecrets(env: Env, nodeEnv: NodeEnv): Buffer[] {
  const raw = env.JWT_PREVIOUS_SECRETS;
  if (raw === undefined || raw === '') return [];
  const entries = raw.split(',');
  if (entries.length > MAX_PREVIOUS_SECRETS) {
    throw new ConfigError(
      `JWT_PREVIOUS_SECRETS lists ${entries.length} secrets; at most ${MAX_PREVIOUS_SECRETS} (drop those whose tokens have expired)`,
    );
  }
  return entries.map((entry, index) => {
    const position = `JWT_PREVIOUS_SECRETS entry ${index + 1} of ${entries.length}`;
    if (entry === '') {
      throw new ConfigError(`${position} is empty (secrets are separated by commas, no spaces)`);
    }
    if (entry.trim() !== entry) {
      throw new ConfigError(`${position} starts or ends with a space (separate by commas only)`);
    }
    const secret = Buffer.from(entry, 'utf8');
    if (nodeEnv === 'production' && secret.length < MIN_PRODUCTION_SECRET_BYTES) {
      throw new ConfigError(
        `${position} must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production, got ${secret.length}`,
      );
    }
    return secret;
  });
}
