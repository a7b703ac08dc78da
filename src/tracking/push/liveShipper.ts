/**
 * Ships a training run to a tracking server while it trains: the run is
 * logged to the local store as always, and every `intervalMs` what is new
 * (its trials included) is pushed in the background. A server that is down,
 * slow or restarting never stops training: the store is the spool, pushes
 * back off, and the last push at the end sends what is left. What still did
 * not arrive is sent by the next run logging to that server, or `runlens push`.
 */
import type { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { SyncRepo } from '../../store/syncRepo';
import { pushRuns } from './pushRuns';
import type { PushSource, PushSummary } from './pushTypes';
import { emptySummary } from './pushTypes';
import type { Timers } from '../../core/util/timers';
import { realTimers } from '../../core/util/timers';

/** The store as the shipper uses it (RunStore has all of it). */
export interface ShipperStore extends PushSource {
  readonly sync: SyncRepo;
  listRuns(query: { parentId?: string | null; limit?: number }): readonly { id: string }[];
  setTags(runId: string, tags: Readonly<Record<string, string>>): void;
}

/** Set on a run meant for a server, so a run the server never saw is still found as backlog. */
export const TAG_LOG_TO = 'runlens.logTo';

export interface LiveShipperOptions {
  readonly store: ShipperStore;
  readonly client: MlflowClient;
  /** Experiment on the server; default each run's own. */
  readonly experiment?: string;
  /** Between background pushes; default 5 s. */
  readonly intervalMs?: number;
  /** Longest wait between attempts while the server is away; default 60 s. */
  readonly maxBackoffMs?: number;
  /** One line per change of state (unreachable, back, refused): for stderr or the Output channel. */
  readonly log: (line: string) => void;
  readonly timers?: Timers;
}

/** The run and every run under it (a sweep's trials, cross-validation folds), parents first. */
function runTree(store: ShipperStore, rootId: string): string[] {
  const out = [rootId];
  for (let i = 0; i < out.length; i++) {
    for (const child of store.listRuns({ parentId: out[i]!, limit: 100_000 })) out.push(child.id);
  }
  return out;
}

export class LiveShipper {
  private readonly roots = new Set<string>();
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private backoff = 0;
  private away = false;
  private stopped = false;
  private readonly refused = new Set<string>();
  private readonly intervalMs: number;
  private readonly maxBackoffMs: number;
  private readonly timers: Timers;
  /** Totals of every push so far (the summary at the end). */
  readonly total: PushSummary = emptySummary();

  constructor(private readonly opts: LiveShipperOptions) {
    this.intervalMs = opts.intervalMs ?? 5000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.timers = opts.timers ?? realTimers;
  }

  get server(): string {
    return this.opts.client.server;
  }

  /** Starts shipping `runId` (and what is created under it); the first push happens at once. */
  add(runId: string): void {
    if (this.stopped) return;
    this.opts.store.setTags(runId, { [TAG_LOG_TO]: this.server });
    this.roots.add(runId);
    this.kick(0);
  }

  /** Runs logged to this server earlier whose data did not all arrive: sent along with the new ones. */
  addBacklog(): number {
    const ids = this.opts.store.sync.unsentRuns(this.server);
    for (const id of ids) this.roots.add(id);
    if (ids.length > 0) this.kick(0);
    return ids.length;
  }

  /**
   * Stops the background pushes and makes one last push of everything; resolves with the
   * totals. Never rejects: a server that is away leaves the rest for later, and says so.
   */
  async finish(): Promise<PushSummary> {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.pushOnce(true);
    return this.total;
  }

  /** Resolves once no push is in flight (tests and the end of a command). */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private kick(delay: number): void {
    if (this.stopped || this.inFlight) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.pushOnce(false).finally(() => {
        this.inFlight = undefined;
        if (!this.stopped) this.kick(this.backoff > 0 ? this.backoff : this.intervalMs);
      });
    }, delay);
  }

  private async pushOnce(final: boolean): Promise<void> {
    const ids = [...this.roots].flatMap((r) => runTree(this.opts.store, r)).filter((id) => !this.refused.has(id));
    if (ids.length === 0) return;
    let summary: PushSummary;
    try {
      summary = await pushRuns(ids, { source: this.opts.store, ledger: this.opts.store.sync, client: this.opts.client, experiment: this.opts.experiment });
    } catch (e) {
      // pushRuns reports per run; what reaches here is a bug or the store failing: keep training, say it once.
      summary = { ...emptySummary(), failures: [{ runId: ids[0]!, message: (e as Error).message, transient: false }] };
    }
    for (const k of ['runsCreated', 'params', 'tags', 'points', 'artifacts', 'bytes', 'requests'] as const) this.total[k] += summary[k];
    const unreachable = summary.failures.find((f) => f.transient);
    if (unreachable) {
      this.backoff = Math.min(this.maxBackoffMs, this.backoff > 0 ? this.backoff * 2 : this.intervalMs * 2);
      if (!this.away || final) {
        this.opts.log(final
          ? `tracking server ${this.server} is unreachable: the run is kept locally; \`runlens push --to ${this.server}\` or the next run logging there sends the rest (${unreachable.message})`
          : `tracking server ${this.server} is unreachable: training goes on, the run is kept locally and sent when it answers (${unreachable.message})`);
      }
      this.away = true;
      return;
    }
    if (this.away) this.opts.log(`tracking server ${this.server} answers again: sending what it missed`);
    this.away = false;
    this.backoff = 0;
    for (const f of summary.failures) {
      if (this.refused.has(f.runId)) continue;
      this.refused.add(f.runId);
      this.total.failures.push(f);
      this.opts.log(`run ${f.runId.slice(0, 8)} is not sent to ${this.server}: ${f.message}`);
    }
  }
}
