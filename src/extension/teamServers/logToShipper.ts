import type { RunStore } from '../../store/runStore';
import { LogToShipper as TrackingLogToShipper } from '../../tracking/push/logToShipper';
import type { Logger } from '../logger';
import type { BacklogShipper } from './backlogShipper';
import type { TeamServers } from './teamServers';

/**
 * `runlens.logTo` for one training started from the editor: the setting
 * names a server of runlens.trackingServers; the shipping itself is
 * src/tracking/push/logToShipper.ts. Its lines go to the RunLens Output
 * channel, and the Runs view reads the server again after the last push.
 */
export class LogToShipper extends TrackingLogToShipper {
  /** A shipper for `runlens.logTo`, or undefined when it is empty or names no configured server (said in the log). */
  static start(logTo: string, store: RunStore, servers: TeamServers, logger: Logger, backlog?: BacklogShipper): LogToShipper | undefined {
    if (!logTo) return undefined;
    const entry = servers.find(logTo);
    if (!entry) {
      logger.warn(`runlens.logTo is "${logTo}", which names no server of runlens.trackingServers (or MLFLOW_TRACKING_URI): the run stays local`);
      return undefined;
    }
    // no background push of the backlog while this training ships (it takes the backlog along)
    const training = backlog?.beginTraining(entry.server.uri);
    return new LogToShipper({
      store,
      client: (training?.ready ?? Promise.resolve()).then(() => servers.writeClient(entry.server)),
      name: entry.server.name,
      info: (line) => logger.info(line),
      error: (line, e) => logger.error(line, e),
      onFinished: () => {
        training?.done();
        servers.entry(entry.server.uri)?.model.retry();
      },
    });
  }
}
