// Load from wrk, a C client that leaves the server the CPU: the requests are written into a Lua
// script that sends them in turn, so any mix a TypeScript case builds can be replayed.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadRequest {
  readonly method: string;
  /**
   * `{n}` (in the path or the body) becomes a counter of fixed width, so each request is one the
   * server has not seen; `{created}` in the path becomes the id an earlier 201 answer carried.
   */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadCase {
  readonly name: string;
  readonly connections: number;
  /** Sent in turn, over and over; a `{created}` request with no id at hand sends the one before. */
  readonly requests: readonly LoadRequest[];
  /** Sent with every request that names no headers of its own. */
  readonly headers?: Record<string, string>;
}

export interface Measurement {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Answers with a status of 400 or more. */
  readonly refused: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly requests: number;
}

const COUNTER = '\u0001'.repeat(10);
const CREATED = '\u0002';

let wrk: string | undefined;

/** wrk's path, installing Debian's package where it is missing and the user may; found once. */
export function wrkPath(): string {
  wrk ??= findOrInstallWrk();
  return wrk;
}

function findOrInstallWrk(): string {
  const found = () => {
    try {
      return execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const present = found();
  if (present) return present;
  try {
    const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
    const run = (args: string[]) => {
      const [command = '', ...rest] = [...asRoot, ...args];
      execFileSync(command, rest, {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    };
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', 'wrk']);
  } catch {
    // Reported below.
  }
  const installed = found();
  if (installed) return installed;
  throw new Error(
    'npm run bench needs wrk, a C load generator (a JavaScript client on the same cores measures ' +
      'itself as much as the server): install it with `apt-get install wrk` (Debian, Ubuntu) or ' +
      '`brew install wrk` (macOS), then run the benchmark again.',
  );
}

/** A Lua string literal: quotes, backslashes and control characters as decimal escapes. */
const lua = (text: string): string => {
  const escaped = [...text].map((c) => {
    const code = c.charCodeAt(0);
    return c === '\\' || c === '"' || code < 32 ? `\\${String(code).padStart(3, '0')}` : c;
  });
  return `"${escaped.join('')}"`;
};

function rawRequest(host: string, load: LoadCase, request: LoadRequest): string {
  const body = (request.body ?? '').replaceAll('{n}', COUNTER);
  const headers = request.headers ?? load.headers ?? {};
  const lines = [
    `${request.method} ${request.path.replaceAll('{n}', COUNTER).replace('{created}', CREATED)} HTTP/1.1`,
    `Host: ${host}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ...(request.body === undefined ? [] : [`Content-Length: ${Buffer.byteLength(body)}`]),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** The Lua script that sends `load`'s requests in turn and prints what wrk measured as JSON. */
export function wrkScript(host: string, load: LoadCase): string {
  const requests = load.requests.map((request) => lua(rawRequest(host, load, request)));
  const createsIds = load.requests.some(({ path }) => path.includes('{created}'));
  return `
local raw = { ${requests.join(',\n')} }
local parts = {}
for i, text in ipairs(raw) do
  local counted = text:find(${lua(COUNTER)}, 1, true)
  local created = text:find(${lua(CREATED)}, 1, true)
  if counted then
    parts[i] = { kind = "n", head = text:sub(1, counted - 1), tail = text:sub(counted + ${COUNTER.length}) }
  elseif created then
    parts[i] = { kind = "created", head = text:sub(1, created - 1), tail = text:sub(created + 1) }
  else
    parts[i] = { kind = "fixed", text = text }
  end
end
local next_index, counter, ids = 0, 0, {}

local function build(i)
  local part = parts[i]
  if part.kind == "fixed" then return part.text end
  if part.kind == "n" then
    counter = counter + 1
    return part.head .. string.format("%010d", counter) .. part.tail
  end
  local id = table.remove(ids)
  if id == nil then return build(i > 1 and i - 1 or #parts) end
  return part.head .. id .. part.tail
end

request = function()
  next_index = next_index % #parts + 1
  return build(next_index)
end
${
  createsIds
    ? `
response = function(status, headers, body)
  if status == 201 then
    local id = body:match('"id"%s*:%s*(%d+)')
    if id then table.insert(ids, id) end
  end
end`
    : ''
}

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"status":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;
}

const folder = mkdtempSync(join(tmpdir(), 'movies-wrk-'));
let scripts = 0;

/** `load` against `url` for `seconds`, from one wrk thread (the server gets the other core). */
export async function measure(url: string, load: LoadCase, seconds: number): Promise<Measurement> {
  const file = join(folder, `case-${(scripts += 1)}.lua`);
  writeFileSync(file, wrkScript(new URL(url).host, load));
  const child = spawn(
    wrkPath(),
    ['-t1', `-c${load.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', file, url],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = /WRK_RESULT (\{.*\})/.exec(output)?.[1];
  if (code !== 0 || !line) throw new Error(`wrk failed (${String(code)}): ${output}`);
  const result = JSON.parse(line) as Record<string, number>;
  const ms = (us: number | undefined) => Math.round((us ?? 0) / 10) / 100;
  return {
    rps: Math.round(((result.requests ?? 0) / (result.duration_us ?? 1)) * 1e6),
    p50: ms(result.p50_us),
    p99: ms(result.p99_us),
    max: ms(result.max_us),
    refused: result.status ?? 0,
    errors: result.errors ?? 0,
    requests: result.requests ?? 0,
  };
}
