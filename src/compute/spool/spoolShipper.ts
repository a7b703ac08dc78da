/**
 * The job side of a cluster run: watches the node-local scratch store the
 * training writes to, and appends every change of the root run and the runs
 * under it (cross-validation folds) to the task's spool, in order: a run's
 * creation, its status, params, tags, metric points (read incrementally by
 * position, as the MLflow push walks a run), artifacts (blob first), dataset
 * inputs and snapshots, and a heartbeat when nothing else changed. Every
 * `intervalMs`, at once with {@link SpoolShipper.flush}, and a last time with
 * {@link SpoolShipper.finish}, which writes the final `end` event.
 *
 * All of it is synchronous (better-sqlite3 and sync file writes), so a flush
 * from a SIGTERM handler never interleaves with a timer's.
 */
import type { Timers } from '../../core/util/timers';
import { realTimers } from '../../core/util/timers';
import type { RunStore } from '../../store/runStore';
import type { RunRecord } from '../../store/types';
import { TERMINAL_STATUSES } from '../../store/types';
import type { SpoolEvent, SpoolPoint } from './spoolEvents';
import { encodeNumber } from './spoolEvents';
import { SpoolWriter } from './spoolWriter';

/** Points per `metrics` line (about 80 bytes each). */
const POINTS_PER_LINE = 1000;

export interface SpoolShipperOptions {
  /** The scratch store the training writes to. */
  readonly store: RunStore;
  /** The run the job fills (the root of what is shipped). */
  readonly rootRunId: string;
  /** The task folder on the shared file system (`<storeDir>/jobs/<root>/<task>/`). */
  readonly taskDir: string;
  /** Between background flushes; default 1000. */
  readonly intervalMs?: number;
  readonly timers?: Timers;
  /** A background flush that failed (the next one retries); default: a line on stderr. */
  readonly onError?: (error: Error) => void;
}

/** How the job ended, for the spool's last event. */
export interface SpoolEnd {
  readonly status: 'finished' | 'failed' | 'killed';
  readonly exitCode: number | null;
  readonly error?: string | null;
}

/** What one flush wrote. */
export interface ShipResult {
  readonly events: number;
  readonly points: number;
}

/** What has been shipped of one run. */
interface Shipped {
  status: string;
  readonly params: Set<string>;
  readonly tags: Map<string, string>;
  /** Points shipped per series (= the position the next read starts from). */
  readonly series: Map<string, number>;
  /** Artifact path → sha256 shipped. */
  readonly artifacts: Map<string, string>;
  /** `fingerprint role` of the inputs shipped. */
  readonly inputs: Set<string>;
}

const isTerminal = (run: RunRecord) => (TERMINAL_STATUSES as readonly string[]).includes(run.status);

export class SpoolShipper {
  private readonly writer: SpoolWriter;
  private readonly shipped = new Map<string, Shipped>();
  /** Fingerprints of the inputs shipped; and of those whose snapshot was shipped. */
  private readonly fingerprints = new Set<string>();
  private readonly snapshots = new Set<string>();
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private timer: unknown;
  private finished = false;
  private counts = { events: 0, points: 0 };

  constructor(private readonly opts: SpoolShipperOptions) {
    this.timers = opts.timers ?? realTimers;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.writer = new SpoolWriter(opts.taskDir);
  }

  /** Starts the background flushes (the first after `intervalMs`). */
  start(): void {
    if (this.finished || this.timer !== undefined) return;
    this.schedule();
  }

  /** Writes what changed since the last flush and fsyncs it; nothing once finished. */
  flush(): ShipResult {
    if (this.finished) return { events: 0, points: 0 };
    this.counts = { events: 0, points: 0 };
    try {
      for (const id of this.runTree()) this.shipRun(id);
      if (this.counts.events === 0) {
        const root = this.opts.store.findRun(this.opts.rootRunId);
        if (root && !isTerminal(root)) this.emit({ t: 'heartbeat', id: root.id, at: Date.now() });
      }
    } finally {
      // What was appended before a failure is fsynced too: each line is whole, and the next flush goes on after it.
      this.writer.sync();
    }
    return this.counts;
  }

  /** Stops the timer, flushes what is left, writes the `end` event and closes the spool. */
  finish(end: SpoolEnd): ShipResult {
    if (this.finished) return { events: 0, points: 0 };
    this.stopTimer();
    let result: ShipResult = { events: 0, points: 0 };
    try {
      result = this.flush();
    } finally {
      this.finished = true;
      this.writer.append({ t: 'end', status: end.status, exitCode: end.exitCode, error: end.error ?? null });
      this.writer.close();
    }
    return { events: result.events + 1, points: result.points };
  }

  /** Stops the timer and closes the spool without an `end` event (the job goes on elsewhere, or a test). */
  dispose(): void {
    this.stopTimer();
    this.finished = true;
    this.writer.close();
  }

  /** Bytes appended to the spool by this shipper. */
  get bytesWritten(): number {
    return this.writer.bytes;
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.finished) return;
      try {
        this.flush();
      } catch (e) {
        (this.opts.onError ?? ((err: Error) => process.stderr.write(`[runlens] spool: ${err.message}\n`)))(e as Error);
      }
      if (!this.finished) this.schedule();
    }, this.intervalMs);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The root and every run under it, parents first. */
  private runTree(): string[] {
    const store = this.opts.store;
    const out = [this.opts.rootRunId];
    for (let i = 0; i < out.length; i++) {
      for (const child of store.listRuns({ parentId: out[i]!, limit: 100_000, sort: 'attributes.created ASC' })) out.push(child.id);
    }
    return out;
  }

  private emit(event: SpoolEvent): void {
    this.writer.append(event);
    this.counts.events++;
  }

  /**
   * One run's changes. Its row is read first: a live status goes out before
   * the data, an end after it, and since the trainer writes its last points
   * before its end, a reader that sees `finished` has every point.
   */
  private shipRun(id: string): void {
    const store = this.opts.store;
    const run = store.findRun(id);
    if (!run) return;
    let state = this.shipped.get(id);
    if (!state) {
      this.emit({
        t: 'run', id, parent: id === this.opts.rootRunId ? null : run.parentId, name: run.name, experiment: run.experiment,
        configPath: run.configPath, config: run.configJson === null ? null : JSON.parse(run.configJson), gitCommit: run.gitCommit,
        gitDirty: run.gitDirty, createdAt: run.createdAt, startedAt: run.startedAt, runlensVersion: run.runlensVersion,
      });
      state = { status: '', params: new Set(), tags: new Map(), series: new Map(), artifacts: new Map(), inputs: new Set() };
      this.shipped.set(id, state);
    }
    const statusKey = `${run.status}\u0000${run.error ?? ''}\u0000${run.endedAt ?? ''}`;
    const statusChanged = statusKey !== state.status;
    const statusEvent: SpoolEvent = {
      t: 'status', id, status: run.status, error: run.error,
      at: (isTerminal(run) ? run.endedAt : run.status === 'running' ? run.startedAt : run.createdAt) ?? Date.now(),
    };
    if (statusChanged && !isTerminal(run)) this.emit(statusEvent);
    this.shipParamsAndTags(id, state);
    this.shipMetrics(id, state);
    this.shipArtifacts(id, state);
    this.shipInputs(id, state);
    if (statusChanged && isTerminal(run)) this.emit(statusEvent);
    state.status = statusKey;
  }

  private shipParamsAndTags(id: string, state: Shipped): void {
    const store = this.opts.store;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(store.getParams(id))) if (!state.params.has(k)) params[k] = v;
    if (Object.keys(params).length > 0) {
      this.emit({ t: 'params', id, params });
      for (const k of Object.keys(params)) state.params.add(k);
    }
    const now = store.getTags(id);
    const tags: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(now)) if (state.tags.get(k) !== v) tags[k] = v;
    for (const k of state.tags.keys()) if (!(k in now)) tags[k] = null;
    if (Object.keys(tags).length > 0) {
      this.emit({ t: 'tags', id, tags });
      for (const [k, v] of Object.entries(tags)) {
        if (v === null) state.tags.delete(k);
        else state.tags.set(k, v);
      }
    }
  }

  /** New points of every series, by position in logging order, POINTS_PER_LINE to a line. */
  private shipMetrics(id: string, state: Shipped): void {
    const store = this.opts.store;
    let points: SpoolPoint[] = [];
    // Positions move only once their points are written: a flush that fails half way re-reads the rest next time.
    let upto = new Map<string, number>();
    const out = () => {
      this.emit({ t: 'metrics', id, points });
      this.counts.points += points.length;
      for (const [key, n] of upto) state.series.set(key, n);
      points = [];
      upto = new Map();
    };
    for (const s of store.getMetricSummaries(id)) {
      let from = state.series.get(s.key) ?? 0;
      while (from < s.count) {
        const h = store.metricPointsFrom(id, s.key, from, Math.min(POINTS_PER_LINE - points.length, s.count - from));
        if (h.values.length === 0) break;
        for (let i = 0; i < h.values.length; i++) {
          points.push({ key: s.key, value: encodeNumber(h.values[i]!), step: h.steps[i]!, timestamp: h.timestamps[i]! });
        }
        from += h.values.length;
        upto.set(s.key, from);
        if (points.length >= POINTS_PER_LINE) out();
      }
    }
    if (points.length > 0) out();
  }

  private shipArtifacts(id: string, state: Shipped): void {
    const store = this.opts.store;
    for (const a of store.listArtifacts(id)) {
      if (state.artifacts.get(a.path) === a.sha256) continue;
      this.writer.copyBlob(a.sha256, store.artifactPath(a.sha256));
      this.emit({ t: 'artifact', id, path: a.path, sha256: a.sha256, size: a.size, kind: a.kind });
      state.artifacts.set(a.path, a.sha256);
    }
  }

  /** Dataset versions the run read, then the snapshot of each that has one (it may come after the input). */
  private shipInputs(id: string, state: Shipped): void {
    const store = this.opts.store;
    for (const input of store.datasets.listInputs(id)) {
      const key = `${input.fingerprint} ${input.role}`;
      if (state.inputs.has(key)) continue;
      const d = store.datasets.getDataset(input.fingerprint);
      this.emit({
        t: 'input', id, role: input.role, path: input.path,
        dataset: { fingerprint: input.fingerprint, path: d?.path ?? input.path, rows: d?.rows ?? null, columns: d?.columns ?? null, schema: d?.schema ?? null, stats: d?.stats ?? null },
      });
      state.inputs.add(key);
      this.fingerprints.add(input.fingerprint);
    }
    for (const fp of this.fingerprints) {
      if (this.snapshots.has(fp)) continue;
      const file = store.datasets.datasetSnapshotPath(fp);
      if (!file) continue;
      this.writer.copyBlob(fp, file);
      this.emit({ t: 'snapshot', fingerprint: fp });
      this.snapshots.add(fp);
    }
  }
}
