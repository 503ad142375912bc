// Statements collected while working, while idle, in a worker thread and at exit must not take
// the process down: better-sqlite3 12 built against Node 24.19+ headers aborts in each of these.
//   node --expose-gc --import tsx scripts/sqlite-gc-probe.ts
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, Worker } from 'node:worker_threads';
import { openSqliteConnection, sqliteDriver } from '../src/db/sqlite-connection.js';

const STATEMENTS = 2000;

const collect = (): void => {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  globalThis.gc();
};

function prepareAndDrop(): number {
  const connection = openSqliteConnection(':memory:');
  let sum = 0;
  for (let i = 0; i < STATEMENTS; i++) {
    sum += (connection.prepare(`select ${i} as n`).get() as { n: number }).n;
  }
  collect();
  return sum;
}

const expected = (STATEMENTS * (STATEMENTS - 1)) / 2;
const check = (where: string, sum: number): void => {
  if (sum !== expected) throw new Error(`${where}: got ${sum}, expected ${expected}`);
};

if (isMainThread) {
  check('while working', prepareAndDrop());
  await sleep(50);
  collect();
  const exitCode = await new Promise<number>((resolve, reject) => {
    // The worker loads this file through tsx's API: Node 20 does not pass --import hooks on.
    const worker = new Worker(
      `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`,
      { eval: true, execArgv: [] },
    );
    worker.on('error', reject);
    worker.on('exit', resolve);
  });
  if (exitCode !== 0) throw new Error(`the worker thread exited with ${exitCode}`);
  // Left open and referenced: collected, if at all, at exit.
  const leftOpen = openSqliteConnection(':memory:');
  for (let i = 0; i < 100; i++) leftOpen.prepare(`select ${i}`).get();
  console.log(
    `${sqliteDriver} on Node ${process.version}: ${STATEMENTS} statements collected while working, idle, in a worker thread; alive`,
  );
} else {
  check('in a worker thread', prepareAndDrop());
  await sleep(20);
  collect();
}
