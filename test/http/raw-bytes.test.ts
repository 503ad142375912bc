// Bytes that are not UTF-8, and passwords holding control characters, sent over raw sockets to a
// real server process: nothing is ever stored with its bytes replaced by U+FFFD.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { before, describe, it } from 'node:test';
import { accessTokenOf, call, parseRawAnswer, productionServers } from '../http-client.js';
import type { RunningServer } from '../process.js';

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** Sends a request whose target and body are the given bytes (latin1: one char, one byte). */
function sendBytes(
  server: RunningServer,
  {
    method,
    target,
    body,
    token,
  }: { method: string; target: string; body?: string; token?: string },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(server.baseUrl);
  const payload = body === undefined ? undefined : Buffer.from(body, 'latin1');
  const head = [
    `${method} ${target} HTTP/1.1`,
    'Host: x',
    'Connection: close',
    ...(token ? [`Authorization: Bearer ${token}`] : []),
    ...(payload ? ['Content-Type: application/json', `Content-Length: ${payload.length}`] : []),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      // No half-close: Node's server drops a connection whose client ended it before the answer.
      socket.write(Buffer.from(`${head}\r\n\r\n`, 'latin1'));
      if (payload) socket.write(payload);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      const { status, body } = parseRawAnswer(Buffer.concat(chunks).toString('utf8'));
      resolve({ status, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} });
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

describe('Bytes that are not UTF-8 (one server process)', () => {
  const server = productionServers({
    users: [{ username: 'boss', password: 'boss-password', role: 'admin' }],
  });
  let admin = '';
  before(async () => {
    admin = await accessTokenOf(server, 'boss', 'boss-password');
  });

  const usernames = async (): Promise<string[]> => {
    const list = await call(server, 'GET', '/users/?per_page=100', { token: admin });
    return (list.body as unknown as { username: string }[]).map((user) => user.username);
  };

  it('When a registration body holds bytes that are not UTF-8, then 400 and no user is stored', async () => {
    const before = await usernames();
    for (const name of ['\xff\xfe\xc3(', '\xfe\xff\xc3(', '\xc0\xaf']) {
      const answer = await sendBytes(server, {
        method: 'POST',
        target: '/users/',
        body: `{"username":"${name}","password":"long-enough-1"}`,
      });
      assert.equal(answer.status, 400, `${JSON.stringify(name)}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, 'bad_request');
      assert.match(String(answer.body.message), /UTF-8/);
    }
    assert.deepEqual(await usernames(), before, 'nothing was stored');
  });

  it('When a body is valid UTF-8 sent as raw bytes, then it is stored exactly', async () => {
    const answer = await sendBytes(server, {
      method: 'POST',
      target: '/users/',
      // "Élodie" in UTF-8, byte by byte.
      body: '{"username":"\xc3\x89lodie","password":"long-enough-1"}',
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.ok((await usernames()).includes('Élodie'));
  });

  it('When a movie is patched with a title that is not UTF-8, then 400 and the movie is unchanged', async () => {
    const before = await call(server, 'GET', '/movies/1', { token: admin });
    const answer = await sendBytes(server, {
      method: 'PATCH',
      target: '/movies/1',
      token: admin,
      body: '{"title":"Bad \xe9t\xe9"}',
    });
    assert.equal(answer.status, 400);
    assert.deepEqual((await call(server, 'GET', '/movies/1', { token: admin })).body, before.body);
  });

  for (const target of [
    '/movies/?q=%FF%FE',
    '/movies/?q=\xc3(',
    '/movies/?q=%C3',
    '/genres/\xff',
    '/directors/%C3%28',
  ]) {
    it(`When the target ${JSON.stringify(target)} is not UTF-8, then 400 with the contract body`, async () => {
      const answer = await sendBytes(server, { method: 'GET', target, token: admin });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.code, 'bad_request');
      assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'message', 'request_id']);
    });
  }

  // Raw bytes beyond ASCII in a target are refused by Node's HTTP parser already (400 above).
  it('When a query or path holds percent-encoded UTF-8, then it is read as that text', async () => {
    for (const target of [
      '/movies/?q=%D0%A8%D0%BE%D1%83',
      '/movies/?q=%C3%A9t%C3%A9',
      '/genres/?q=%E2%82%AC',
    ]) {
      const answer = await sendBytes(server, { method: 'GET', target, token: admin });
      assert.equal(answer.status, 200, `${target}: ${JSON.stringify(answer.body)}`);
    }
  });
});

describe('Passwords with control characters (one server process)', () => {
  const server = productionServers({ settings: { TRUST_PROXY: 'true' } });

  it('When a password holds NUL and other control characters, then it registers, logs in exactly, and changes', async () => {
    const password = 'fz2y435w\u0000z\u0001\u001f\u007f\t';
    const made = await call(server, 'POST', '/users/', {
      body: { username: 'nul-pass', password },
      from: '192.0.2.1',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const login = await call(server, 'POST', '/auth/', {
      body: { username: 'nul-pass', password },
    });
    assert.equal(login.status, 201);
    const cut = await call(server, 'POST', '/auth/', {
      body: { username: 'nul-pass', password: 'fz2y435w' },
    });
    assert.equal(cut.status, 401, 'the password is not cut at the NUL');
    const next = 'next\u0000\u0000\u0000password';
    const changed = await call(server, 'PUT', '/user/password/', {
      body: { old_password: password, new_password: next },
      token: String(login.body.access_token),
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    const again = await call(server, 'POST', '/auth/', {
      body: { username: 'nul-pass', password: next },
    });
    assert.equal(again.status, 201);
  });

  it('When a password holds an unpaired surrogate, then 400 naming the password, nothing stored', async () => {
    const answer = await call(server, 'POST', '/users/', {
      body: { username: 'half-pair', password: 'abcdefgh\ud800' },
      from: '192.0.2.2',
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 'validation_error');
    assert.ok('password' in (answer.body.errors as object), JSON.stringify(answer.body));
    const retry = await call(server, 'POST', '/users/', {
      body: { username: 'half-pair', password: 'abcdefgh-fine' },
      from: '192.0.2.2',
    });
    assert.equal(retry.status, 201, 'the username was not taken by the refused attempt');
  });

  it('When a username holds NUL, then it is still refused', async () => {
    const answer = await call(server, 'POST', '/users/', {
      body: { username: 'nul\u0000name', password: 'long-enough-1' },
      from: '192.0.2.3',
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, 'validation_error');
  });
});
