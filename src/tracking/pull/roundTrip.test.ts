/**
 * The round trip through a real `mlflow server` 2.12 on PostgreSQL: 20 local
 * runs pushed (pushRuns), then pulled into another empty store, equal the
 * originals in everything the server keeps: names, statuses, times, notes,
 * nesting, params, tags, every metric point, artifact bytes, dataset inputs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { RunStore } from '../../store/runStore';
import type { PostgresServer } from '../testing/postgres';
import { startPostgres } from '../testing/postgres';
import type { MlflowServer } from '../testing/realMlflow';
import { startMlflowServer } from '../testing/realMlflow';
import { pushRuns, TAG_RUNLENS_RUN_ID } from '../push/pushRuns';
import { pullRuns } from './pullRuns';
import { countRequests } from './testing/serverView';

/** Tags push writes from a run's own columns; the pulled copy has them, the original keeps them as columns. */
const PUSHED_SYSTEM_TAGS = new Set([TAG_RUNLENS_RUN_ID, 'mlflow.runName', 'mlflow.user', 'mlflow.parentRunId', 'mlflow.note.content', 'runlens.version', 'runlens.gitDirty', 'mlflow.source.git.commit']);

/** 20 runs: 2 experiments, a parent with 4 children, NaN, ±0 and tiny values, a failed, a killed and a running run, artifacts, dataset inputs. */
function fillStore(store: RunStore): string[] {
  const ids: string[] = [];
  let t = Date.UTC(2026, 0, 1);
  const parent = store.createRun({ experiment: 'vision', name: 'sweep', tags: { team: 'cv' }, gitCommit: 'abc123' });
  store.setNote(parent.id, 'the sweep ✓');
  ids.push(parent.id);
  for (let i = 0; i < 19; i++) {
    const run = store.createRun({ experiment: i % 3 === 0 ? 'nlp' : 'vision', name: `run-${i}`, parentId: i < 4 ? parent.id : null, tags: { café: 'ünï', ключ: String(i) } });
    store.logParams(run.id, { lr: 0.01 * (i + 1), model: i % 2 ? 'mlp' : 'tree', layers: `[${i}, ${i + 1}]` });
    const points = [];
    for (let s = 0; s < 150; s++) points.push({ key: 'loss', value: s === 7 ? NaN : s === 8 ? -0 : 1 / (s + 1 + i) ** 3, step: s, timestamp: t++ });
    for (let s = 0; s < 30; s++) points.push({ key: 'val/acc é', value: s / 30, step: s * 2, timestamp: t++ });
    store.logMetrics(run.id, points);
    store.logArtifact(run.id, 'model/model.json', JSON.stringify({ run: i }));
    store.logArtifact(run.id, `plots/résumé-${i}.txt`, `plot ${i}\n`.repeat(i + 1));
    if (i % 4 === 1) store.datasets.logInput(run.id, { fingerprint: createHash('sha256').update(`data ${i}`).digest('hex'), path: `data/train-${i}.csv`, rows: 10 * i, columns: 3 }, 'train');
    if (i !== 18) store.setStatus(run.id, i === 5 ? 'failed' : i === 6 ? 'killed' : 'finished', { error: i === 5 ? 'boom' : null });
    ids.push(run.id);
  }
  store.setStatus(parent.id, 'finished');
  return ids;
}

const sortedPoints = (store: RunStore, runId: string, key: string): string[] => {
  const h = store.getMetricHistory(runId, key);
  return Array.from(h.values, (v, i) => `${h.steps[i]}|${h.timestamps[i]}|${Object.is(v, -0) ? '-0' : v}`).sort();
};
const artifactShas = (store: RunStore, runId: string): Record<string, string> =>
  Object.fromEntries(store.listArtifacts(runId).map((a) => [a.path, createHash('sha256').update(fs.readFileSync(store.artifactPath(a.sha256))).digest('hex')]));

describe('push 20 runs to MLflow on PostgreSQL, pull them into another store', () => {
  let pg: PostgresServer;
  let server: MlflowServer;
  const dirs: string[] = [];
  let original: RunStore;
  let pulled: RunStore;
  let ids: string[];

  const open = (prefix: string): RunStore => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return RunStore.open(dir);
  };

  before(async () => {
    pg = await startPostgres();
    pg.createDatabase('mlflow');
    server = await startMlflowServer({ backendStoreUri: pg.url('mlflow') });
    original = open('runlens-roundtrip-a-');
    pulled = open('runlens-roundtrip-b-');
    ids = fillStore(original);
  });
  after(async () => {
    original?.close();
    pulled?.close();
    await server?.dispose();
    pg?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('every run comes back equal to the original', async () => {
    const pushed = await pushRuns(ids, { source: original, ledger: original.sync, client: new MlflowClient(server.uri) });
    assert.deepEqual(pushed.failures, []);
    assert.equal(pushed.runsCreated, 20);

    const summary = await pullRuns({ store: pulled, client: new MlflowClient(server.uri) });
    assert.deepEqual(summary.failures, []);
    assert.deepEqual(summary.warnings, []);
    assert.equal(summary.runsNew, 20);
    assert.equal(summary.points, 19 * 180);
    const server_ = new MlflowClient(server.uri).server;
    const remoteOf = (id: string): string => original.sync.remoteRun(id, server_)!.remoteRunId;
    for (const id of ids) {
      const a = original.getRun(id);
      const copyId = remoteOf(id);
      const b = pulled.getRun(copyId);
      const what = `run ${a.name}`;
      assert.equal(b.id, copyId, `${what}: the server's id`);
      assert.deepEqual(
        { experiment: b.experiment, name: b.name, status: b.status, startedAt: b.startedAt, note: b.note, gitCommit: b.gitCommit, runlensVersion: b.runlensVersion },
        { experiment: a.experiment, name: a.name, status: a.status, startedAt: a.startedAt ?? a.createdAt, note: a.note, gitCommit: a.gitCommit, runlensVersion: a.runlensVersion },
        what,
      );
      if (a.status !== 'running') assert.equal(b.endedAt, a.endedAt, `${what}: end time`);
      assert.equal(b.parentId, a.parentId === null ? null : remoteOf(a.parentId), `${what}: nested under the same parent`);
      assert.deepEqual(pulled.getParams(copyId), original.getParams(id), `${what}: params`);
      const tagsA = original.getTags(id);
      const tagsB = pulled.getTags(copyId);
      for (const [k, v] of Object.entries(tagsA)) assert.equal(tagsB[k], v, `${what}: tag ${k}`);
      for (const k of Object.keys(tagsB)) assert.ok(k in tagsA || PUSHED_SYSTEM_TAGS.has(k), `${what}: tag ${k} is one push adds`);
      assert.equal(tagsB[TAG_RUNLENS_RUN_ID], id);
      const keysA = original.getMetricSummaries(id).map((m) => m.key);
      assert.deepEqual(pulled.getMetricSummaries(copyId).map((m) => m.key), keysA, `${what}: metric keys`);
      for (const key of keysA) assert.deepEqual(sortedPoints(pulled, copyId, key), sortedPoints(original, id, key), `${what}: every point of ${key} once`);
      const shasA = artifactShas(original, id);
      const shasB = artifactShas(pulled, copyId);
      for (const [p, sha] of Object.entries(shasA)) assert.equal(shasB[p], sha, `${what}: artifact ${p}`);
      for (const p of Object.keys(shasB)) assert.ok(p in shasA || p.startsWith('model/'), `${what}: artifact ${p} is one push adds beside a model package`);
      const inputsA = original.datasets.listInputs(id).map((i) => `${path.basename(i.path)}|${i.fingerprint.slice(0, 36)}|${i.role}`);
      const inputsB = (pulled.mlflowInputs.inputsOf([copyId]).get(copyId) ?? []).map((i) => `${i.dataset.name}|${i.dataset.digest}|${i.tags['mlflow.data.context']}`);
      assert.deepEqual(inputsB, inputsA, `${what}: dataset inputs`);
    }
  });

  test('a second pull of the round trip fetches nothing', async () => {
    const client = new MlflowClient(server.uri);
    const requests = countRequests(client);
    const again = await pullRuns({ store: pulled, client });
    assert.equal(again.runsUnchanged, 20);
    assert.equal(again.points + again.artifacts + again.tags + again.params, 0);
    assert.deepEqual(requests.paths, ['api/2.0/mlflow/experiments/search', 'api/2.0/mlflow/runs/search']);
  });

  test('pulling into the store that pushed changes nothing there: its runs stay the originals', async () => {
    const before = ids.map((id) => [original.getRun(id), original.getTags(id), original.listArtifacts(id).length]);
    for (const recheck of [false, true]) {
      const summary = await pullRuns({ store: original, client: new MlflowClient(server.uri), recheck });
      assert.deepEqual(summary.failures, []);
      assert.equal(summary.runsNew, 0);
      assert.equal(summary.runsUnchanged, 20, `recheck: ${recheck}`);
      assert.equal(summary.points + summary.artifacts + summary.tags + summary.params, 0);
      assert.deepEqual(ids.map((id) => [original.getRun(id), original.getTags(id), original.listArtifacts(id).length]), before);
    }
  });

  // A pull's copy is the server's run: push sends back only what changed here, never its own system tags
  // (runlens.runId would otherwise overwrite the original store's id there).
  test('a push of the pulled copies sends nothing back', async () => {
    const summary = await pushRuns(pulled.listRuns().map((r) => r.id), { source: pulled, ledger: pulled.sync, client: new MlflowClient(server.uri) });
    assert.deepEqual(summary.failures, []);
    assert.equal(summary.runsCreated, 0);
    assert.equal(summary.points + summary.artifacts + summary.params, 0);
    assert.equal(summary.tags, 0);
    assert.equal(summary.runsUnchanged, 20);
  });
});
