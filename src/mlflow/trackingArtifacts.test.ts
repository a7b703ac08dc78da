import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentDisposition } from './trackingArtifacts';
import { serveStore } from './testing/trackingServerFixture';

test('contentDisposition: plain names as they are, others with an ASCII fallback and the UTF-8 name (RFC 6266)', () => {
  assert.equal(contentDisposition('model.pkl'), 'attachment; filename="model.pkl"');
  assert.equal(contentDisposition('ключ.txt'), "attachment; filename=\"____.txt\"; filename*=UTF-8''%D0%BA%D0%BB%D1%8E%D1%87.txt");
  assert.equal(contentDisposition('a "b".txt'), "attachment; filename=\"a _b_.txt\"; filename*=UTF-8''a%20%22b%22.txt");
});

test('an artifact with a non-Latin-1 name downloads under its own name (the header had it mangled to Latin-1)', async (t) => {
  const { store, raw, createRun } = await serveStore(t);
  const { runId, artifacts } = await createRun();
  const path = `${artifacts}/${encodeURIComponent('café')}/${encodeURIComponent('ключ.txt')}`;
  assert.equal((await raw('PUT', path, {}, 'привет')).status, 200);
  assert.deepEqual(store.listArtifacts(runId).map((a) => a.path), ['café/ключ.txt']);
  const down = await raw('GET', path);
  assert.equal(down.status, 200);
  assert.equal(down.text, 'привет');
  assert.equal(down.headers['content-disposition'], "attachment; filename=\"____.txt\"; filename*=UTF-8''%D0%BA%D0%BB%D1%8E%D1%87.txt");
});

test('malformed percent-encoding in an artifact path is a 400 naming the path, not a 500', async (t) => {
  const { raw, createRun } = await serveStore(t);
  const { artifacts } = await createRun();
  for (const bad of ['%ff', '%E0%A4%A']) {
    const r = await raw('PUT', `${artifacts}/x${bad}.txt`, {}, 'x');
    const shownPath = `${artifacts.slice('/api/2.0/mlflow-artifacts/artifacts/'.length)}/x${bad}.txt`;
    assert.deepEqual([r.status, r.body], [400, {
      error_code: 'INVALID_PARAMETER_VALUE', message: `artifact path "${shownPath}" is not valid percent-encoding (each %XX must spell UTF-8)`,
    }]);
  }
});

test('NUL, CR and LF in an artifact name are refused on upload, naming the character; nothing is stored', async (t) => {
  const { store, raw, createRun } = await serveStore(t);
  const { runId, artifacts } = await createRun();
  const cases: [string, string][] = [['%00', 'U+0000 (NUL)'], ['%0D', 'U+000D (CR)'], ['%0A', 'U+000A (LF)']];
  for (const [encoded, named] of cases) {
    const r = await raw('PUT', `${artifacts}/a${encoded}b.txt`, {}, 'x');
    const escaped = JSON.stringify(`a${decodeURIComponent(encoded)}b.txt`);
    assert.deepEqual([r.status, r.body], [400, {
      error_code: 'INVALID_PARAMETER_VALUE', message: `artifact path ${escaped} contains ${named}; artifact names cannot hold control characters`,
    }]);
  }
  assert.deepEqual(store.listArtifacts(runId), []);
});
