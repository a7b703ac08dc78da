import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { HttpError } from './httpErrors';
import { readBody } from './readBody';

/** A server that answers what readBody gave: the body's length, or the error's status and code. */
async function echoServer(t: TestContext, limit: number): Promise<number> {
  const server = createServer((req, res) => {
    readBody(req, limit, 'TOO_BIG').then(
      (body) => res.end(`ok ${body.length} ${body.toString('utf8').slice(0, 5)}`),
      (e: HttpError) => {
        res.setHeader('Connection', 'close');
        res.end(`${e.status} ${e.errorCode} ${e.message}`);
        if (!req.complete) req.resume();
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => server.close(r)));
  return (server.address() as AddressInfo).port;
}

function post(port: number, chunks: string[], headers: Record<string, string | number> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    for (const c of chunks.slice(0, -1)) req.write(c);
    req.end(chunks[chunks.length - 1]);
  });
}

test('a body within the limit is read whole, declared or chunked', async (t) => {
  const port = await echoServer(t, 100);
  assert.equal(await post(port, ['hello', ' world']), 'ok 11 hello');
  assert.equal(await post(port, ['x'.repeat(100)], { 'Content-Length': 100 }), 'ok 100 xxxxx');
});

test('a body over the limit: 413 with the caller\'s code, from Content-Length or as a chunked upload grows, and the client gets the answer', async (t) => {
  const port = await echoServer(t, 100);
  const expected = '413 TOO_BIG the request body exceeds the limit of 100 bytes';
  assert.equal(await post(port, ['x'.repeat(101)], { 'Content-Length': 101 }), expected);
  assert.equal(await post(port, ['x'.repeat(60), 'x'.repeat(60), 'x'.repeat(5000)]), expected);
});
