import autocannon from 'autocannon';

export interface Measurement {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  /** 2xx answers per second (the rest may be refusals, such as 429s). */
  readonly okPerSecond: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly requests: number;
}

export interface LoadCase {
  readonly name: string;
  readonly connections: number;
  /** Expected status of every answer; others count in non2xx. */
  readonly requests: autocannon.Request[];
  readonly headers?: Record<string, string>;
}

/** Load for `seconds`, as fast as it goes, or at `overallRate` requests per second. */
export async function measure(
  url: string,
  load: LoadCase,
  seconds: number,
  overallRate?: number,
): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: load.connections,
    duration: seconds,
    headers: load.headers,
    requests: load.requests,
    ...(overallRate !== undefined && { overallRate }),
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    okPerSecond: Math.round((result['2xx'] / result.duration) * 10) / 10,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
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
