import type { PurgeTask } from '../db/purge.js';
import { deleteEndedBlocks, deleteFailuresBefore } from './login-throttle-repository.js';
import { deleteFinishedFamilies } from './refresh-token-repository.js';

// Past the verifier's 30 s clock leeway, so a purge never refuses a token the verifier still accepts.
const EXPIRED_FAMILY_MARGIN_MS = 60_000;

/** What auth stores that stops mattering: finished refresh families, old failures, ended blocks. */
export function authPurgeTasks(settings: { loginFailureWindowMs: number }): PurgeTask[] {
  return [
    {
      name: 'refresh_families',
      deleteBatch: (db, now, limit) =>
        deleteFinishedFamilies(db, now - EXPIRED_FAMILY_MARGIN_MS, limit),
    },
    {
      name: 'login_failures',
      deleteBatch: (db, now, limit) =>
        deleteFailuresBefore(db, now - settings.loginFailureWindowMs, limit),
    },
    { name: 'login_blocks', deleteBatch: deleteEndedBlocks },
  ];
}
