import type { ColumnStats } from '../../core/data/fingerprint';
import type { RunStore } from '../../store/runStore';
import { inputDrift, MIN_DRIFT_ROWS } from './inputDrift';
import type { InputDrift } from './inputDrift';
import { parsePrometheusText, PrometheusParseError } from './prometheusText';
import { readLiveWindow } from './requestLogWindow';
import { serveFigures } from './serveFigures';
import type { Scrape, ServeFigures } from './serveFigures';

/** What live inputs are compared with: the training dataset of the served run. */
export interface MonitorBaseline {
  /** How the user named it ("churn@production", a run id). */
  readonly label: string;
  readonly runId: string;
  /** The model's input columns. */
  readonly features: readonly string[];
  /** Null when the run recorded no dataset statistics; `reason` says why. */
  readonly dataset: { readonly path: string; readonly fingerprint: string; readonly rows: number; readonly stats: readonly ColumnStats[] } | null;
  readonly reason?: string;
}

/** One refresh of `runlens monitor` (also the `--json` output). */
export interface MonitorReport {
  readonly url: string;
  readonly at: number;
  readonly figures: ServeFigures;
  readonly baseline: { readonly label: string; readonly runId: string; readonly dataset: string | null };
  /** Null when there is no request log to read or no baseline dataset; `driftNote` says why. */
  readonly drift: (InputDrift & { readonly requestLog: string; readonly requests: number; readonly from: number | null; readonly to: number | null }) | null;
  readonly driftNote?: string;
  /** Problems worth a look: large drift per feature, errors, a different model than the baseline. */
  readonly warnings: string[];
}

/** A monitoring failure meant for the user (unreachable server, not a RunLens server). */
export class MonitorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MonitorError';
  }
}

/**
 * The baseline of a resolved model (`resolveModel`): the statistics of its
 * training dataset (role "train", else the first recorded input) as the store holds them.
 */
export function monitorBaseline(store: RunStore, label: string, model: {
  readonly runId: string;
  readonly pkg: { readonly inputColumns: readonly string[] };
  readonly datasets: readonly { readonly role: string; readonly fingerprint: string; readonly path: string }[];
}): MonitorBaseline {
  const inputs = model.datasets;
  const input = inputs.find((i) => i.role === 'train') ?? inputs[0];
  const base = { label, runId: model.runId, features: model.pkg.inputColumns };
  if (!input) return { ...base, dataset: null, reason: `run ${model.runId} recorded no dataset` };
  const record = store.datasets.getDataset(input.fingerprint);
  const stats = record?.stats;
  if (!record || !Array.isArray(stats) || record.rows === null) {
    return { ...base, dataset: null, reason: `the dataset ${input.path} of run ${model.runId} has no recorded statistics` };
  }
  return { ...base, dataset: { path: input.path, fingerprint: input.fingerprint, rows: record.rows, stats: stats as ColumnStats[] } };
}

/** The server's base URL from what a user may paste (`…/invocations`, `…/metrics`, a trailing slash). */
export function serverBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new MonitorError(`"${text}" is not a URL; give the server's address, e.g. http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MonitorError(`"${text}" is not an http(s) URL`);
  const path = url.pathname.replace(/\/(invocations|metrics|ping|health)\/?$/, '').replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/** Fetches and parses `<base>/metrics`. */
export async function scrape(base: string, now: () => number = Date.now, timeoutMs = 5000): Promise<Scrape> {
  const target = `${base}/metrics`;
  let res: Response;
  try {
    res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new MonitorError(`cannot reach ${target}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new MonitorError(`${target} answered ${res.status}: ${text.slice(0, 200).trim()}`);
  try {
    const metrics = parsePrometheusText(text);
    if (!metrics.samples.some((s) => s.name.startsWith('runlens_serve_'))) {
      throw new MonitorError(`${target} has no runlens_serve_ metrics; is it a RunLens model server?`);
    }
    return { at: now(), metrics };
  } catch (e) {
    if (e instanceof PrometheusParseError) throw new MonitorError(`${target}: ${e.message}`);
    throw e;
  }
}

export interface ReportOptions {
  readonly url: string;
  readonly baseline: MonitorBaseline;
  /** The server's request log; without it there is no input drift. */
  readonly requestLog?: string;
  /** Live rows compared with the baseline; default 5000. */
  readonly windowRows?: number;
  readonly now?: () => number;
}

/** Figures between two scrapes plus input drift from the request log's recent window. */
export function monitorReport(earlier: Scrape, later: Scrape, options: ReportOptions): MonitorReport {
  const figures = serveFigures(earlier, later);
  const { baseline } = options;
  const warnings: string[] = [];
  if (figures.model && figures.model.runId !== baseline.runId) {
    warnings.push(`the server serves run ${figures.model.runId}, not the baseline's run ${baseline.runId}`);
  }
  if (figures.errorRate !== null && figures.errorRate > 0.05) {
    warnings.push(`${(figures.errorRate * 100).toFixed(1)}% of requests failed in the last ${figures.seconds.toFixed(0)} s`);
  }
  let drift: MonitorReport['drift'] = null;
  let driftNote: string | undefined;
  if (!baseline.dataset) {
    driftNote = baseline.reason ?? 'no baseline dataset';
  } else if (!options.requestLog) {
    driftNote = 'no request log: serve with --request-log FILE and pass it with --request-log';
  } else {
    const window = readLiveWindow(options.requestLog, { maxRows: options.windowRows });
    if (window.rows === 0) {
      driftNote = `no logged requests with inputs in ${options.requestLog} yet`;
    } else if (window.rows < MIN_DRIFT_ROWS) {
      // A PSI over a handful of rows swings to "large" on chance alone: no verdict until the window can carry one.
      driftNote = `not enough traffic to judge drift (${window.rows} row${window.rows === 1 ? '' : 's'})`;
    } else {
      const d = inputDrift(baseline.dataset.stats, baseline.dataset.rows, baseline.features, window.columns, window.rows);
      drift = { ...d, requestLog: options.requestLog, requests: window.requests, from: window.from, to: window.to };
      warnings.push(...d.warnings);
    }
  }
  return {
    url: options.url,
    at: (options.now ?? Date.now)(),
    figures,
    baseline: { label: baseline.label, runId: baseline.runId, dataset: baseline.dataset?.path ?? null },
    drift,
    ...(driftNote ? { driftNote } : {}),
    warnings,
  };
}
