import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { takingTurns } from '../../src/http/request-turns.js';

const fakeRequest = (name: string, destroyed = false) =>
  ({ name, socket: { destroyed } }) as unknown as IncomingMessage & { name: string };
const noResponse = {} as ServerResponse;

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('takingTurns', () => {
  it('When requests arrive together, then they start in arrival order, a few per event-loop iteration, and one whose client left is skipped', async () => {
    const started: string[] = [];
    // An iteration boundary: a timer fires only when the loop goes round.
    const iterationsBefore: number[] = [];
    let iterations = 0;
    const ticking = setInterval(() => (iterations += 1), 0);
    const handle = takingTurns((request) => {
      started.push((request as IncomingMessage & { name: string }).name);
      iterationsBefore.push(iterations);
      spin(0.6);
    }, 1);
    const names = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const name of names) handle(fakeRequest(name), noResponse);
    handle(fakeRequest('gone', true), noResponse);
    handle(fakeRequest('last'), noResponse);
    while (started.length < names.length + 1) await new Promise((r) => setTimeout(r, 5));
    clearInterval(ticking);
    assert.deepEqual(started, [...names, 'last']);
    // 0.6 ms each in turns of 1 ms: two per iteration, so the timer ran between them.
    const perIteration = new Map<number, number>();
    for (const at of iterationsBefore) perIteration.set(at, (perIteration.get(at) ?? 0) + 1);
    assert.ok(Math.max(...perIteration.values()) <= 2, JSON.stringify([...perIteration]));
  });
});
