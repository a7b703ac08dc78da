/**
 * `runlens train|sweep --tracking-uri URI` (or a config's `tracking:`): the
 * run is logged locally as always and shipped to the MLflow server while it
 * trains (LiveShipper). Messages go to stderr; training never waits on the
 * server, and the command's exit code is the training's.
 */
import { credentialsFromEnv } from '../mlflow/client/credentials';
import { MlflowClient } from '../mlflow/client/mlflowClient';
import type { RunStore } from '../store/runStore';
import { LiveShipper } from '../tracking/push/liveShipper';
import type { CliContext } from './context';
import { serverUriOf } from './commands/push';

export interface TrackingTarget {
  readonly server: string;
  /** Experiment on the server; default the run's own. */
  readonly experiment?: string;
}

/** The target of `--tracking-uri` (which wins) or the config's `tracking:` section; undefined when neither is given. */
export function trackingTarget(ctx: CliContext, flag: string | undefined, config?: { server?: string; experiment?: string }): TrackingTarget | undefined {
  const given = flag ?? config?.server;
  if (given === undefined) return undefined;
  return { server: serverUriOf(given === 'env' ? undefined : given, ctx.env, '--tracking-uri'), experiment: config?.experiment };
}

/** A shipper for the command, with the backlog of earlier runs for that server queued; `finish` prints one summary line. */
export function startShipping(ctx: CliContext, store: RunStore, target: TrackingTarget, intervalMs?: number): { add(runId: string): void; finish(): Promise<void> } {
  const shipper = new LiveShipper({
    store,
    client: new MlflowClient(target.server, { credentials: credentialsFromEnv(ctx.env) }),
    experiment: target.experiment,
    intervalMs,
    log: (line) => ctx.err(`${line}\n`),
  });
  const backlog = shipper.addBacklog();
  if (backlog > 0) ctx.err(`sending ${backlog} earlier run${backlog === 1 ? '' : 's'} that ${target.server} did not get in full\n`);
  return {
    add: (runId) => shipper.add(runId),
    finish: async () => {
      const total = await shipper.finish();
      if (total.requests > 0 && total.failures.length === 0 && store.sync.unsentRuns(shipper.server).length === 0) {
        ctx.err(`logged to ${target.server}: ${total.points} metric points, ${total.params} params, ${total.artifacts} artifacts\n`);
      }
    },
  };
}
