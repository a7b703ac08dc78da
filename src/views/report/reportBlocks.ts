import type { FeatureImportancesView, TableRow } from '../../protocol/compare';
import { SLICE_METRIC_LABELS, SMALL_GROUP_TEXT } from '../compare/sliceViews';
import { formatMetric } from '../runPresentation';
import type { ReportModel, ReportRun } from './reportModel';
import { lineChartSvg, RUN_COLORS } from './svgCharts';

/**
 * A report as format-free blocks, built once from the model; reportHtml.ts
 * and reportMarkdown.ts only render them. Texts here are plain: each
 * renderer escapes them for its format.
 */
export interface Cell {
  readonly text: string;
  /** The best value of a metric row. */
  readonly best?: boolean;
}

export type Block =
  | { readonly type: 'heading'; readonly level: 1 | 2 | 3; readonly text: string; readonly id?: string }
  | { readonly type: 'paragraph'; readonly text: string }
  | { readonly type: 'table'; readonly headers: readonly string[]; readonly rows: readonly (readonly Cell[])[] }
  /** An image: `svg` is complete SVG markup built with its texts escaped; `name` is its file name in Markdown. */
  | { readonly type: 'image'; readonly name: string; readonly alt: string; readonly svg: string };

/** Sections in order; each starts with a level-2 heading with this id. */
export const REPORT_SECTIONS = ['runs', 'params', 'metrics', 'curves', 'confusion', 'importance', 'permutation', 'slices', 'data'] as const;

const TOP_FEATURES = 15;

const cells = (...texts: string[]): Cell[] => texts.map((text) => ({ text }));

export function runColor(i: number): string {
  return RUN_COLORS[i % RUN_COLORS.length];
}

/** The report's blocks; async because the charts are drawn by vega (svgCharts.ts). */
export async function reportBlocks(model: ReportModel): Promise<Block[]> {
  const { runs } = model;
  const names = runs.map((r) => r.name);
  const out: Block[] = [];
  const section = (id: (typeof REPORT_SECTIONS)[number], title: string) => out.push({ type: 'heading', level: 2, text: title, id });
  const none = (text: string) => out.push({ type: 'paragraph', text });

  out.push({ type: 'heading', level: 1, text: `RunLens report: ${names.join(', ')}` });
  out.push({ type: 'paragraph', text: `${runs.length} run${runs.length === 1 ? '' : 's'} · generated ${new Date(model.generatedAt).toISOString()}` });

  section('runs', 'Runs');
  out.push({
    type: 'table',
    headers: ['run', 'id', 'experiment', 'status', 'started', 'git commit'],
    rows: runs.map((r) => cells(r.name, r.id.slice(0, 12), r.experiment, r.status, r.startedAt ? new Date(r.startedAt).toISOString() : '',
      r.gitCommit ? `${r.gitCommit.slice(0, 12)}${r.gitDirty ? ' (dirty: uncommitted changes)' : ''}` : 'not in git')),
  });

  section('params', runs.length > 1 ? 'Params that differ' : 'Params');
  if (model.params.length > 0) out.push(rowsTable('param', names, model.params));
  else none(runs.length > 1 ? 'The runs have the same params.' : 'The run has no params.');

  section('metrics', 'Metrics');
  if (model.metrics.length > 0) {
    out.push(rowsTable('metric', names, model.metrics));
    if (runs.length > 1) none('★ marks the best run of a metric whose name says which way is better (higher accuracy, lower loss or gap).');
  } else none('No metrics.');

  section('curves', 'Metric curves');
  if (model.curves.length === 0) none('No metric was logged at more than one step.');
  for (const [i, c] of model.curves.entries()) {
    const series = c.series.map((s) => ({ label: names[s.run], color: runColor(s.run), x: s.steps, y: s.values }));
    out.push({ type: 'image', name: `curve-${i + 1}.svg`, alt: `${c.key} by step`, svg: await lineChartSvg(c.key, 'step', series) });
  }

  section('confusion', 'Confusion matrices');
  const matrices = runs.filter((r) => r.confusion);
  if (matrices.length === 0) none('No confusion matrix (classification runs have one).');
  for (const r of matrices) {
    const m = r.confusion!;
    out.push({ type: 'heading', level: 3, text: `${r.name}${m.split ? ` (${m.split})` : ''}` });
    out.push({ type: 'table', headers: ['true \\ predicted', ...m.labels], rows: m.matrix.map((row, i) => cells(m.labels[i], ...row.map(String))) });
  }

  section('importance', 'Feature importance');
  importanceTable(out, runs, (r) => r.importances, 'No run has feature importances (trees have them).');
  section('permutation', 'Permutation importance');
  importanceTable(out, runs, (r) => r.permutation, 'No run has permutation importance.');

  section('slices', 'Slices');
  const sliced = runs.filter((r) => r.slices);
  if (sliced.length === 0) none('No run has slices (evaluate.slices in the config).');
  for (const r of sliced) sliceBlocks(out, r);

  section('data', 'Data');
  const data = runs.flatMap((r) => r.data.map((d) => cells(r.name, d.role, d.path, d.fingerprint.slice(0, 12), d.rows === null ? '' : String(d.rows), d.columns === null ? '' : String(d.columns))));
  if (data.length > 0) out.push({ type: 'table', headers: ['run', 'role', 'data', 'fingerprint', 'rows', 'columns'], rows: data });
  else none('No run recorded its data.');
  for (const r of runs) {
    const v = r.dataVsPrevious;
    if (!v) continue;
    if (v.changes.length === 0) none(`${r.name}: the same data as ${v.previousRun}, the previous run of its config.`);
    for (const c of v.changes) none(`${r.name}: ${c.role} data ${c.path} changed since ${v.previousRun}, the previous run of its config (${c.from.slice(0, 12)} → ${c.to.slice(0, 12)}): ${c.summary}`);
  }
  return out;
}

/** Param or metric rows: one column per run; the best metric values marked. */
function rowsTable(what: string, names: readonly string[], rows: readonly TableRow[]): Block {
  return {
    type: 'table',
    headers: [what, ...names],
    rows: rows.map((row) => [{ text: row.key }, ...row.values.map((v, i): Cell => {
      const n = row.numbers?.[i];
      const text = v === null ? '—' : n !== undefined && n !== null ? formatMetric(n) : v;
      return row.best?.includes(i) ? { text: `${text} ★`, best: true } : { text };
    })]),
  };
}

function importanceTable(out: Block[], runs: readonly ReportRun[], pick: (r: ReportRun) => FeatureImportancesView | undefined, empty: string): void {
  const withIt = runs.filter((r) => pick(r));
  if (withIt.length === 0) {
    out.push({ type: 'paragraph', text: empty });
    return;
  }
  const best = new Map<string, number>();
  for (const r of withIt) for (const f of pick(r)!.importances) best.set(f.feature, Math.max(best.get(f.feature) ?? -Infinity, f.importance));
  const features = [...best.entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP_FEATURES).map(([f]) => f);
  out.push({
    type: 'table',
    headers: ['feature', ...withIt.map((r) => r.name)],
    rows: features.map((f) => cells(f, ...withIt.map((r) => {
      const v = pick(r)!.importances.find((x) => x.feature === f)?.importance;
      return v === undefined ? '—' : formatMetric(v);
    }))),
  });
  if (best.size > features.length) out.push({ type: 'paragraph', text: `The ${features.length} most important of ${best.size} features.` });
}

function sliceBlocks(out: Block[], r: ReportRun): void {
  const s = r.slices!;
  out.push({ type: 'heading', level: 3, text: `${r.name}: test rows${s.positive !== undefined ? `, positive class ${s.positive}` : ''}` });
  for (const col of s.columns) {
    out.push({
      type: 'table',
      headers: [col.column, 'count', ...s.metrics.map((m) => SLICE_METRIC_LABELS[m] ?? m), 'note'],
      rows: col.groups.map((g) => cells(g.group, String(g.count), ...s.metrics.map((m) => (g.metrics[m] === null ? '—' : formatMetric(g.metrics[m] as number))), g.small ? SMALL_GROUP_TEXT : '')),
    });
    if (col.disparities.length > 0) {
      out.push({ type: 'paragraph', text: `Gaps (largest minus smallest group): ${col.disparities.map((d) => `${d.metricKey} = ${d.value === null ? '—' : formatMetric(d.value)}`).join(', ')}` });
    }
  }
}
