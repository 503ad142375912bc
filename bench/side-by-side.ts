// Recording the service's answers, replaying them from the bare baseline, and measuring both.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedResponse } from './baseline-server.js';
import { table } from './measure.js';
import { startListening, type Started } from './processes.js';
import { measure, type LoadCase, type Measurement } from './wrk.js';

const KEPT_HEADERS = new Set([
  'content-type',
  'etag',
  'vary',
  'link',
  'location',
  'cache-control',
  'www-authenticate',
]);

export async function record(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RecordedResponse> {
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const kept: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (
      KEPT_HEADERS.has(name) ||
      name.startsWith('x-') ||
      name.includes('policy') ||
      name.startsWith('strict') ||
      name.startsWith('origin') ||
      name.startsWith('referrer')
    )
      kept[name] = value;
  });
  const authorized = headers.authorization !== undefined;
  return {
    method,
    path,
    authorized,
    status: response.status,
    headers: kept,
    body: await response.text(),
  };
}

/** The bare node:http server answering with `recordings`. */
export function startBaseline(
  folder: string,
  name: string,
  recordings: RecordedResponse[],
): Promise<Started> {
  const file = join(folder, `${name}.json`);
  writeFileSync(file, JSON.stringify(recordings));
  return startListening(
    process.execPath,
    ['--import', 'tsx', 'bench/baseline-server.ts', file],
    {},
    /baseline listening on (\d+)/,
  );
}

export const SIDE_BY_SIDE_HEADERS = [
  'case',
  'conn',
  'req/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  '≥ 400 + errors',
  'baseline req/s',
  'baseline p99 ms',
  'ratio',
];

/** Each case against the service and the baseline, alternating who goes first. */
export async function sideBySide(
  service: Started,
  baseline: Started,
  cases: LoadCase[],
  seconds: number,
): Promise<{ rows: (string | number)[][]; results: [Measurement, Measurement][] }> {
  const rows: (string | number)[][] = [];
  const results: [Measurement, Measurement][] = [];
  for (const [index, load] of cases.entries()) {
    // Alternate who goes first, so neither always runs on a warmer or cooler machine.
    const order: [string, Started][] =
      index % 2 === 0
        ? [
            ['service', service],
            ['baseline', baseline],
          ]
        : [
            ['baseline', baseline],
            ['service', service],
          ];
    const measured: Record<string, Measurement> = {};
    for (const [label, target] of order) measured[label] = await measure(target.url, load, seconds);
    const s = measured.service as Measurement;
    const b = measured.baseline as Measurement;
    results.push([s, b]);
    rows.push([
      load.name,
      load.connections,
      s.rps,
      s.p50,
      s.p99,
      s.max,
      s.refused + s.errors,
      b.rps,
      b.p99,
      (s.rps / b.rps).toFixed(2),
    ]);
    console.log(
      `  ${load.name}: service ${s.rps} req/s (p99 ${s.p99} ms), baseline ${b.rps} req/s`,
    );
  }
  return { rows, results };
}

export const sideBySideTable = (rows: (string | number)[][]): string =>
  table(SIDE_BY_SIDE_HEADERS, rows);
