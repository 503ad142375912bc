// Loaded with --import into the benchmarked server: times each request's phases through
// node:http's and Fastify's diagnostics channels and the moment the head is written. On SIGUSR2 it writes their medians
// (microseconds) to $BENCH_PHASE_FILE, then starts over.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

const file = process.env.BENCH_PHASE_FILE;
if (file) {
  const marks = new WeakMap();
  const phases = { toHandler: [], toHeaders: [], write: [], total: [] };
  const now = () => performance.now() * 1000;
  subscribe('http.server.request.start', ({ response }) => marks.set(response, { start: now() }));
  subscribe('tracing:fastify.request.handler:start', ({ reply }) => {
    const mark = marks.get(reply.raw);
    if (mark) mark.handler = now();
  });
  // Fastify writes the head once the handler's answer went through the onSend hooks.
  const writeHead = ServerResponse.prototype.writeHead;
  ServerResponse.prototype.writeHead = function (...args) {
    const mark = marks.get(this);
    if (mark) mark.head = now();
    return writeHead.apply(this, args);
  };
  subscribe('http.server.response.finish', ({ response }) => {
    const mark = marks.get(response);
    if (!mark?.handler || !mark.head) return;
    const end = now();
    phases.toHandler.push(mark.handler - mark.start);
    phases.toHeaders.push(mark.head - mark.handler);
    phases.write.push(end - mark.head);
    phases.total.push(end - mark.start);
  });
  const median = (values) => {
    const sorted = values.splice(0).sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
  };
  process.on('SIGUSR2', () => {
    const count = phases.total.length;
    const medians = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, median(v)]));
    writeFileSync(file, JSON.stringify({ count, ...medians }));
  });
}
