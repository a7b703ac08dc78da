import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunStore } from '../src/store/runStore';
import type { MetricPoint } from '../src/store/types';
import { toSeriesPayload } from '../src/views/compare/compareSeries';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-ds-'));
const store = RunStore.open(dir);
const ids: string[] = [];
for (let r = 0; r < 20; r++) {
  const run = store.createRun({ experiment: 'b' }); ids.push(run.id);
  for (let from = 0; from < 10000; from += 2000) {
    const b: MetricPoint[] = [];
    for (let s = from; s < from + 2000; s++) for (const k of ['a', 'b', 'c', 'd', 'e']) b.push({ key: k, step: s, timestamp: 1e12 + s * 100, value: Math.sin(s / 9 + r) });
    store.logMetrics(run.id, b);
  }
}
for (let rep = 0; rep < 3; rep++) {
  let t0 = performance.now(); const ds = [];
  for (const id of ids) for (const k of ['a', 'b', 'c', 'd', 'e']) ds.push(store.downsampleMetric(id, k, 1000));
  const t1 = performance.now();
  const p = ds.map((d) => toSeriesPayload({ id: 'x', t0: 1e12 }, 'a', d, 10000));
  const t2 = performance.now();
  const hist = ids.map((id) => store.getMetricHistory(id, 'a'));
  const t3 = performance.now();
  console.log(`100 series: downsample ${(t1 - t0).toFixed(0)} ms, payload ${(t2 - t1).toFixed(0)} ms; 20 full histories ${(t3 - t2).toFixed(0)} ms; pts ${ds[0].steps.length}`);
}

for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  let n = 0;
  for (const id of ids) for (const k of ['a', 'b', 'c', 'd', 'e']) {
    const h = store.getMetricHistory(id, k);
    // min/max/first/last per bucket in JS
    const B = 250; const lo = h.steps[0], hi = h.steps[h.steps.length - 1]; const w = (hi + 1 - lo) / B;
    let cur = -1, mn = Infinity, mx = -Infinity;
    for (let i = 0; i < h.steps.length; i++) { const b = Math.floor((h.steps[i] - lo) / w); if (b !== cur) { cur = b; mn = Infinity; mx = -Infinity; n++; } const v = h.values[i]; if (v < mn) mn = v; if (v > mx) mx = v; }
  }
  console.log(`100 series via full history + JS buckets: ${(performance.now() - t0).toFixed(0)} ms (${n})`);
}
store.close(); fs.rmSync(dir, { recursive: true });
