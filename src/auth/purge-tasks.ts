import type { PurgeTask } from '../db/purge.js';
import { purgeIdleCounters } from './attempt-counter-repository.js';
import { deleteFinishedFamilies } from './refresh-token-repository.js';

// Past the verifier's 30 s clock leeway, so a purge never refuses a token the verifier still accepts.
const EXPIRED_FAMILY_MARGIN_MS = 60_000;

/** What auth stores that stops mattering: finished refresh families, idle attempt counters. */
export function authPurgeTasks(settings: { loginFailureWindowMs: number }): PurgeTask[] {
  // Registrations count per minute, logins per failure window: a counter idle past both is done.
  const longestWindowMs = Math.max(settings.loginFailureWindowMs, 60_000);
  return [
    {
      name: 'refresh_families',
      deleteBatch: (db, now, limit) =>
        deleteFinishedFamilies(db, now - EXPIRED_FAMILY_MARGIN_MS, limit),
    },
    {
      name: 'attempt_counters',
      deleteBatch: (db, now, limit) => purgeIdleCounters(db, now, longestWindowMs, limit),
    },
  ];
}
