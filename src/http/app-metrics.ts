import { METHODS } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BLOCK_REASONS, type AuthEvents } from '../shared/auth-events.js';
import type { PoolUsage } from '../db/database.js';

/** What the catalog response cache has done since start, and what it holds now. */
export interface CacheUsage {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

const KNOWN_METHODS = new Set(METHODS);
// Gauges named like counters (promtool refuses them); the same counts remain by type, summable.
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const statusClassOf = (statusCode: number): string => `${Math.floor(statusCode / 100)}xx`;

function authCounters(registry: Registry): AuthEvents {
  const registers = [registry];
  const failedLogins = new Counter({
    name: 'auth_failed_logins_total',
    help: 'Password checks that failed: logins by username or email, and old passwords of password changes',
    registers,
  });
  const blocked = new Counter({
    name: 'auth_blocked_attempts_total',
    help: 'Logins, registrations and password checks refused: with 429 by the login throttle, the registration limit or the hash queue of one client (hash_gate), with 503 when a check could not start in time (hash_saturated)',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const reason of BLOCK_REASONS) blocked.inc({ reason }, 0);
  const reuses = new Counter({
    name: 'auth_refresh_token_reuse_total',
    help: 'Retired refresh tokens presented after their grace period (their family is revoked)',
    registers,
  });
  return {
    failedLogin: () => failedLogins.inc(),
    blocked: (reason) => blocked.inc({ reason }),
    refreshTokenReused: () => reuses.inc(),
  };
}

/** Gauges set at each scrape from one field each of what `read` gives. */
function gaugesOf<T>(
  registry: Registry,
  read: () => T,
  gauges: readonly (readonly [name: string, help: string, field: keyof T])[],
): void {
  for (const [name, help, field] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(Number(read()[field]));
      },
    });
  }
}

function poolGauges(registry: Registry, readPool: () => PoolUsage): void {
  gaugesOf(registry, readPool, [
    ['db_pool_connections_in_use', 'PostgreSQL pool connections checked out', 'inUse'],
    ['db_pool_connections_idle', 'PostgreSQL pool connections open and idle', 'idle'],
    ['db_pool_waiting_requests', 'Queries waiting for a PostgreSQL pool connection', 'waiting'],
  ]);
}

/**
 * The Prometheus metrics of one app: a registry of its own (tests build many apps in one
 * process), with the process defaults, request durations, the PostgreSQL pool (absent on
 * SQLite, which has none), the response cache and the auth events.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly auth: AuthEvents;
  private readonly requestDuration: Histogram<'method' | 'route' | 'status_class'>;

  constructor(readPool: (() => PoolUsage) | null) {
    collectDefaultMetrics({ register: this.registry });
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(name);
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'] as const,
      registers: [this.registry],
    });
    this.auth = authCounters(this.registry);
    if (readPool !== null) poolGauges(this.registry, readPool);
  }

  /** route: the pattern a request matched (never its URL, so clients cannot add series). */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.requestDuration.observe(
      {
        method: KNOWN_METHODS.has(method) ? method : 'other',
        route,
        status_class: statusClassOf(statusCode),
      },
      seconds,
    );
  }

  /** Reports the response cache, read at each scrape. */
  watchCatalogCache(readCache: () => CacheUsage): void {
    const registers = [this.registry];
    const counters: [string, string, 'hits' | 'misses'][] = [
      ['response_cache_hits_total', 'Catalog reads answered from the response cache', 'hits'],
      [
        'response_cache_misses_total',
        'Catalog reads the response cache could not answer',
        'misses',
      ],
    ];
    for (const [name, help, field] of counters) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(readCache()[field]);
        },
      });
    }
    gaugesOf(this.registry, readCache, [
      ['response_cache_entries', 'Answers kept in the response cache', 'entries'],
      ['response_cache_bytes', 'Bytes the kept answers are counted for', 'bytes'],
    ]);
  }
}
