/**
 * `runlens.logTo` for one training started from the editor: a
 * {@link LiveShipper} whose client comes once the server's credentials are
 * read (runs started before that wait for it), which takes along the runs
 * logged to that server earlier that did not all arrive, and whose last push
 * ends in one summary line. It never rejects: the server's absence never
 * stops or slows training. No vscode import (the editor resolves the server).
 */
import type { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { Timers } from '../../core/util/timers';
import { TERMINAL_STATUSES } from '../../store/types';
import type { ShipperStore } from './liveShipper';
import { LiveShipper, TAG_LOG_TO } from './liveShipper';
import type { PushSummary } from './pushTypes';

/**
 * The runs `runlens.logTo` meant for `server` that did not all arrive and
 * no training ships any more (finished, failed or killed): what the editor
 * sends in the background once the server answers. A run pushed by hand is
 * left for the next push (a cancelled push stays cancelled), a running one
 * to the shipper of its training.
 */
export function logToBacklog(store: ShipperStore, server: string): string[] {
  return store.sync.unsentRuns(server).filter((id) => {
    const run = store.findRun(id);
    return run !== undefined && TERMINAL_STATUSES.includes(run.status) && store.getTags(id)[TAG_LOG_TO] === server;
  });
}

export interface LogToShipperOptions {
  readonly store: ShipperStore;
  /** The server's client, once its credentials are read. */
  readonly client: Promise<MlflowClient>;
  /** The server's name in runlens.trackingServers: the prefix of every line. */
  readonly name: string;
  readonly info: (line: string) => void;
  readonly error: (line: string, e: unknown) => void;
  /** Between background pushes (LiveShipper's default otherwise). */
  readonly intervalMs?: number;
  readonly timers?: Timers;
  /** After the last push, whatever it did (the editor reads the server again). */
  readonly onFinished?: () => void;
}

export class LogToShipper {
  private shipper: LiveShipper | undefined;
  private readonly pending: string[] = [];
  private readonly ready: Promise<void>;
  private finished: PushSummary | undefined;

  constructor(private readonly options: LogToShipperOptions) {
    const say = (line: string) => options.info(`logTo ${options.name}: ${line}`);
    this.ready = options.client.then((client) => {
      this.shipper = new LiveShipper({ store: options.store, client, log: say, intervalMs: options.intervalMs, timers: options.timers });
      const backlog = this.shipper.addBacklog();
      if (backlog > 0) say(`sending ${backlog} earlier run${backlog === 1 ? '' : 's'} that ${client.server} did not get in full`);
      for (const id of this.pending.splice(0)) this.shipper.add(id);
    });
    // finish() says why; until then a client that failed is no unhandled rejection
    this.ready.catch(() => undefined);
  }

  /** Ships this run (and what is created under it) from now on. */
  add(runId: string): void {
    if (this.shipper) this.shipper.add(runId);
    else if (!this.pending.includes(runId)) this.pending.push(runId);
  }

  /** The totals of every push once finish() ended; undefined before, or when shipping could not start. */
  get summary(): PushSummary | undefined {
    return this.finished;
  }

  /** The last push; one line in the log. Never rejects. */
  async finish(): Promise<void> {
    try {
      await this.ready;
      const total = await this.shipper!.finish();
      if (total.requests > 0 && total.failures.length === 0) {
        this.options.info(`logTo ${this.options.name}: logged to ${this.shipper!.server}: ${total.points} metric points, ${total.params} params, ${total.artifacts} artifacts`);
      }
      this.finished = total;
    } catch (e) {
      this.options.error(`logTo ${this.options.name}: shipping failed`, e);
    } finally {
      this.options.onFinished?.();
    }
  }
}
