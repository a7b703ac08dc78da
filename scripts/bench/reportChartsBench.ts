/**
 * The report's metric curves (#18.3: "measure chart.js on a server-side
 * canvas against vega-lite's SVG renderer and keep one"): the same curves of
 * 5 runs × 3 metrics × 10,000 steps, read from a real store and min/max
 * downsampled as `runlens report` does (collectReport, 400 points a
 * series), drawn as SVG by
 *   - vega-lite compiled to vega, `view.toSVG()` (src/views/report/svgCharts.ts, what the report uses), from the
 *     built dist/reportCharts.js as the CLI and the extension load it, and from the source under tsx,
 *   - chart.js 4 on @napi-rs/canvas's SVG canvas (Skia), text as <text> and text as paths,
 *   - the hand-written string builder the report had before (the baseline).
 * For each: the time for the report's three charts (the first call, which
 * loads the library, and the median of the next ones), the bytes, and what
 * the SVG would run, load or need from the page (src/views/report/testing/svgAudit.ts).
 * Run alone: `node --import tsx scripts/bench/reportChartsBench.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RunStore } from '../../src/store/runStore';
import type { MetricPoint } from '../../src/store/types';
import { LocalRunSource } from '../../src/tracking/localRunSource';
import { runColor } from '../../src/views/report/reportBlocks';
import { collectReport, type ReportModel } from '../../src/views/report/reportModel';
import { lineChartSpec, lineChartSvg, type LineSeries } from '../../src/views/report/svgCharts';
import type * as VegaSvg from '../../src/views/report/vegaSvg';
import { auditSvg } from '../../src/views/report/testing/svgAudit';
import { chartJsLineChartSvg } from './reportChartsChartJs';
import { handLineChartSvg } from './reportChartsHandSvg';
import type { BenchResult } from './types';

const RUNS = 5;
const KEYS = ['train_loss', 'val_loss', 'val_accuracy'];
const STEPS = 10_000;
const REPEATS = 7;

interface Renderer {
  readonly name: string;
  readonly draw: (title: string, xLabel: string, series: readonly LineSeries[]) => string | Promise<string>;
}

/** vega as the CLI and the extension run it: dist/reportCharts.js (`node esbuild.mjs`), required on the first chart. */
const BUNDLE = path.join(__dirname, '..', '..', 'dist', 'reportCharts.js');
let bundled: typeof VegaSvg | undefined;
const drawBundled = (title: string, xLabel: string, series: readonly LineSeries[]) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle, as svgCharts.ts loads it
  bundled ??= require(BUNDLE) as typeof VegaSvg;
  return bundled.vegaLiteToSvg(lineChartSpec(title, xLabel, series));
};

const RENDERERS: readonly Renderer[] = [
  ...(fs.existsSync(BUNDLE) ? [{ name: 'vega-lite → vega toSVG, from dist/reportCharts.js (the report)', draw: drawBundled }] : []),
  { name: 'vega-lite → vega toSVG, from source under tsx', draw: lineChartSvg },
  { name: 'chart.js 4 on @napi-rs/canvas SVG', draw: (t, x, s) => chartJsLineChartSvg(t, x, s) },
  { name: 'chart.js 4 on @napi-rs/canvas SVG, text as paths', draw: (t, x, s) => chartJsLineChartSvg(t, x, s, true) },
  { name: 'hand-written SVG (before)', draw: handLineChartSvg },
];

function buildStore(dir: string): { store: RunStore; runIds: string[] } {
  const store = RunStore.open(dir, { now: () => 1_700_000_000_000 });
  const runIds: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const run = store.createRun({ experiment: 'bench', name: `run-${r}`, status: 'finished' });
    runIds.push(run.id);
    for (let from = 0; from < STEPS; from += 2000) {
      const batch: MetricPoint[] = [];
      for (let step = from; step < from + 2000; step++) {
        const decay = Math.exp(-step / (1500 + 200 * r));
        const noise = 0.02 * Math.sin(step / 7 + r);
        batch.push({ key: 'train_loss', step, value: decay + noise });
        batch.push({ key: 'val_loss', step, value: 1.1 * decay + 0.05 + noise });
        batch.push({ key: 'val_accuracy', step, value: 0.95 - 0.5 * decay + noise / 2 });
      }
      store.logMetrics(run.id, batch);
    }
  }
  return { store, runIds };
}

/** The report's charts as reportBlocks draws them: one per curve, a series per run. */
function chartInputs(model: ReportModel): { title: string; series: LineSeries[] }[] {
  return model.curves.map((c) => ({ title: c.key, series: c.series.map((s) => ({ label: model.runs[s.run]!.name, color: runColor(s.run), x: s.steps, y: s.values })) }));
}

async function drawAll(r: Renderer, charts: ReturnType<typeof chartInputs>): Promise<{ ms: number; svgs: string[] }> {
  const t0 = performance.now();
  const svgs: string[] = [];
  for (const c of charts) svgs.push(await r.draw(c.title, 'step', c.series));
  return { ms: performance.now() - t0, svgs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function auditNote(svgs: readonly string[]): string {
  const a = svgs.map(auditSvg);
  const list = (pick: (x: ReturnType<typeof auditSvg>) => readonly string[]) => [...new Set(a.flatMap(pick))];
  const ids = a.flatMap((x) => x.ids);
  const shared = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const parts = [
    `runs: ${list((x) => x.runs).join(' ') || 'nothing'}`,
    `loads: ${list((x) => x.loads).join(' ') || 'nothing'}`,
    `style attributes/elements: ${list((x) => x.styles).length || 'none'}`,
    `ids: ${ids.length === 0 ? 'none' : `${ids.length}${shared.length ? `, ${shared.length} repeated across the charts (${shared.slice(0, 3).join(' ')}…)` : ', unique'}`}`,
    `fonts: ${list((x) => x.fonts).join(' / ') || 'none (text drawn as paths)'}`,
    `text elements: ${svgs.reduce((n, s) => n + (s.match(/<text\b/g) ?? []).length, 0)}`,
  ];
  if (svgs.some((s) => s.startsWith('<?xml'))) parts.push('starts with an XML declaration (strip before inlining)');
  return parts.join('; ');
}

export async function benchReportCharts(): Promise<BenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-report-charts-'));
  try {
    const { store, runIds } = buildStore(dir);
    const source = new LocalRunSource(store);
    const model = await collectReport(runIds.map((runId) => ({ source, runId })));
    store.close();
    const charts = chartInputs(model);
    const points = charts.reduce((n, c) => n + c.series.reduce((m, s) => m + s.x.length, 0), 0);
    const shape = `${charts.length} charts of ${RUNS} runs (${RUNS} × ${KEYS.length} metrics × ${STEPS.toLocaleString('en')} steps → ${points.toLocaleString('en')} points)`;
    const out: BenchResult[] = [];
    const measured = [];
    for (const r of RENDERERS) {
      const first = await drawAll(r, charts);
      const warm: number[] = [];
      for (let i = 0; i < REPEATS; i++) warm.push((await drawAll(r, charts)).ms);
      measured.push({ r, first, warm: median(warm) });
    }
    const hand = measured.find((m) => m.r.draw === handLineChartSvg)!;
    for (const m of measured) {
      const bytes = m.first.svgs.reduce((n, s) => n + Buffer.byteLength(s), 0);
      out.push({
        name: `${m.r.name}: ${shape}, median of ${REPEATS}`,
        value: m.warm,
        unit: 'ms',
        ...(m === hand ? {} : { reference: hand.warm, referenceName: 'hand-written SVG' }),
        note: `first call (loads the library) ${m.first.ms.toFixed(0)} ms; ${(bytes / 1024).toFixed(1)} KB for the ${charts.length} charts; ${auditNote(m.first.svgs)}`,
      });
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (/reportChartsBench\.ts$/.test(process.argv[1] ?? '')) {
  void benchReportCharts().then((results) => {
    for (const r of results) {
      const ref = r.reference === undefined ? '' : `; reference ${r.reference.toFixed(1)} (${r.referenceName}), ratio ${(r.value / r.reference).toFixed(2)}`;
      console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit}${ref}\n  ${r.note}`);
    }
  });
}
