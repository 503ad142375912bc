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

describe('HashGate', () => {
  it('When one client queues much work and another a little, then turns rotate between them', async () => {
    const gate = new HashGate({ perClient: 10, running: 1 });
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

  it('When a client has its bound of work pending, then the next is 429 at once, others are not', async () => {
    const gate = new HashGate({ perClient: 2, running: 1 });
    const log: string[] = [];
    const first = controlled(log, 'x1');
    const second = controlled(log, 'x2');
    const runs = [gate.run('192.0.2.1', first.work), gate.run('192.0.2.1', second.work)];
    await assert.rejects(
      gate.run('192.0.2.1', async () => 'x3'),
      { statusCode: 429 },
    );
    const other = gate.run('192.0.2.2', async () => 'y1');
    first.finish();
    second.finish();
    assert.deepEqual(await Promise.all([...runs, other]), ['x1', 'x2', 'y1']);
  });

  it('When many clients wait at once, then past the total bound each newcomer is 429 at once', async () => {
    const gate = new HashGate({ perClient: 1, running: 1, queued: 3 });
    const log: string[] = [];
    const jobs = Array.from({ length: 4 }, (_, i) => controlled(log, `c${i}`));
    const runs = jobs.map((job, i) => gate.run(`198.51.100.${i + 1}`, job.work));
    await assert.rejects(
      gate.run('198.51.100.99', async () => 'late'),
      { statusCode: 429 },
    );
    for (const job of jobs) {
      await tick();
      job.finish();
    }
    assert.deepEqual(await Promise.all(runs), ['c0', 'c1', 'c2', 'c3']);
    assert.equal(await gate.run('198.51.100.99', async () => 'later'), 'later');
  });

  it('When the work fails, then its turn is given back', async () => {
    const gate = new HashGate({ perClient: 1, running: 1 });
    await assert.rejects(gate.run('192.0.2.5', () => Promise.reject(new Error('boom'))));
    assert.equal(await gate.run('192.0.2.5', async () => 'again'), 'again');
  });
});
