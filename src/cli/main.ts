/**
 * `runlens`: the engine headless, for terminals and CI. Every error is one
 * line on stderr and a non-zero exit; `--debug` adds the stack.
 */
import { RUNLENS_VERSION } from '../core/version';
import { runCommandLine, runProcessCommandLine, type CliIo, type CommandEntry } from './commandLine';
import { usageLine } from './commandHelp';
import { COMMAND_SPECS } from './commandSpecs';
import { trainCommand } from './commands/train';
import { sweepCommand } from './commands/sweep';
import { runsCommand } from './commands/runs';
import { showCommand } from './commands/show';
import { reportCommand } from './commands/report';
import { compareCommand } from './commands/compare';
import { metricsCommand } from './commands/metrics';
import { deleteCommand, gcCommand, experimentsCommand } from './commands/manage';
import { initCommand } from './commands/init';
import { serveCommand } from './commands/serve';
import { datasetCommand, datasetsCommand } from './commands/datasets';
import { diffCommand } from './commands/diff';
import { modelCommand, modelsCommand } from './commands/models';
import { exportCommand, importCommand, serverCommand } from './commands/mlflow';
import { buildCommand } from './commands/build';
import { baseImageCommand } from './commands/baseImage';
import { monitorCommand } from './commands/monitor';
import { smokeCommand } from './commands/smoke';
import { pushCommand } from './commands/push';
import { pullCommand } from './commands/pull';
import { withMlflowExport } from './commands/exportMlflowModel';
import { doctorCommand } from './commands/doctor';
import { jobsCommand } from './commands/jobs';
import { logsCommand } from './commands/logs';
import { cancelCommand } from './commands/cancel';
import { jobTaskCommand } from './commands/jobTask';

/** What runs each command; its usage and flags are in commandSpecs.ts. */
const RUNNERS: Record<string, Pick<CommandEntry, 'run' | 'createsStore'>> = {
  train: { run: trainCommand, createsStore: true },
  sweep: { run: sweepCommand, createsStore: true },
  runs: { run: runsCommand },
  show: { run: showCommand },
  report: { run: reportCommand },
  compare: { run: compareCommand },
  metrics: { run: metricsCommand },
  experiments: { run: experimentsCommand },
  delete: { run: deleteCommand },
  doctor: { run: doctorCommand },
  push: { run: pushCommand },
  pull: { run: pullCommand, createsStore: true },
  gc: { run: gcCommand },
  datasets: { run: datasetsCommand },
  dataset: { run: datasetCommand },
  diff: { run: diffCommand },
  serve: { run: serveCommand },
  models: { run: modelsCommand },
  model: { run: withMlflowExport(modelCommand) },
  init: { run: initCommand },
  import: { run: importCommand, createsStore: true },
  export: { run: exportCommand },
  server: { run: serverCommand, createsStore: true },
  build: { run: buildCommand },
  'base-image': { run: baseImageCommand },
  smoke: { run: smokeCommand },
  monitor: { run: monitorCommand },
  jobs: { run: jobsCommand },
  logs: { run: logsCommand },
  cancel: { run: cancelCommand },
};

const COMMANDS: Record<string, CommandEntry> = Object.fromEntries(Object.entries(RUNNERS).map(([name, entry]) => {
  const spec = COMMAND_SPECS[name];
  if (!spec) throw new Error(`runlens ${name} has no entry in commandSpecs.ts`);
  return [name, { ...entry, help: usageLine(name, spec), spec }];
}));

/** Run by a cluster job's script on the compute node, never typed: dispatched, not listed. */
const HIDDEN: Record<string, CommandEntry> = { 'job-task': { run: jobTaskCommand, help: 'job-task <manifest.json>' } };

export function usage(): string {
  return [
    `runlens ${RUNLENS_VERSION}: ML experiment tracking in your workspace`,
    '',
    'usage: runlens [--store DIR] [--debug] <command> [options]   (runlens <command> --help explains each option)',
    '',
    ...Object.values(COMMANDS).map((c) => `  runlens ${c.help}`),
    '',
    'The store is --store DIR, else $RUNLENS_STORE, else the nearest .runlens/ from the current folder up to the workspace root (a folder with .git, package.json or a *.train.* config; never above $HOME). Only train, sweep, import, pull and server create it.',
    '--server reads runs, show, compare and metrics from an MLflow tracking server instead (URI, or env for $MLFLOW_TRACKING_URI; credentials from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD).',
    'Filter language: metrics.test_accuracy > 0.9 and (params.model = "decision_tree" or tags.team LIKE \'ml%\')',
  ].join('\n');
}

/** Runs the CLI; returns the exit code instead of exiting (tests call this). */
export function main(argv: string[], io: CliIo): Promise<number> {
  return runCommandLine(argv, io, { commands: { ...COMMANDS, ...HIDDEN }, usage });
}

/** Runs the CLI on this process's argv and streams; sets the exit code. */
export function runFromProcess(): void {
  runProcessCommandLine({ commands: { ...COMMANDS, ...HIDDEN }, usage });
}

if (require.main === module) runFromProcess();
