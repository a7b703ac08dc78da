/**
 * #12 parts 5, 6, 9: HTTP abuse against both servers, run for real through
 * the CLI on 127.0.0.1: `runlens serve <run>` (MLflow's scoring protocol) and
 * `runlens server` (MLflow's tracking API). Every case asserts the exact
 * status and JSON error body, and that nothing was written: the request log
 * gains no line for a refused request, the store no experiment or artifact,
 * the workspace no file.
 */
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { maxHeaderSize } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rawHttp, rawSocket } from '../../src/http/testing/rawHttp';
import type { RawReply } from '../../src/http/testing/rawHttp';
import { RunStore } from '../../src/store/runStore';
import { makeWorkspace, runCli, spawnCli } from '../fixtures/workspace';

const ws = makeWorkspace();
after(() => ws.cleanup());
const storeDir = path.join(ws.dir, '.runlens');
const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

/** A CLI server child, once it printed the line `started` matches; stopped with SIGTERM after the file's tests (see `servers`). */
async function startServer(args: string[], started: RegExp): Promise<{ child: ChildProcessWithoutNullStreams; port: number; out: () => string }> {
  const child = spawnCli(ws.dir, args);
  let out = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      const m = started.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`runlens ${args.join(' ')} exited ${code} before it listened: ${out}`)));
  });
  servers.push(child);
  return { child, port, out: () => out };
}

const servers: ChildProcessWithoutNullStreams[] = [];
after(async () => {
  await Promise.all(servers.map(async (child) => {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }));
});

/** Every file under the workspace but the ones a server legitimately rewrites (the database, the request log). */
function workspaceFiles(): string[] {
  return (fs.readdirSync(ws.dir, { recursive: true }) as string[])
    .filter((f) => !/^\.runlens\/(store\.db|serving\/)|^requests\.jsonl$/.test(f))
    .sort();
}

/** A header block over node's limit (16 KiB by default). */
const HUGE_HEADER = 'x'.repeat(maxHeaderSize + 1);

function error(reply: RawReply): [number, unknown] {
  return [reply.status, reply.json];
}

describe('runlens serve: refuses what a web page or a broken client sends', () => {
  let port: number;
  let logFile: string;
  let records: string;

  before(async () => {
    const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
    assert.equal(trained.code, 0, trained.stderr);
    const runId = (JSON.parse(trained.stdout) as { id: string }).id;
    logFile = path.join(ws.dir, 'requests.jsonl');
    ({ port } = await startServer(['serve', runId, '--port', '0', '--max-body-bytes', '4096', '--request-log', logFile, '--log-rate', '0'],
      /at http:\/\/127\.0\.0\.1:(\d+)\/invocations/));
    records = JSON.stringify({ dataframe_records: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }] });
  });

  const post = (headers: Record<string, string>, body: string) => rawHttp(port, 'POST', '/invocations', headers, body);

  /** The request log's lines once a marker request (3 rows) scored after `send` has been flushed: what `send` added, without the marker. */
  async function loggedBy(send: () => Promise<void>): Promise<Record<string, unknown>[]> {
    const lines = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : []);
    const before = lines().length;
    await send();
    const marker = JSON.stringify({ dataframe_records: Array.from({ length: 3 }, () => JSON.parse(records).dataframe_records[0] as unknown) });
    assert.equal((await post({ 'Content-Type': 'application/json' }, marker)).status, 200);
    // The log is flushed in the background (every 200 ms); wait for the marker, which is written after all that came before it.
    for (let i = 0; i < 600 && !lines().slice(before).some((l) => l.rows === 3 && l.status === 200); i++) await new Promise((r) => setTimeout(r, 50));
    const added = lines().slice(before);
    assert.deepEqual(added.at(-1)?.rows, 3, 'the marker request was logged');
    return added.slice(0, -1);
  }

  it('a foreign Host (DNS rebinding) gets 403 on every path, and nothing is logged', async () => {
    const logged = await loggedBy(async () => {
      for (const p of ['/invocations', '/ping', '/health', '/metrics']) {
        const r = await rawHttp(port, p === '/invocations' ? 'POST' : 'GET', p, { Host: `rebound.example:${port}`, 'Content-Type': 'application/json' }, p === '/invocations' ? records : undefined);
        assert.deepEqual(error(r), [403, { error_code: 'PERMISSION_DENIED', message: `Host "rebound.example:${port}" is not allowed; runlens serve on a loopback address answers localhost, 127.0.0.1 and [::1]` }], p);
      }
    });
    assert.deepEqual(logged, []);
  });

  it('no Content-Type, or one a page may send without a preflight, is 415 before the body is read; nothing is logged', async () => {
    const logged = await loggedBy(async () => {
      assert.deepEqual(error(await post({}, records)), [415, { error_code: 'UNSUPPORTED_MEDIA_TYPE', message: 'the request has no Content-Type; send application/json or text/csv' }]);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
        assert.deepEqual(error(await post({ 'Content-Type': type }, records)),
          [415, { error_code: 'UNSUPPORTED_MEDIA_TYPE', message: `content type "${type}" is not supported; send application/json or text/csv` }]);
      }
    });
    assert.deepEqual(logged, []);
  });

  it('a body over --max-body-bytes is 413, malformed JSON 400; each is logged as an error without inputs', async () => {
    const logged = await loggedBy(async () => {
      const big = JSON.stringify({ dataframe_records: Array.from({ length: 100 }, () => JSON.parse(records).dataframe_records[0] as unknown) });
      assert.deepEqual(error(await post({ 'Content-Type': 'application/json' }, big)), [413, { error_code: 'REQUEST_TOO_LARGE', message: 'the request body exceeds the limit of 4096 bytes' }]);
      assert.deepEqual(error(await post({ 'Content-Type': 'application/json' }, '{"dataframe_records": [')),
        [400, { error_code: 'BAD_REQUEST', message: 'the body is not valid JSON: Unexpected end of JSON input' }]);
    });
    assert.deepEqual(logged.map((l) => [l.status, l.rows, l.error, l.inputs]), [[413, 0, 'REQUEST_TOO_LARGE', undefined], [400, 0, 'BAD_REQUEST', undefined]]);
  });

  it('a request target that is no URL is a 400, not an uncaught exception that ends the server', async () => {
    for (const target of ['http://[', 'http://x:99999/invocations']) {
      const r = await rawSocket(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
      assert.deepEqual([r.status, r.json], [400, { error_code: 'MALFORMED_REQUEST', message: `the request target ${JSON.stringify(target)} is not a valid URL path` }]);
    }
    const slashes = await rawSocket(port, `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    assert.deepEqual([slashes.status, slashes.json], [404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'no endpoint //[; the endpoints are: /invocations, /ping, /health, /metrics, /version' }]);
    assert.equal((await rawHttp(port, 'GET', '/ping')).status, 200);
  });

  it('headers over node\'s limit are 431 in the same JSON shape, and the server keeps serving', async () => {
    const r = await rawHttp(port, 'GET', '/ping', { 'X-Padding': HUGE_HEADER });
    assert.deepEqual(error(r), [431, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: `the request headers exceed the limit of ${maxHeaderSize} bytes` }]);
    assert.equal((await rawHttp(port, 'GET', '/ping')).status, 200);
  });
});

describe('runlens server: refuses what it should, accepts what MLflow accepts', () => {
  let port: number;
  let runId: string;
  /** `<experiment>/<run>/artifacts`, as the run's artifact_uri names it. */
  let runArtifacts: string;

  before(async () => {
    ({ port } = await startServer(['server', '--port', '0', '--quiet'], /^listening on http:\/\/127\.0\.0\.1:(\d+)$/m));
    const created = await rawHttp(port, 'POST', `${API}/runs/create`, { 'Content-Type': 'application/json' }, JSON.stringify({ experiment_id: '0' }));
    assert.equal(created.status, 200, created.text);
    const info = (created.json as { run: { info: { run_id: string; artifact_uri: string } } }).run.info;
    runId = info.run_id;
    runArtifacts = info.artifact_uri.slice('mlflow-artifacts:/'.length);
    assert.equal((await rawHttp(port, 'PUT', `${ARTIFACTS}/${runArtifacts}/kept.txt`, {}, 'kept')).status, 200);
  });

  /** Runs `send`, then asserts the store and the workspace are as they were: same experiments, same artifacts, no new file. */
  async function writesNothing(send: () => Promise<void>): Promise<void> {
    const snapshot = () => {
      const store = RunStore.open(storeDir, { readonly: true });
      try {
        return { experiments: store.listExperiments().map((e) => e.name), artifacts: store.listArtifacts(runId).map((a) => a.path), files: workspaceFiles() };
      } finally {
        store.close();
      }
    };
    const before = snapshot();
    await send();
    assert.deepEqual(snapshot(), before);
  }

  const json = { 'Content-Type': 'application/json' };

  it('a foreign Host gets 403 and writes nothing', async () => {
    await writesNothing(async () => {
      const r = await rawHttp(port, 'POST', `${API}/experiments/create`, { ...json, Host: `rebound.example:${port}` }, '{"name":"rebound"}');
      assert.deepEqual(error(r), [403, { error_code: 'PERMISSION_DENIED', message: `Host "rebound.example:${port}" is not allowed; runlens server on a loopback address answers localhost, 127.0.0.1 and [::1]` }]);
    });
  });

  it('no or a non-JSON Content-Type is 400 with MLflow\'s message, and writes nothing', async () => {
    await writesNothing(async () => {
      for (const [headers, got] of [[{}, ''], [{ 'Content-Type': 'text/plain' }, 'text/plain']] as const) {
        const r = await rawHttp(port, 'POST', `${API}/experiments/create`, headers, '{"name":"csrf"}');
        assert.deepEqual(error(r), [400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Bad Request. Content-Type must be one of ['application/json'], got '${got}'.` }]);
      }
    });
  });

  it('a body declared over 16 MiB is 413 before it is read, malformed JSON 400, huge headers 431; nothing written', async () => {
    await writesNothing(async () => {
      const declared = await rawSocket(port, `POST ${API}/experiments/create HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${17 * 1024 * 1024}\r\n\r\n{"name":`);
      assert.deepEqual([declared.status, declared.json], [413, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: `the request body exceeds the limit of ${16 * 1024 * 1024} bytes` }]);
      const malformed = await rawHttp(port, 'POST', `${API}/experiments/create`, json, '{"name": ');
      assert.deepEqual(error(malformed), [400, { error_code: 'MALFORMED_REQUEST', message: 'Malformed JSON request body: Unexpected end of JSON input' }]);
      const huge = await rawHttp(port, 'GET', `${API}/experiments/search`, { 'X-Padding': HUGE_HEADER });
      assert.deepEqual(error(huge), [431, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: `the request headers exceed the limit of ${maxHeaderSize} bytes` }]);
    });
  });

  it('a request target that is no URL is a 400, not an uncaught exception that ends the server', async () => {
    const r = await rawSocket(port, `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    assert.deepEqual([r.status, r.json], [400, { error_code: 'MALFORMED_REQUEST', message: 'the request target "http://[" is not a valid URL path' }]);
    const slashes = await rawSocket(port, `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    assert.equal(slashes.status, 404);
    assert.equal((slashes.json as { error_code: string }).error_code, 'ENDPOINT_NOT_FOUND');
    assert.equal((await rawHttp(port, 'GET', '/health')).text, 'OK');
  });

  it('malformed percent-encoding in an artifact path is 400 naming the path (it was a 500 "URI malformed")', async () => {
    await writesNothing(async () => {
      for (const bad of ['%ff', '%E0%A4%A']) {
        for (const method of ['PUT', 'GET']) {
          const r = await rawHttp(port, method, `${ARTIFACTS}/${runArtifacts}/x${bad}.txt`, {}, method === 'PUT' ? 'x' : undefined);
          assert.deepEqual(error(r), [400, { error_code: 'INVALID_PARAMETER_VALUE', message: `artifact path "${runArtifacts}/x${bad}.txt" is not valid percent-encoding (each %XX must spell UTF-8)` }], `${method} ${bad}`);
        }
      }
    });
  });

  it('NUL, CR or LF in an artifact name is refused on upload, naming the character', async () => {
    await writesNothing(async () => {
      for (const [encoded, named] of [['%00', 'U+0000 (NUL)'], ['%0D', 'U+000D (CR)'], ['%0A', 'U+000A (LF)']]) {
        const r = await rawHttp(port, 'PUT', `${ARTIFACTS}/${runArtifacts}/a${encoded}b.txt`, {}, 'x');
        assert.deepEqual(error(r), [400, {
          error_code: 'INVALID_PARAMETER_VALUE',
          message: `artifact path ${JSON.stringify(`a${decodeURIComponent(encoded)}b.txt`)} contains ${named}; artifact names cannot hold control characters`,
        }]);
      }
    });
  });

  it('path traversal (../, %2e%2e/, ..%2F, ..%5C, absolute paths) is 400 and writes nothing inside or outside the run', async () => {
    await writesNothing(async () => {
      const routed = (p: string) => ({ error_code: 'INVALID_PARAMETER_VALUE', message: `request path "${p}" has a "." or ".." segment; name the endpoint (or artifact) without them` });
      const artifact = (shown: string, what: string) => ({ error_code: 'INVALID_PARAMETER_VALUE', message: `artifact path ${JSON.stringify(shown)} ${what}` });
      const dots = 'has a "." or ".." segment; give a path inside the run\'s artifacts/ without them';
      const cases: [string, unknown][] = [
        [`${ARTIFACTS}/${runArtifacts}/../../../escape.txt`, routed(`${ARTIFACTS}/${runArtifacts}/../../../escape.txt`)],
        [`${ARTIFACTS}/${runArtifacts}/%2e%2e/%2E%2E/escape.txt`, routed(`${ARTIFACTS}/${runArtifacts}/%2e%2e/%2E%2E/escape.txt`)],
        [`${ARTIFACTS}/${runArtifacts}/sub/./escape.txt`, routed(`${ARTIFACTS}/${runArtifacts}/sub/./escape.txt`)],
        [`${ARTIFACTS}/${runArtifacts}/..%2F..%2Fescape.txt`, artifact(`${runArtifacts}/../../escape.txt`, dots)],
        [`${ARTIFACTS}/${runArtifacts}/..%5C..%5Cescape.txt`, artifact(`${runArtifacts}/..\\..\\escape.txt`, dots)],
        [`${ARTIFACTS}/${runArtifacts}/%2Ftmp%2Fescape.txt`, artifact(`${runArtifacts}//tmp/escape.txt`, 'is absolute; give a path relative to the run\'s artifacts/')],
        [`${ARTIFACTS}/%2Ftmp%2Fescape.txt`, artifact('/tmp/escape.txt', 'is not <experiment id>/<run id>/artifacts/<path>')],
      ];
      for (const [p, body] of cases) {
        assert.deepEqual(error(await rawHttp(port, 'PUT', p, {}, 'escaped')), [400, body], p);
      }
      const listed = await rawHttp(port, 'GET', `${ARTIFACTS}?path=${encodeURIComponent(`${runArtifacts}/../..`)}`);
      assert.deepEqual(error(listed), [400, artifact(`${runArtifacts}/../..`, dots)]);
    });
    assert.equal(fs.existsSync('/tmp/escape.txt'), false);
    assert.equal(fs.existsSync(path.join(storeDir, 'escape.txt')), false);
  });

  it('Unicode keys are accepted as MLflow accepts them, listed by runlens runs --json and filterable', async () => {
    const batch = await rawHttp(port, 'POST', `${API}/runs/log-batch`, json, JSON.stringify({
      run_id: runId,
      params: [{ key: 'café', value: 'noir' }, { key: 'ключ', value: 'значение' }],
      metrics: [{ key: 'точность', value: 0.93, timestamp: 1, step: 0 }],
    }));
    assert.deepEqual([batch.status, batch.json], [200, {}]);
    for (const filter of ["params.café = 'noir'", "params.`ключ` = 'значение'", 'metrics.точность > 0.9']) {
      const listed = runCli(ws.dir, ['runs', '--json', '--filter', filter]);
      assert.equal(listed.code, 0, listed.stderr);
      const runs = JSON.parse(listed.stdout) as { id: string; params: Record<string, string>; metrics: Record<string, number> }[];
      assert.deepEqual(runs.map((r) => [r.id, r.params['café'], r.params['ключ'], r.metrics['точность']]), [[runId, 'noir', 'значение', 0.93]], filter);
    }
  });
});
