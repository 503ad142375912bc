// The one place autocannon stays: reads at a fixed rate (the login storm's), which wrk cannot
// send; wrk (wrk.ts) measures everything that goes as fast as it can.
import autocannon from 'autocannon';
import type { LoadCase } from './wrk.js';

export interface RateMeasurement {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** 2xx answers per second (the rest may be refusals, such as 429s). */
  readonly okPerSecond: number;
}

/** `load` for `seconds` at `overallRate` requests per second, or as fast as it goes. */
export async function measureAtRate(
  url: string,
  load: LoadCase,
  seconds: number,
  overallRate?: number,
): Promise<RateMeasurement> {
  const result = await autocannon({
    url,
    connections: load.connections,
    duration: seconds,
    headers: load.headers,
    requests: load.requests.map(({ method, path, body }) => ({
      method: method as autocannon.Request['method'],
      path,
      body,
    })),
    ...(overallRate !== undefined && { overallRate }),
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    okPerSecond: Math.round((result['2xx'] / result.duration) * 10) / 10,
  };
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => String(row[i]).length)),
  );
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((cell, i) => String(cell).padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}
