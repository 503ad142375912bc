import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HashGate } from '../../src/auth/hash-gate.js';

/** Work that finishes when the test says so, recording when it started. */
function controlled(log: string[], name: string) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

const limits = (
  queuedPerClient: number,
  extra: { queued?: number; startWithinMs?: number } = {},
) => ({
  queuedPerClient,
  running: 1,
  startWithinMs: extra.startWithinMs ?? 10_000,
  ...(extra.queued !== undefined && { queued: extra.queued }),
});

describe('HashGate', () => {
  it('When one client queues much work and another a little, then turns rotate between them', async () => {
    const gate = new HashGate(limits(10));
    const log: string[] = [];
    const jobs = ['a1', 'a2', 'a3', 'a4'].map((name) => controlled(log, name));
    const b = controlled(log, 'b1');
    const runs = jobs.map((job) => gate.run('198.51.100.1', job.work));
    await tick();
    const bRun = gate.run('203.0.113.9', b.work);
    for (const job of [jobs[0], b, jobs[1], jobs[2], jobs[3]]) {
      await tick();
      job?.finish();
    }
    await Promise.all([...runs, bRun]);
    assert.deepEqual(log, ['a1', 'b1', 'a2', 'a3', 'a4']);
    assert.equal(gate.clients, 0, 'nothing is kept once the work is done');
  });

  it('When two clients both flood, then they alternate turn by turn', async () => {
    const gate = new HashGate(limits(10));
    const log: string[] = [];
    const a = ['a1', 'a2', 'a3'].map((name) => controlled(log, name));
    const b = ['b1', 'b2', 'b3'].map((name) => controlled(log, name));
    const runs = [
      ...a.map((job) => gate.run('198.51.100.1', job.work)),
      ...b.map((job) => gate.run('203.0.113.9', job.work)),
    ];
    for (const job of [a[0], b[0], a[1], b[1], a[2], b[2]]) {
      await tick();
      job?.finish();
    }
    await Promise.all(runs);
    assert.deepEqual(log, ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  it('When a client has its bound of checks waiting, then the next is 429 at once, others are not', async () => {
    const gate = new HashGate(limits(2));
    const log: string[] = [];
    const jobs = ['x1', 'x2', 'x3'].map((name) => controlled(log, name));
    const runs = jobs.map((job) => gate.run('192.0.2.1', job.work));
    await assert.rejects(
      gate.run('192.0.2.1', async () => 'x4'),
      (error: { statusCode?: number; headers?: Record<string, string> }) =>
        error.statusCode === 429 && Number(error.headers?.['retry-after']) >= 1,
    );
    const other = gate.run('192.0.2.2', async () => 'y1');
    for (const job of jobs) {
      await tick();
      job.finish();
    }
    assert.deepEqual(await Promise.all([...runs, other]), ['x1', 'x2', 'x3', 'y1']);
  });

  it('When many clients wait at once, then past the total bound each newcomer is 503 at once', async () => {
    const gate = new HashGate(limits(1, { queued: 3 }));
    const log: string[] = [];
    const jobs = Array.from({ length: 4 }, (_, i) => controlled(log, `c${i}`));
    const runs = jobs.map((job, i) => gate.run(`198.51.100.${i + 1}`, job.work));
    await assert.rejects(
      gate.run('198.51.100.99', async () => 'late'),
      { statusCode: 503 },
    );
    for (const job of jobs) {
      await tick();
      job.finish();
    }
    assert.deepEqual(await Promise.all(runs), ['c0', 'c1', 'c2', 'c3']);
    assert.equal(await gate.run('198.51.100.99', async () => 'later'), 'later');
  });

  it('When a check cannot start before its deadline, then it is 503 with Retry-After and never runs', async () => {
    const gate = new HashGate(limits(5, { startWithinMs: 30 }));
    const log: string[] = [];
    const slow = controlled(log, 'slow');
    const running = gate.run('192.0.2.7', slow.work);
    const late = gate.run('192.0.2.8', async () => {
      log.push('late');
      return 'late';
    });
    await assert.rejects(
      late,
      (error: { statusCode?: number; headers?: Record<string, string> }) =>
        error.statusCode === 503 && Number(error.headers?.['retry-after']) >= 1,
    );
    slow.finish();
    assert.equal(await running, 'slow');
    assert.deepEqual(log, ['slow'], 'the refused check never ran');
    assert.equal(gate.clients, 0, 'the refused check left nothing behind');
    assert.equal(await gate.run('192.0.2.8', async () => 'next'), 'next');
  });

  it('When the work fails, then its turn is given back', async () => {
    const gate = new HashGate(limits(1));
    await assert.rejects(gate.run('192.0.2.5', () => Promise.reject(new Error('boom'))));
    assert.equal(await gate.run('192.0.2.5', async () => 'again'), 'again');
  });
});
