import { pbkdf2 } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);
const BACKGROUND_NICE = 10;

function cpuTicksByThread(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    // Fields after the command name: state is the 1st, utime the 12th.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(Number(tid), Number(fields[11]));
  }
  return ticks;
}

/**
 * Password hashing runs on libuv's worker threads. On Linux each thread has its own nice value:
 * lowering the workers' priority keeps the event loop (every other request) responsive during a
 * burst of logins, while hashes still get every cycle the event loop leaves. The workers are
 * found as the threads that burn CPU while one hash per worker (poolSize, libuv's
 * UV_THREADPOOL_SIZE) runs. Returns how many were changed;
 * 0 where this is not possible (not Linux, no /proc).
 */
export async function lowerHashingPriority(poolSize: number): Promise<number> {
  try {
    const before = cpuTicksByThread();
    await Promise.all(
      Array.from({ length: poolSize }, () => pbkdf2Async('x', 'y', 60_000, 32, 'sha256')),
    );
    const after = cpuTicksByThread();
    let changed = 0;
    for (const [tid, ticks] of after) {
      if (tid === process.pid || ticks - (before.get(tid) ?? ticks) < 1) continue;
      setPriority(tid, BACKGROUND_NICE);
      changed += 1;
    }
    return changed;
  } catch {
    return 0;
  }
}
