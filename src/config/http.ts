import { ConfigError, type Env } from './read.js';

export type TrustProxy = boolean | number | string[];
/** TRUST_PROXY as Fastify takes it: a hop count becomes "trust the nearest n hops". */
export type TrustProxyOption = boolean | string[] | ((address: string, hop: number) => boolean);

/** The largest request body; its 413 message names it in KiB. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const MIN_METRICS_TOKEN_LENGTH = 16;

export function readTrustProxy(env: Env): TrustProxy {
  const raw = env.TRUST_PROXY;
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((part) => part.trim());
  if (addresses.some((part) => !/^[0-9a-fA-F.:/]+$/.test(part))) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a hop count or a list of proxy addresses, got "${raw}"`,
    );
  }
  return addresses;
}

export function trustProxyOptionOf(trustProxy: TrustProxy): TrustProxyOption {
  return typeof trustProxy === 'number'
    ? (_address: string, hop: number) => hop < trustProxy
    : trustProxy;
}

export function readCorsOrigins(env: Env): '*' | string[] | null {
  const raw = env.CORS_ORIGINS?.trim();
  if (raw === undefined || raw === '') return null;
  if (raw === '*') return '*';
  const origins = raw.split(',').map((origin) => origin.trim().replace(/\/+$/, ''));
  const bad = origins.find((origin) => !/^https?:\/\/[^/\s]+$/.test(origin));
  if (bad !== undefined) {
    throw new ConfigError(
      `CORS_ORIGINS must be * or a comma-separated list of origins such as http://localhost:3000, got "${bad}"`,
    );
  }
  return origins;
}

// A token a scraper can send as it is: RFC 6750's b64token (base64, base64url or hex).
export function readMetricsToken(env: Env): string | null {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (raw.length < MIN_METRICS_TOKEN_LENGTH || !/^[A-Za-z0-9\-._~+/]+=*$/.test(raw)) {
    throw new ConfigError(
      `METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters of letters, digits and -._~+/= (got ${raw.length} characters); generate one with: openssl rand -hex 32`,
    );
  }
  return raw;
}
