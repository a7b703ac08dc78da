import { parseArgs } from 'node:util';
import type { Command } from '../context';
import { CliError } from '../context';
import { formatAgo, formatNumber, formatTable } from '../table';
import type { RunStore } from '../../store/runStore';
import type { RunRow } from '../../store/types';
import type { SourceRunRow } from '../../tracking/runSource';
import { openRunSource, SERVER_OPTION } from '../runSourceOption';
import { knownKeys, unknownKeyHints } from '../filterHints';
import { isSystemMetric } from '../../core/metrics/systemMetricNames';

/** How many runs the key hints of an empty result look at. */
const HINT_RUNS = 1000;

/** The metric a runs table shows first: test_* over train_*, accuracy/r2 first. */
export function keyMetrics(runs: readonly RunRow[], max = 3): string[] {
  const keys = new Set<string>();
  // The sampled system metrics (`system/…`) describe the machine, not the model: `runlens show` has them.
  for (const r of runs) for (const k of Object.keys(r.metrics)) if (!isSystemMetric(k)) keys.add(k);
  const rank = (k: string) =>
    (k.startsWith('test_') ? 0 : k.startsWith('val_') ? 10 : k.startsWith('train_') ? 20 : 30) +
    (/accuracy|r2$/.test(k) ? 0 : /f1|rmse|auc/.test(k) ? 1 : /loss/.test(k) ? 2 : 3);
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, max);
}

export function runsTable(runs: readonly RunRow[], now = Date.now()): string {
  const metrics = keyMetrics(runs);
  const rows = runs.map((r) => [
    r.id.slice(0, 8),
    r.experiment,
    r.name,
    r.status,
    String(r.params.model ?? ''),
    ...metrics.map((m) => formatNumber(r.metrics[m])),
    formatAgo(r.startedAt ?? r.createdAt, now),
  ]);
  return formatTable(['id', 'experiment', 'name', 'status', 'model', ...metrics, 'started'], rows);
}

export const runsCommand: Command = async (ctx, argv) => {
  const { values } = parseArgs({
    args: argv,
    options: {
      filter: { type: 'string' },
      sort: { type: 'string' },
      limit: { type: 'string' },
      experiment: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      ...SERVER_OPTION,
    },
  });
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliError(`--limit expects a positive integer, got "${values.limit}"`, 2);
  const source = openRunSource(ctx, values.server);
  const { rows: runs } = await source.searchRuns({
    filter: values.filter,
    sort: values.sort ?? 'attributes.start_time DESC',
    limit,
    experiment: values.experiment,
    parentId: values.all ? undefined : null,
  });
  // A filter that matched nothing may name a key no run has: say which, and the near one.
  const hints = runs.length === 0 && values.filter
    ? unknownKeyHints(values.filter, knownKeys((await source.searchRuns({ limit: HINT_RUNS, experiment: values.experiment, parentId: values.all ? undefined : null })).rows))
    : [];
  if (values.json) {
    ctx.out(JSON.stringify(runs.map(runJson), jsonNumbers) + '\n');
    for (const hint of hints) ctx.err(`warning: ${hint}\n`);
  } else if (runs.length === 0) {
    const none = source.kind === 'local' ? 'no runs yet: try `runlens train <config>`' : `no runs on ${source.label}`;
    ctx.out(values.filter ? `no runs match the filter${hints.map((h) => `: ${h}`).join('')}\n` : `${none}\n`);
  } else {
    // Sweep trials and CV folds are left out unless --all: say how many (locally, where counting is cheap).
    const hidden = values.all || values.server !== undefined ? 0 : hiddenChildRuns(ctx.openStore(), values.filter, values.experiment);
    ctx.out(runsTable(runs) + '\n' + (hidden > 0 ? `${hidden} child run${hidden === 1 ? '' : 's'} hidden; --all shows them\n` : ''));
  }
  return 0;
};

/** Child runs (sweep trials, CV folds) that match the filter, which the table leaves out without --all. */
function hiddenChildRuns(store: RunStore, filter: string | undefined, experiment: string | undefined): number {
  return store.countRuns({ filter, experiment }) - store.countRuns({ filter, experiment, parentId: null });
}

/** JSON has no NaN or Infinity: spell them as strings instead of null. */
export function jsonNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/**
 * A row as `--json` prints it: the store's RunRow, plus `experimentKey` when
 * the experiment id is not a plain number (MLflow's can exceed 2^53) and
 * `user` when the source knows it, so local output stays as it was.
 */
export function runJson(row: SourceRunRow): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  if (row.experimentKey === String(row.experimentId)) delete out.experimentKey;
  if (row.user === null) delete out.user;
  return out;
}
