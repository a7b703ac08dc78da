/**
 * For pull tests: what a tracking server holds, as MLflow's own Python
 * client reads it, and the same view of a local store, so the two can be
 * compared field by field. Metric values are JSON numbers, or the strings
 * `nan`, `inf`, `-inf` (JSON has no spelling for them).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { MlflowClient } from '../../../mlflow/client/mlflowClient';
import type { RunStore } from '../../../store/runStore';
import type { MlflowServer } from '../../testing/realMlflow';
import { runMlflowPython } from '../../testing/realMlflow';

export type PointView = [step: number, timestamp: number, value: number | string];

export interface RunView {
  readonly experiment: string;
  readonly name: string;
  /** MLflow's spelling: FINISHED, RUNNING, … */
  readonly status: string;
  readonly start: number | null;
  readonly end: number | null;
  readonly parent: string | null;
  readonly params: Record<string, string>;
  readonly tags: Record<string, string>;
  /** Key → points sorted by (step, timestamp, value). */
  readonly metrics: Record<string, PointView[]>;
  /** Path → sha256. */
  readonly artifacts: Record<string, string>;
  /** `name|digest|context` of each dataset input, sorted. */
  readonly inputs: string[];
}

const READ_BACK = String.raw`
import hashlib, json, math, os, sys, mlflow
from mlflow import MlflowClient
mlflow.set_tracking_uri(sys.argv[1])
c = MlflowClient(sys.argv[1])
exps = {e.experiment_id: e.name for e in c.search_experiments()}
def val(v):
    return v if math.isfinite(v) else repr(v)
out = {}
for run in c.search_runs(list(exps), max_results=5000):
    rid = run.info.run_id
    metrics = {k: sorted([[m.step, m.timestamp, val(m.value)] for m in c.get_metric_history(rid, k)], key=lambda p: (p[0], p[1], str(p[2])))
               for k in run.data.metrics}
    # Paths as MLflow's client lists them; bytes from the server's artifact destination, since MLflow's
    # proxy cannot send a file named beyond Latin-1 (its client's download fails on it).
    root = os.path.join(sys.argv[2], run.info.artifact_uri.split(":", 1)[1].lstrip("/"))
    arts = {}
    def walk(path):
        for f in c.list_artifacts(rid, path):
            if f.is_dir:
                walk(f.path)
            else:
                arts[f.path] = hashlib.sha256(open(os.path.join(root, f.path), "rb").read()).hexdigest()
    walk(None)
    inputs = sorted(f"{d.dataset.name}|{d.dataset.digest}|{next((t.value for t in d.tags if t.key == 'mlflow.data.context'), '')}"
                    for d in (run.inputs.dataset_inputs if run.inputs else []))
    out[rid] = {"experiment": exps[run.info.experiment_id], "name": run.info.run_name, "status": run.info.status,
                "start": run.info.start_time, "end": run.info.end_time, "parent": run.data.tags.get("mlflow.parentRunId"),
                "params": run.data.params, "tags": run.data.tags, "metrics": metrics, "artifacts": arts, "inputs": inputs}
print(json.dumps(out))
`;

/** Every active run on the server, read by MLflow's Python client, by run id. */
export async function serverView(server: Pick<MlflowServer, 'uri' | 'artifactsDir'>): Promise<Record<string, RunView>> {
  const r = await runMlflowPython(READ_BACK, { args: [server.uri, server.artifactsDir] });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, RunView>;
}

function value(v: number): number | string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

const byPoint = (a: PointView, b: PointView): number => a[0] - b[0] || a[1] - b[1] || String(a[2]).localeCompare(String(b[2]));

const STATUS: Record<string, string> = { running: 'RUNNING', queued: 'SCHEDULED', finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED' };

/** The same view of one local run. */
export function localView(store: RunStore, runId: string): RunView {
  const run = store.getRun(runId);
  const metrics: Record<string, PointView[]> = {};
  for (const s of store.getMetricSummaries(runId)) {
    const h = store.getMetricHistory(runId, s.key);
    metrics[s.key] = Array.from(h.values, (v, i): PointView => [h.steps[i]!, h.timestamps[i]!, value(v)]).sort(byPoint);
  }
  const artifacts = Object.fromEntries(store.listArtifacts(runId).map((a) => [a.path, createHash('sha256').update(fs.readFileSync(store.artifactPath(a.sha256))).digest('hex')]));
  const inputs = (store.mlflowInputs.inputsOf([runId]).get(runId) ?? []).map((i) => `${i.dataset.name}|${i.dataset.digest}|${i.tags['mlflow.data.context'] ?? ''}`).sort();
  return {
    experiment: run.experiment, name: run.name, status: STATUS[run.status]!, start: run.startedAt, end: run.endedAt, parent: run.parentId,
    params: store.getParams(runId), tags: store.getTags(runId), metrics, artifacts, inputs,
  };
}

/** Counts the HTTP requests a client makes (every JSON call and byte transfer, retries aside). */
export function countRequests(client: MlflowClient): { readonly count: () => number; readonly paths: string[] } {
  const paths: string[] = [];
  const http = client.http as unknown as Record<'getJson' | 'postJson' | 'getBytes' | 'putBytes', (path: string, ...rest: unknown[]) => Promise<unknown>>;
  for (const m of ['getJson', 'postJson', 'getBytes', 'putBytes'] as const) {
    const original = http[m].bind(http);
    http[m] = (path: string, ...rest: unknown[]) => {
      paths.push(path);
      return original(path, ...rest);
    };
  }
  return { count: () => paths.length, paths };
}
