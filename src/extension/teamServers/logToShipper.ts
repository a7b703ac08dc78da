import type { RunStore } from '../../store/runStore';
import { LiveShipper } from '../../tracking/push/liveShipper';
import type { Logger } from '../logger';
import type { ServerEntry, TeamServers } from './teamServers';

/**
 * `runlens.logTo` for one training started from the editor: the run (a
 * sweep's trials with it) is shipped to the server while it trains, by a
 * {@link LiveShipper} over the same store; runs logged there before that did
 * not all arrive go along. Its lines go to the RunLens Output channel; the
 * server's absence never stops or slows training.
 */
export class LogToShipper {
  private shipper: LiveShipper | undefined;
  private readonly pending: string[] = [];
  private readonly ready: Promise<void>;

  private constructor(store: RunStore, private readonly entry: ServerEntry, servers: TeamServers, private readonly logger: Logger) {
    const say = (line: string) => logger.info(`logTo ${entry.server.name}: ${line}`);
    this.ready = servers.writeClient(entry.server).then((client) => {
      this.shipper = new LiveShipper({ store, client, log: say });
      const backlog = this.shipper.addBacklog();
      if (backlog > 0) say(`sending ${backlog} earlier run${backlog === 1 ? '' : 's'} that ${entry.server.uri} did not get in full`);
      for (const id of this.pending.splice(0)) this.shipper.add(id);
    });
  }

  /** A shipper for `runlens.logTo`, or undefined when it is empty or names no configured server (said in the log). */
  static start(logTo: string, store: RunStore, servers: TeamServers, logger: Logger): LogToShipper | undefined {
    if (!logTo) return undefined;
    const entry = servers.find(logTo);
    if (!entry) {
      logger.warn(`runlens.logTo is "${logTo}", which names no server of runlens.trackingServers (or MLFLOW_TRACKING_URI): the run stays local`);
      return undefined;
    }
    return new LogToShipper(store, entry, servers, logger);
  }

  add(runId: string): void {
    if (this.shipper) this.shipper.add(runId);
    else if (!this.pending.includes(runId)) this.pending.push(runId);
  }

  /** The last push; resolves with one summary line in the log (never rejects). */
  async finish(): Promise<void> {
    try {
      await this.ready;
      const total = await this.shipper!.finish();
      if (total.requests > 0 && total.failures.length === 0) {
        this.logger.info(`logTo ${this.entry.server.name}: logged to ${this.entry.server.uri}: ${total.points} metric points, ${total.params} params, ${total.artifacts} artifacts`);
      }
      this.entry.model.retry();
    } catch (e) {
      this.logger.error(`logTo ${this.entry.server.name}: shipping failed`, e);
    }
  }
}
