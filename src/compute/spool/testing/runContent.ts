/** For tests: what a run holds, apart from ids and times, to compare a run ingested from a spool with one trained directly. */
import { readFileSync } from 'node:fs';
import type { RunStore } from '../../../store/runStore';

export interface RunContent {
  readonly name: string;
  readonly experiment: string;
  readonly status: string;
  readonly error: string | null;
  readonly config: unknown;
  readonly params: Record<string, string>;
  readonly tags: Record<string, string>;
  /** Per key: steps and values in step order (NaN as the string 'NaN', so deepEqual compares it). */
  readonly metrics: Record<string, { steps: number[]; values: (number | string)[]; timestamps?: number[] }>;
  /** Path → kind, size and the content with the runs' ids as `<id>` and JSON times (`"createdAt":…`) as `<time>`. */
  readonly artifacts: Record<string, { kind: string; size: number; text: string }>;
  readonly inputs: string[];
  /** Children by name. */
  readonly children: Record<string, RunContent>;
}

export interface RunContentOptions {
  /** Tags left out (bookkeeping that differs by design), by exact key or prefix ending in `.`/`*`. */
  readonly ignoreTags?: readonly string[];
  /** Metric keys left out (measurements of the machine, e.g. `system/*`), as `ignoreTags`. */
  readonly ignoreMetrics?: readonly string[];
  /** Keep the metric timestamps (they are copied from the node, so an ingested run keeps them). */
  readonly timestamps?: boolean;
}

function ignored(key: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? key.startsWith(p.slice(0, -1)) : key === p));
}

/** The run and its descendants; run ids (of the tree, and any extra `ids`) inside artifact texts become `<id>`. */
export function runContent(store: RunStore, runId: string, opts: RunContentOptions = {}, ids: string[] = []): RunContent {
  const run = store.getRun(runId);
  const children = store.listRuns({ parentId: runId, limit: 10_000 });
  // A run's ids: its own, and the scratch-store id it was shipped under (a model package names the run it was trained in).
  const idsOf = (id: string) => [id, store.getTags(id)['runlens.spool.id']].filter((x): x is string => x !== undefined);
  const allIds = [...idsOf(runId), ...children.flatMap((c) => idsOf(c.id)), ...ids];
  const metrics: RunContent['metrics'] = {};
  for (const s of store.getMetricSummaries(runId)) {
    if (ignored(s.key, opts.ignoreMetrics ?? [])) continue;
    const h = store.getMetricHistory(runId, s.key);
    metrics[s.key] = {
      steps: Array.from(h.steps),
      values: Array.from(h.values, (v) => (Number.isNaN(v) ? 'NaN' : v)),
      ...(opts.timestamps ? { timestamps: Array.from(h.timestamps) } : {}),
    };
  }
  const artifacts: RunContent['artifacts'] = {};
  for (const a of store.listArtifacts(runId)) {
    let text = readFileSync(store.artifactPath(a.sha256)).toString('latin1');
    for (const id of allIds) text = text.split(id).join('<id>');
    text = text.replace(/"(createdAt|created_at|timestamp)":\d+/g, '"$1":<time>');
    artifacts[a.path] = { kind: a.kind, size: a.size, text };
  }
  const tags = Object.fromEntries(Object.entries(store.getTags(runId)).filter(([k]) => !ignored(k, opts.ignoreTags ?? [])));
  return {
    name: run.name, experiment: run.experiment, status: run.status, error: run.error,
    config: run.configJson === null ? null : JSON.parse(run.configJson),
    params: store.getParams(runId), tags, metrics, artifacts,
    inputs: store.datasets.listInputs(runId).map((i) => `${i.role} ${i.fingerprint} ${i.path}`).sort(),
    children: Object.fromEntries(children.map((c) => [c.name, runContent(store, c.id, opts, allIds)])),
  };
}
