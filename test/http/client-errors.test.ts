// Requests Node's HTTP parser refuses before Fastify sees them, sent over raw sockets.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { parseRawAnswer as parse, productionServers } from '../http-client.js';
import type { RunningServer } from '../process.js';

/** Sends raw bytes and reads until the server closes the connection. */
function sendRaw(server: RunningServer, bytes: string): Promise<string> {
  const { hostname, port } = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

describe('Requests the HTTP parser refuses', () => {
  const server = productionServers({ settings: { CORS_ORIGINS: '*' } });

  const cases: Record<string, string> = {
    'a request line over 16 KiB': `GET /movies/?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'a header over 16 KiB': `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    'a header name with a space': 'GET /health HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n',
    'Content-Length beside Transfer-Encoding':
      'POST /auth/ HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'a NUL in a header value': 'GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n',
  };

  for (const [name, bytes] of Object.entries(cases)) {
    it(`When ${name} arrives, then 400 with the contract body and the usual headers`, async () => {
      const { status, headers, body } = parse(await sendRaw(server, bytes));
      assert.equal(status, 400);
      assert.equal(headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['access-control-allow-origin'], '*');
      const parsed = JSON.parse(body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(parsed).sort(), ['code', 'message', 'request_id']);
      assert.equal(parsed.code, 'bad_request');
      assert.equal(headers['x-request-id'], parsed.request_id);
    });
  }

  it('When the parser has refused requests, then the server still answers normally', async () => {
    const health = await fetch(`${server.baseUrl}/health`);
    assert.equal(health.status, 200);
  });
});
