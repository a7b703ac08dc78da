import type * as vscode from 'vscode';
import type { Timers } from '../../core/util/timers';
import { realTimers } from '../../core/util/timers';
import type { RunStore } from '../../store/runStore';
import { logToBacklog } from '../../tracking/push/logToShipper';
import { pushRuns } from '../../tracking/push/pushRuns';
import { pushSummaryText } from '../../views/teamServers/syncSummaries';
import type { Logger } from '../logger';
import type { TeamServers } from './teamServers';

export interface BacklogShipperOptions {
  readonly servers: TeamServers;
  /** The workspace's stores that may be written (none while untrusted). */
  readonly stores: () => readonly RunStore[];
  readonly logger: Logger;
  /** Backoff between attempts while the server is away: from `minMs`, doubling up to `maxMs`. */
  readonly retry?: { readonly minMs: number; readonly maxMs: number };
  readonly timers?: Timers;
}

/**
 * Runs that `runlens.logTo` meant for a server and that did not all arrive
 * (it was away while they trained) are sent in the background when the
 * server answers again: tried when a training's last push left some, when
 * the servers are read (the editor starts, the settings change) and when
 * the Runs view finds a server back, then with backoff while the server is
 * away. Nobody has to train again or run `runlens push`. One push at a time
 * per server, and none while a training ships there (its shipper takes the
 * same backlog along).
 */
export class BacklogShipper implements vscode.Disposable {
  private readonly lastOnline = new Map<string, boolean | undefined>();
  private readonly trainings = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, { timer: unknown; delayMs: number }>();
  private readonly subscriptions: vscode.Disposable[];
  private readonly timers: Timers;
  private disposed = false;

  constructor(private readonly options: BacklogShipperOptions) {
    this.timers = options.timers ?? realTimers;
    this.subscriptions = [
      options.servers.onDidChangeModel(({ server, change }) => {
        if (change.kind === 'server') this.onServerState(server);
      }),
      options.servers.onDidChangeServers(() => {
        for (const e of options.servers.servers) this.ship(e.server.uri);
      }),
    ];
  }

  /**
   * A training ships to `uri` from now on: no backlog push starts until
   * `done()`. `ready` resolves once a backlog push in flight has ended, so
   * the two never push the same run at once.
   */
  beginTraining(uri: string): { readonly ready: Promise<void>; done(): void } {
    this.trainings.set(uri, (this.trainings.get(uri) ?? 0) + 1);
    let ended = false;
    return {
      ready: this.inFlight.get(uri) ?? Promise.resolve(),
      done: () => {
        if (ended) return;
        ended = true;
        this.trainings.set(uri, (this.trainings.get(uri) ?? 1) - 1);
        // what its last push could not send (the server away) goes from here
        this.ship(uri);
      },
    };
  }

  /** Resolves once no backlog push to `uri` is in flight (tests). */
  idle(uri: string): Promise<void> {
    return this.inFlight.get(uri) ?? Promise.resolve();
  }

  private onServerState(uri: string): void {
    const online = this.options.servers.entry(uri)?.model.online;
    const was = this.lastOnline.get(uri);
    this.lastOnline.set(uri, online);
    if (online === true && was !== true) this.ship(uri);
  }

  /** Pushes the server's backlog of every writable store, unless a push or a training is on. */
  ship(uri: string): void {
    if (this.disposed || this.inFlight.has(uri) || (this.trainings.get(uri) ?? 0) > 0) return;
    const retry = this.retries.get(uri);
    if (retry?.timer !== undefined) this.timers.clearTimeout(retry.timer);
    const entry = this.options.servers.entry(uri);
    if (!entry) return;
    const work = this.options.stores().map((store) => ({ store, ids: logToBacklog(store, uri) })).filter((w) => w.ids.length > 0);
    if (work.length === 0) {
      this.retries.delete(uri);
      return;
    }
    const { logger } = this.options;
    const name = entry.server.name;
    const push = (async () => {
      const client = await this.options.servers.writeClient(entry.server);
      let away = false;
      for (const { store, ids } of work) {
        if (this.disposed) return;
        const summary = await pushRuns(ids, { source: store, ledger: store.sync, client });
        const unreachable = summary.failures.find((f) => f.transient);
        if (unreachable) {
          // said once per outage; the next attempt comes with backoff
          if (!retry) logger.info(`logTo ${name}: ${uri} is away; ${ids.length} earlier run${ids.length === 1 ? '' : 's'} will be sent when it answers (${unreachable.message})`);
          away = true;
          break;
        }
        logger.info(`logTo ${name}: sent in the background: ${pushSummaryText(summary, name)}`);
        for (const f of summary.failures) logger.warn(`logTo ${name}: run ${f.runId} not sent: ${f.message}`);
      }
      if (away) this.scheduleRetry(uri, retry?.delayMs);
      else this.retries.delete(uri);
    })().catch((e) => logger.error(`logTo ${name}: sending the earlier runs failed`, e)).finally(() => this.inFlight.delete(uri));
    this.inFlight.set(uri, push);
  }

  private scheduleRetry(uri: string, lastMs: number | undefined): void {
    if (this.disposed) return;
    const { minMs, maxMs } = this.options.retry ?? { minMs: 5000, maxMs: 60_000 };
    const delayMs = lastMs === undefined ? minMs : Math.min(maxMs, lastMs * 2);
    const timer = this.timers.setTimeout(() => {
      this.retries.set(uri, { timer: undefined, delayMs });
      this.ship(uri);
    }, delayMs);
    this.retries.set(uri, { timer, delayMs });
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    for (const r of this.retries.values()) if (r.timer !== undefined) this.timers.clearTimeout(r.timer);
  }
}
