/**
 * Team tracking against a real `mlflow server` 2.12 (SQLite backend, one
 * gunicorn worker, on this machine): RunLens's push of 100 runs × 10 metrics
 * × 1,000 steps vs MLflow's own Python client sending the same batches with
 * `MlflowClient.log_batch` in a loop, in the same run; and what shipping to
 * a server costs a training run (an MLP logging every epoch, with and
 * without `tracking:`). Needs MLflow (scripts/install-mlflow.sh).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MlflowClient } from '../../src/mlflow/client/mlflowClient';
import { RunStore } from '../../src/store/runStore';
import type { MetricPoint } from '../../src/store/types';
import { MlflowRunSource } from '../../src/tracking/mlflowRunSource';
import { pushRuns } from '../../src/tracking/push/pushRuns';
import { runMlflowPython, startMlflowServer } from '../../src/tracking/testing/realMlflow';
import { makeWorkspace, runCli } from '../../test/fixtures/workspace';
import type { BenchResult } from './types';

const RUNS = 100;
const KEYS = 10;
const STEPS = 1000;

function fillStore(store: RunStore): string[] {
  const ids: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = store.createRun({ experiment: 'bench-push', name: `run-${r}` });
    store.logParams(run.id, { lr: 0.001 * (r + 1), depth: r % 7 });
    const points: MetricPoint[] = [];
    for (let step = 0; step < STEPS; step++) {
      for (let k = 0; k < KEYS; k++) points.push({ key: `m${k}`, value: Math.exp(-step / (300 + r)) + k, step, timestamp: 1_700_000_000_000 + step });
    }
    store.logMetrics(run.id, points);
    store.setStatus(run.id, 'finished');
    ids.push(run.id);
  }
  return ids;
}

/** The reference: the same runs, params and 1,000-metric batches through MLflow's Python client. */
const PYTHON_LOOP = `
import sys, time
from mlflow import MlflowClient
from mlflow.entities import Metric, Param
c = MlflowClient(sys.argv[1])
runs, keys, steps = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
exp = c.create_experiment("bench-python")
t0 = time.perf_counter()
for r in range(runs):
    run = c.create_run(exp, run_name=f"run-{r}")
    rid = run.info.run_id
    c.log_batch(rid, params=[Param("lr", str(0.001 * (r + 1))), Param("depth", str(r % 7))])
    batch = []
    for step in range(steps):
        for k in range(keys):
            batch.append(Metric(f"m{k}", 2.0, 1700000000000 + step, step))
            if len(batch) == 1000:
                c.log_batch(rid, metrics=batch)
                batch = []
    if batch:
        c.log_batch(rid, metrics=batch)
    c.set_terminated(rid, "FINISHED")
print(time.perf_counter() - t0)
`;

async function benchPush(): Promise<BenchResult[]> {
  const server = await startMlflowServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-push-'));
  const store = RunStore.open(dir);
  try {
    const ids = fillStore(store);
    const client = new MlflowClient(server.uri);
    const t0 = performance.now();
    const summary = await pushRuns(ids, { source: store, ledger: store.sync, client });
    const pushMs = performance.now() - t0;
    if (summary.failures.length) throw new Error(summary.failures[0]!.message);
    const t1 = performance.now();
    const again = await pushRuns(ids, { source: store, ledger: store.sync, client });
    const againMs = performance.now() - t1;
    const py = await runMlflowPython(PYTHON_LOOP, { args: [server.uri, String(RUNS), String(KEYS), String(STEPS)] });
    if (py.code !== 0) throw new Error(py.stderr.trim().split('\n').pop());
    const pythonMs = Number(py.stdout.trim()) * 1000;
    return [
      { name: `push ${RUNS} runs × ${KEYS} metrics × ${STEPS} steps (${summary.requests} requests)`, value: pushMs / 1000, unit: 's', reference: pythonMs / 1000, referenceName: 'MlflowClient.log_batch loop, same batches', goal: '≤ 1.0× MLflow\'s client' },
      { name: 'second push of the same runs (nothing new)', value: againMs / 1000, unit: 's', note: `${again.requests} requests, one runs/get per run` },
    ];
  } finally {
    store.close();
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchShippingOverhead(): Promise<BenchResult[]> {
  const server = await startMlflowServer();
  const ws = makeWorkspace();
  try {
    ws.write('long-mlp.train.yaml', [
      'experiment: overhead',
      'data: { path: data/wine.csv, target: cultivar, features: { scale: standard } }',
      'model: { type: mlp, params: { hidden_layers: [16], epochs: 2000, batch_size: 256, seed: 1 } }',
    ].join('\n'));
    const time = (args: string[]): number => {
      const t0 = performance.now();
      const r = runCli(ws.dir, args);
      if (r.code !== 0) throw new Error(r.stderr.trim().split('\n').pop());
      return performance.now() - t0;
    };
    time(['train', 'long-mlp.train.yaml']); // warm the caches (tfjs wasm, the CSV)
    const local = time(['train', 'long-mlp.train.yaml']);
    const shipped = time(['train', 'long-mlp.train.yaml', '--tracking-uri', server.uri]);
    return [{ name: 'MLP, 2,000 epochs logged each epoch: train with tracking to a server', value: shipped / 1000, unit: 's', reference: local / 1000, referenceName: 'the same run, local only', goal: '≤ 1.1×', note: 'wall time of runlens train, the last push included' }];
  } finally {
    await server.dispose();
    ws.cleanup();
  }
}

/** Runs `fn` over `items` with `n` requests in flight. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const PY_FIRST_PAGE = `
import sys, time
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
exp = c.get_experiment_by_name(sys.argv[2]).experiment_id
t0 = time.perf_counter()
runs = c.search_runs([exp], max_results=100, order_by=["attributes.start_time DESC"])
print(time.perf_counter() - t0)
`;

const PY_HISTORIES = `
import sys, time
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
ids, keys = sys.argv[2].split(","), sys.argv[3].split(",")
t0 = time.perf_counter()
n = sum(len(c.get_metric_history(r, k)) for r in ids for k in keys)
print(time.perf_counter() - t0, n)
`;

/** Reading a server: the Runs view's first page of an experiment of 10,000 runs, and the compare panel's curves of 20 runs × 5 metrics × 10,000 steps. */
export async function benchRemoteReads(): Promise<BenchResult[]> {
  const server = await startMlflowServer();
  try {
    const client = new MlflowClient(server.uri);
    const big = await client.ensureExperiment('bench-10k');
    await pool(Array.from({ length: 10_000 }, (_, i) => i), 4, (i) => client.createRun({ experimentId: big, runName: `run-${i}`, startTime: 1_700_000_000_000 + i }));
    const source = new MlflowRunSource(client);
    const t0 = performance.now();
    const page = await source.searchRuns({ experiment: 'bench-10k', limit: 100 });
    const firstPageMs = performance.now() - t0;
    if (page.rows.length !== 100) throw new Error(`first page has ${page.rows.length} runs`);
    const py = await runMlflowPython(PY_FIRST_PAGE, { args: [server.uri, 'bench-10k'] });
    if (py.code !== 0) throw new Error(py.stderr.trim().split('\n').pop());

    const exp = await client.ensureExperiment('bench-compare');
    const keys = ['train_loss', 'val_loss', 'train_acc', 'val_acc', 'lr'];
    const ids: string[] = [];
    for (let r = 0; r < 20; r++) {
      const run = await client.createRun({ experimentId: exp, runName: `cmp-${r}` });
      ids.push(run.runId);
      const batches: { key: string; value: number; step: number; timestamp: number }[][] = [];
      let batch: { key: string; value: number; step: number; timestamp: number }[] = [];
      for (let step = 0; step < 10_000; step++) {
        for (const key of keys) {
          batch.push({ key, value: Math.exp(-step / 2000) + r / 100, step, timestamp: 1_700_000_000_000 + step });
          if (batch.length === 1000) {
            batches.push(batch);
            batch = [];
          }
        }
      }
      await pool(batches, 4, (metrics) => client.logBatch(run.runId, { metrics }));
    }
    // Four requests in flight, as the compare panel keeps them (one gunicorn worker answers them in turn).
    const series = ids.flatMap((id) => keys.map((k) => [id, k] as const));
    const t1 = performance.now();
    await pool(series, 4, ([id, k]) => source.downsampleMetric(id, k, 1000));
    const bulkMs = performance.now() - t1;
    const t2 = performance.now();
    await pool(series, 4, ([id, k]) => source.getMetricHistory(id, k));
    const fullMs = performance.now() - t2;
    const pyh = await runMlflowPython(PY_HISTORIES, { args: [server.uri, ids.join(','), keys.join(',')] });
    if (pyh.code !== 0) throw new Error(pyh.stderr.trim().split('\n').pop());
    return [
      { name: 'first page (100 runs) of an experiment of 10,000 runs, through the Runs view\'s RunSource', value: firstPageMs, unit: 'ms', reference: Number(py.stdout.trim()) * 1000, referenceName: 'MlflowClient.search_runs(max_results=100)' },
      { name: 'compare 20 remote runs × 5 metrics × 10k steps: every series downsampled (bulk-interval, 1,000 points)', value: bulkMs / 1000, unit: 's', reference: fullMs / 1000, referenceName: 'full histories (get-history)' },
      { name: 'the same 100 full histories with MLflow\'s Python client', value: Number(pyh.stdout.trim().split(' ')[0]), unit: 's', note: 'reference for the full-history row above' },
    ];
  } finally {
    await server.dispose();
  }
}

/** Push vs MLflow's client, and what shipping costs a training run. */
export async function benchTeam(): Promise<BenchResult[]> {
  return [...(await benchPush()), ...(await benchShippingOverhead())];
}

if (require.main === module) {
  Promise.all([benchTeam(), benchRemoteReads()]).then((r) => console.log(r), (e) => { console.error(e); process.exit(1); });
}
