import type { ConfusionMatrixView, FeatureImportancesView, SliceReportView, TableRow } from '../../protocol/compare';
import type { RunSource, SourceArtifact } from '../../tracking/runSource';
import type { CompareRunSource } from '../compare/compareStore';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';
import { parseConfusionMatrix, parseFeatureImportances } from '../compare/artifactViews';
import { buildCompareTable, chartKeysOf } from '../compare/compareTable';
import { parseSliceReport } from '../compare/sliceViews';
import type { DataChangesOf, ReportDataChange } from './reportDataDiff';

/** The data a run read, as the report lists it. */
export interface ReportDataInput {
  readonly role: string;
  readonly path: string;
  readonly fingerprint: string;
  readonly rows: number | null;
  readonly columns: number | null;
}

/** One run of a report: who it is, where it came from, and its drawable artifacts. */
export interface ReportRun {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly status: string;
  readonly startedAt: number | null;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly configPath: string | null;
  readonly data: readonly ReportDataInput[];
  /** Against the previous run of the same config (when the source can tell): its name and the data that changed. */
  readonly dataVsPrevious?: { readonly previousRun: string; readonly changes: readonly ReportDataChange[] };
  readonly confusion?: ConfusionMatrixView;
  readonly importances?: FeatureImportancesView;
  readonly permutation?: FeatureImportancesView;
  readonly slices?: SliceReportView;
}

/** One metric's curve per run that logged it at more than one step. */
export interface ReportCurve {
  readonly key: string;
  readonly series: readonly { readonly run: number; readonly steps: readonly number[]; readonly values: readonly (number | null)[] }[];
}

/** Everything a report shows, read once; the renderers only format it. */
export interface ReportModel {
  readonly generatedAt: number;
  readonly runs: readonly ReportRun[];
  /** Params (only those that differ when there are several runs). */
  readonly params: readonly TableRow[];
  /** Latest value of each metric, the best run per metric in `best`. */
  readonly metrics: readonly TableRow[];
  readonly curves: readonly ReportCurve[];
}

export interface CollectOptions {
  /** Points per curve at most (min/max downsampling by the source); default 400. */
  readonly maxPoints?: number;
  /** The column count of a dataset version, where the source keeps it (the local store does). */
  readonly columnsOf?: (fingerprint: string) => number | null;
  /** The previous run of the same config and the dataset diff against it (the local store: `localDataChanges`). */
  readonly dataChanges?: DataChangesOf;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** JSON artifacts above this size are not read (a report is a few KB). */
const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024;

/**
 * Reads the runs into a report model, each from its own source (the compare
 * panel may hold local and tracking-server runs); `runId` may be any ref the
 * source resolves (an id, a unique prefix or a name, as `show` takes).
 */
export async function collectReport(targets: readonly CompareRunSource[], opts: CollectOptions = {}): Promise<ReportModel> {
  const details = [];
  for (const t of targets) details.push({ ...(await t.source.getRun(t.runId)), source: t.source });
  const inputs = details.map((d) => ({
    run: d.run,
    params: d.run.params,
    summaries: d.metrics.filter((m) => !isSystemMetric(m.key)),
    inputs: d.inputs.map((i) => ({ runId: i.runId, fingerprint: i.fingerprint, role: i.role, path: i.path })),
  }));
  const chartKeys = chartKeysOf(inputs);
  const table = buildCompareTable(inputs, chartKeys);
  const several = details.length > 1;
  const runs: ReportRun[] = [];
  for (const d of details) {
    const artifact = (name: string) => readJson(d.source, d.run.id, d.artifacts, name, opts.log);
    const confusion = parseConfusionMatrix(d.run.id, await artifact('confusion_matrix.json'));
    const importances = parseFeatureImportances(d.run.id, await artifact('feature_importances.json'));
    const permutation = parseFeatureImportances(d.run.id, await artifact('permutation_importance.json'));
    const slices = parseSliceReport(d.run.id, await artifact('slices.json'));
    const dataVsPrevious = await opts.dataChanges?.(d);
    runs.push({
      id: d.run.id,
      name: d.run.name,
      experiment: d.run.experiment,
      status: d.run.status,
      startedAt: d.run.startedAt,
      gitCommit: d.run.gitCommit,
      gitDirty: d.run.gitDirty,
      configPath: d.run.configPath,
      data: d.inputs.map((i) => ({ role: i.role, path: i.path, fingerprint: i.fingerprint, rows: i.rows, columns: opts.columnsOf?.(i.fingerprint) ?? null })),
      ...(dataVsPrevious ? { dataVsPrevious } : {}),
      ...(confusion ? { confusion } : {}),
      ...(importances ? { importances } : {}),
      ...(permutation ? { permutation } : {}),
      ...(slices ? { slices } : {}),
    });
  }
  const curves: ReportCurve[] = [];
  for (const key of chartKeys) {
    const series = [];
    for (const [run, d] of details.entries()) {
      if (!d.metrics.some((m) => m.key === key && m.count > 1)) continue;
      const h = await d.source.downsampleMetric(d.run.id, key, opts.maxPoints ?? 400);
      series.push({ run, steps: Array.from(h.steps), values: Array.from(h.values, (v) => (Number.isFinite(v) ? v : null)) });
    }
    if (series.length > 0) curves.push({ key, series });
  }
  return {
    generatedAt: (opts.now ?? Date.now)(),
    runs,
    params: table.filter((r) => r.group === 'param' && (!several || r.differs)),
    metrics: table.filter((r) => r.group === 'metric'),
    curves,
  };
}

async function readJson(source: RunSource, runId: string, artifacts: readonly SourceArtifact[], name: string, log?: (line: string) => void): Promise<unknown> {
  const a = artifacts.find((x) => x.path === name);
  if (!a || (a.size !== null && a.size > MAX_ARTIFACT_BYTES)) return undefined;
  try {
    return JSON.parse((await source.readArtifact(runId, name)).toString('utf8'));
  } catch (e) {
    log?.(`report: cannot read ${name} of run ${runId}: ${(e as Error).message}`);
    return undefined;
  }
}
