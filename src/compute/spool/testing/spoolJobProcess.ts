/**
 * For tests: a minimal job task in its own process, as the node side runs
 * one. Creates the run in a scratch store as `queued` (config snapshot,
 * name, experiment, tags), trains it with the normal trainer process while a
 * SpoolShipper ships the scratch store to the task's spool, then writes the
 * `end` event. Prints JSON lines: `{"root":id}`, `{"worker":pid}`, `{"done":status}`.
 * SIGTERM cancels the training (the shipper still finishes).
 *
 *   node --import tsx spoolJobProcess.ts '{"scratchDir","taskDir","configPath","tags"?,"intervalMs"?}'
 */
import { RunStore } from '../../../store/runStore';
import { RUNLENS_VERSION } from '../../../core/version';
import { experimentName, loadTrainConfig } from '../../../worker/loadTrainConfig';
import { TrainerProcess } from '../../../worker/trainerProcess';
import { SpoolShipper } from '../spoolShipper';

interface JobArgs {
  readonly scratchDir: string;
  readonly taskDir: string;
  readonly configPath: string;
  readonly tags?: Record<string, string>;
  readonly intervalMs?: number;
}

const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as JobArgs;
  const store = RunStore.open(args.scratchDir);
  try {
    const config = loadTrainConfig(args.configPath);
    const run = store.createRun({
      experiment: experimentName(config, args.configPath), name: config.name, configPath: args.configPath, config,
      status: 'queued', runlensVersion: RUNLENS_VERSION, tags: args.tags ?? {},
    });
    const shipper = new SpoolShipper({ store, rootRunId: run.id, taskDir: args.taskDir, intervalMs: args.intervalMs ?? 1000 });
    shipper.start();
    say({ root: run.id });
    const trainer = new TrainerProcess(
      { storeDir: args.scratchDir, configPath: args.configPath, runId: run.id },
      { store, env: { RUNLENS_STORE: args.scratchDir, RUNLENS_SPOOL: args.taskDir }, onOutput: (text) => process.stderr.write(text) },
    );
    say({ worker: trainer.pid });
    process.on('SIGTERM', () => trainer.cancel());
    const outcome = await trainer.done;
    trainer.dispose();
    shipper.finish({ status: outcome.status, exitCode: outcome.status === 'finished' ? 0 : 1, error: outcome.error?.message ?? null });
    say({ done: outcome.status });
  } finally {
    store.close();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
