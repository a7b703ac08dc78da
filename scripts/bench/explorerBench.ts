/**
 * What the Runs explorer asks the store for, at 10,000 runs in one experiment
 * (the worst case for expanding it): open (experiments), expand the
 * experiment (first page of 200 runs, starred first, plus the count for
 * "Load more"), expand a run (params, metrics, artifacts, inputs, children).
 * The goal is the issue's: the tree opens and expands an experiment in under
 * 300 ms. The VS Code side adds one TreeItem per shown row, which the
 * integration suite exercises in a real VS Code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunStore } from '../../src/store/runStore';
import type { MetricPoint } from '../../src/store/types';
import type { BenchResult } from './types';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function benchExplorer(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-explorer-'));
  try {
    const writer = RunStore.open(dir, { staleAfterMs: Number.MAX_SAFE_INTEGER });
    writer.transaction(() => {
      for (let i = 0; i < 10_000; i++) {
        const run = writer.createRun({ experiment: 'sweep', name: `run-${i}`, status: 'finished' });
        const params: Record<string, number | string> = { model: 'decision_tree' };
        for (let p = 1; p < 20; p++) params[`p${p}`] = (i * p) % 97;
        writer.logParams(run.id, params);
        const pts: MetricPoint[] = [];
        for (let m = 0; m < 10; m++) pts.push({ key: `m${m}`, value: ((i * 7 + m * 13) % 1000) / 1000, step: 0 });
        writer.logMetrics(run.id, pts);
        if (i % 500 === 0) writer.setStar(run.id, true);
      }
    });
    writer.close();
    // A fresh connection, as the editor has after opening a workspace.
    const store = RunStore.open(dir, { readonly: true });
    const sort = 'attributes.starred DESC, attributes.start_time DESC';
    let runId = '';
    const open = median([0, 1, 2, 3, 4].map(() => timed(() => store.listExperiments())));
    const expand = median([0, 1, 2, 3, 4].map(() => timed(() => {
      const rows = store.listRuns({ experiment: 'sweep', parentId: null, sort, limit: 200 });
      store.countRuns({ experiment: 'sweep', parentId: null });
      runId = rows[0]!.id;
    })));
    const expandRun = median([0, 1, 2, 3, 4].map(() => timed(() => {
      store.countRuns({ parentId: runId });
      store.getParams(runId);
      store.getMetricSummaries(runId);
      store.listArtifacts(runId);
      store.datasets.listInputs(runId);
    })));
    const filtered = median([0, 1, 2].map(() => timed(() => {
      store.listRuns({ experiment: 'sweep', parentId: null, filter: 'metrics.m3 > 0.5 and params.p2 < 50', sort: 'metrics.m3 DESC', limit: 200 });
    })));
    store.close();
    return [
      { name: 'open the view (experiments with counts), 10,000 runs', value: open, unit: 'ms', goal: 'open + expand < 300 ms' },
      { name: 'expand an experiment of 10,000 runs (first page of 200, starred first, total count)', value: expand, unit: 'ms', goal: '< 300 ms' },
      { name: 'expand a run (params, metrics, artifacts, inputs, children)', value: expandRun, unit: 'ms' },
      { name: 'expand with a filter and a metric sort', value: filtered, unit: 'ms', goal: '< 300 ms' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
