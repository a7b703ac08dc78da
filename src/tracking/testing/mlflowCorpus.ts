/**
 * A corpus of runs logged by MLflow's own Python client into a real
 * `mlflow server` (SQLite backend), for tests that read the same runs through
 * the server and through a local store the same mlflow.db was imported into.
 * It is built to hit the edges of the filter and sort languages: nested runs,
 * numeric and text params, numeric-looking tags, NaN and infinite latest
 * values, every status, Unicode keys and names, LIKE wildcards in names, a
 * quote in a value, equal start times, a run with an artifact and one with a
 * dataset input. Times are explicit, so orders are deterministic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MlflowServer } from './realMlflow';
import { runMlflowPython, startMlflowServer } from './realMlflow';

/** Start time of the corpus: every run starts at T0 plus its offset. */
export const CORPUS_T0 = 1_700_000_000_000;

const SCRIPT = String.raw`
import json, sys, mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, Dataset, DatasetInput, InputTag
mlflow.set_tracking_uri(sys.argv[1])  # artifacts go through the server's proxy, which needs an http tracking URI
c = MlflowClient(sys.argv[1])
T0 = int(sys.argv[2])
ids = {}
exps = {name: c.create_experiment(name) for name in ["alpha", "beta", "gamma ünï", "data"]}

def run(exp, name, t, status="FINISHED", params={}, tags={}, metrics=(), parent=None, took=500):
    tg = dict(tags)
    if parent:
        tg["mlflow.parentRunId"] = ids[parent]
    r = c.create_run(exps[exp], start_time=T0 + t, tags=tg, run_name=name)
    rid = r.info.run_id
    points = []
    for i, m in enumerate(metrics):
        key, value, step = m
        points.append(Metric(key, value, T0 + t + 1 + i, step))
    c.log_batch(rid, metrics=points, params=[Param(k, str(v)) for k, v in params.items()])
    if status != "RUNNING":
        c.set_terminated(rid, status, end_time=T0 + t + took)
    ids[name] = rid
    return rid

nan, inf = float("nan"), float("inf")
run("alpha", "a-tree", 1000, params={"model": "tree", "lr": "0.01", "depth": 4, "flag": "True", "café": "crème"},
    tags={"team": "vision", "priority": "10"}, metrics=[("acc", 0.5, 0), ("acc", 0.91, 1), ("loss", 0.3, 0), ("loss", 0.1, 1)])
run("alpha", "a-mlp", 2000, "FAILED", params={"model": "mlp", "lr": "0.1", "depth": "deep", "flag": "false", "café": "Crème"},
    tags={"team": "Vision", "priority": "2"}, metrics=[("acc", 0.8, 0), ("loss", 0.2, 0), ("loss", nan, 1)])
run("alpha", "a-forest", 3000, "RUNNING", params={"model": "forest", "lr": "1e-3", "depth": "4.0"},
    tags={"team": "nlp"}, metrics=[("acc", inf, 0), ("val/loss", 0.3, 0)])
run("alpha", "parent", 4000, params={"model": "sweep"}, tags={"kind": "sweep"}, metrics=[("best_acc", 0.93, 0)], took=3000)
for i, (depth, acc, status) in enumerate([(2, 0.85, "FINISHED"), (4, 0.93, "FINISHED"), (6, 0.88, "KILLED")]):
    run("alpha", f"child-{i}", 4100 + 100 * i, status, params={"model": "tree", "depth": depth}, metrics=[("acc", acc, 0)], parent="parent")
run("alpha", "run_1", 5000, params={"lr": "+.5", "depth": " 7 "}, tags={"ключ": "значение"})
run("alpha", "Run%2", 5000, params={"model": "Tree"}, metrics=[("acc", 0.8, 0)])
run("beta", "élan", 6000, params={"model": "tree", "nan": "NaN"}, tags={"team": "vision", "mlflow.source.git.commit": "abc123"},
    metrics=[("acc", 0.7, 0), ("loss", -1.5, 0)])
run("beta", "b-2", 7000, "FAILED", params={"model": "mlp"}, metrics=[("acc", 0.6, 0), ("acc", nan, 1), ("loss", 0.4, 0)])
run("beta", "a*b", 8000, tags={"priority": "high"})
run("beta", "quote's", 8500, params={"note": "it's"})
run("beta", "dup", 8600, params={"model": "knn"})
run("beta", "dup", 8700, params={"model": "knn"})
g1 = run("gamma ünï", "g1", 9000, "RUNNING", params={"model": "tree", "lr": "0.05"},
    metrics=[("acc", 0.5 + i / 1000 + (0.3 if i == 137 else 0), i) for i in range(300)])
run("gamma ünï", "g2", 10000, "KILLED", params={"model": "knn"}, metrics=[("acc", 0.6, 0)])
c.log_text(ids["a-tree"], "hello from MLflow", "notes/résumé.txt")
c.log_text(ids["a-tree"], "{}", "model/MLmodel")
d = run("data", "with-data", 11000, params={"model": "tree"})
c.log_inputs(d, [DatasetInput(Dataset(name="iris", digest="d1g357", source_type="local", source=json.dumps({"uri": "data/iris.csv"})),
                              [InputTag("mlflow.data.context", "training")])])
print(json.dumps(ids))
`;

export interface MlflowCorpus {
  readonly server: MlflowServer;
  /** The server's SQLite backend file, for `runlens import mlflow`. */
  readonly dbFile: string;
  /** Run name → MLflow run id (for `dup`, the second one). */
  readonly ids: Readonly<Record<string, string>>;
  dispose(): Promise<void>;
}

/** Starts a real MLflow server on a SQLite file and logs the corpus into it with MLflow's Python client. */
export async function startMlflowCorpus(): Promise<MlflowCorpus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-corpus-'));
  const dbFile = path.join(dir, 'mlflow.db');
  let server: MlflowServer | undefined;
  try {
    server = await startMlflowServer({ backendStoreUri: `sqlite:///${dbFile}` });
    const r = await runMlflowPython(SCRIPT, { args: [server.uri, String(CORPUS_T0)] });
    if (r.code !== 0) throw new Error(`logging the corpus failed:\n${r.stderr.slice(-3000)}`);
    const ids = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, string>;
    const s = server;
    return {
      server: s, dbFile, ids,
      dispose: async () => {
        await s.dispose();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.dispose();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
