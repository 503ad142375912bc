import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Rows that are no longer needed, deleted a bounded batch at a time so no delete holds locks long. */
export interface PurgeTask {
  readonly name: string;
  /** Deletes at most `limit` rows that are useless at `now`; returns how many it deleted. */
  readonly deleteBatch: (db: Kysely<Database>, now: number, limit: number) => Promise<number>;
}

export const PURGE_BATCH_SIZE = 500;
export const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** Runs every task until it finds less than a full batch; safe to run on several instances at once. */
export async function purgeOnce(
  db: Kysely<Database>,
  tasks: readonly PurgeTask[],
  now: number = Date.now(),
  batchSize: number = PURGE_BATCH_SIZE,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const task of tasks) {
    let total = 0;
    for (;;) {
      const count = await task.deleteBatch(db, now, batchSize);
      total += count;
      if (count < batchSize) break;
    }
    deleted[task.name] = total;
  }
  return deleted;
}

export interface Purger {
  /** Stops the timer and waits for a purge in progress. */
  stop(): Promise<void>;
}

/** Purges every `intervalMs` in the background; the timer never keeps the process alive. */
export function startPurging(
  db: Kysely<Database>,
  tasks: readonly PurgeTask[],
  onError: (error: unknown) => void,
  intervalMs: number = PURGE_INTERVAL_MS,
): Purger {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(() => purgeOnce(db, tasks).then(() => undefined, onError));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
