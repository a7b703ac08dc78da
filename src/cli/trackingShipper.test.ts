/**
 * Train here, log there: the real CLI trains with --tracking-uri or a
 * config's `tracking:` while a real `mlflow server` receives the run; the
 * server killed and restarted in the middle of a run gets it complete, once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowClient } from '../mlflow/client/mlflowClient';
import { RunStore } from '../store/runStore';
import type { MlflowServer } from '../tracking/testing/realMlflow';
import { startMlflowServer } from '../tracking/testing/realMlflow';
import { TAG_RUNLENS_RUN_ID } from '../tracking/push/pushRuns';
import { makeWorkspace, runCli, spawnCli } from '../../test/fixtures/workspace';

/** Polls `check` until it holds (the event is in another process); fails after `limitMs` saying what it waited for. */
async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runlens train --tracking-uri against a real MLflow server', () => {
  const ws = makeWorkspace();
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer();
  });
  after(async () => {
    await server?.dispose();
    ws.cleanup();
  });

  const remoteOf = async (localId: string) => {
    const c = new MlflowClient(server.uri);
    const exps = await c.listExperiments();
    const found = await c.searchRuns({ experimentIds: exps.map((e) => e.experimentId), filter: `tags.\`${TAG_RUNLENS_RUN_ID}\` = '${localId}'` });
    return found.items[0];
  };

  test('a trained run lands on the server with its params, metrics, model artifact and status', async () => {
    const r = runCli(ws.dir, ['train', 'iris.train.yaml', '--json', '--tracking-uri', server.uri]);
    assert.equal(r.code, 0, r.stderr);
    const id = (JSON.parse(r.stdout) as { id: string }).id;
    assert.match(r.stderr, new RegExp(`logged to ${server.uri.replace(/[.]/g, '\\.')}: \\d+ metric points, \\d+ params, \\d+ artifacts`));
    const remote = await remoteOf(id);
    assert.ok(remote, 'the run is on the server');
    assert.equal(remote.info.status, 'FINISHED');
    assert.equal(remote.params.model, 'decision_tree');
    assert.ok(remote.metrics.some((m) => m.key === 'test_accuracy'));
    const files = await new MlflowClient(server.uri).listArtifactsDeep(remote.info.runId);
    assert.ok(files.some((f) => f.path === 'model/model.json'), files.map((f) => f.path).join(', '));
  });

  test('a sweep arrives as a parent with its trials nested under it', async () => {
    const r = runCli(ws.dir, ['sweep', 'iris-sweep.train.yaml', '--json', '--parallel', '2', '--tracking-uri', server.uri]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { id: string; trials: { id: string }[] };
    const parent = await remoteOf(out.id);
    assert.ok(parent);
    for (const t of out.trials) {
      const trial = await remoteOf(t.id);
      assert.equal(trial?.tags['mlflow.parentRunId'], parent.info.runId);
    }
  });

  test('config tracking: the server killed mid-run and restarted gets every point once', async () => {
    ws.write('gate.py', `
import os, sys, time
def wait(name):
    while not os.path.exists(name):
        time.sleep(0.02)
step = 0
for phase in ("phase2", "phase3", None):
    for _ in range(20):
        print(f"runlens: metric loss={1 / (step + 1)} step={step}", flush=True)
        step += 1
    if phase:
        wait(phase)
`);
    ws.write('live.train.yaml', `experiment: live\ncommand: "python3 gate.py"\ntracking: { server: "${server.uri}", interval: 0.5 }\n`);
    const child = spawnCli(ws.dir, ['train', 'live.train.yaml', '--json']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const store = RunStore.open(join(ws.dir, '.runlens'), { readonly: true });
    try {
      const liveRun = () => store.listRuns({ experiment: 'live', limit: 1 })[0];
      const localPoints = () => store.getMetricSummaries(liveRun()?.id ?? '').find((m) => m.key === 'loss')?.count ?? 0;
      await until('the run to start', () => liveRun() !== undefined);
      const runId = liveRun()!.id;
      const client = new MlflowClient(server.uri);
      const remotePoints = async () => {
        const remote = await remoteOf(runId).catch(() => undefined);
        return remote ? (await client.getMetricHistory(remote.info.runId, 'loss')).length : 0;
      };
      await until('the first 20 points on the server', async () => (await remotePoints()) === 20);
      await server.kill();
      writeFileSync(join(ws.dir, 'phase2'), '');
      await until('40 points in the local store while the server is down', () => localPoints() === 40);
      await until('the shipper to notice the server is gone', () => /unreachable: training goes on/.test(stderr));
      await server.restart();
      writeFileSync(join(ws.dir, 'phase3'), '');
      assert.equal(await exited, 0, stderr);
      assert.equal(existsSync(join(ws.dir, 'phase3')), true);
      const remote = await remoteOf(runId);
      assert.equal(remote?.info.status, 'FINISHED');
      const hist = await client.getMetricHistory(remote!.info.runId, 'loss');
      assert.deepEqual(hist.map((p) => p.step).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i), 'every point, once');
      assert.equal((JSON.parse(stdout) as { status: string }).status, 'finished', 'training never waited on the server');
    } finally {
      store.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
