/**
 * `runlens`: the engine headless, for terminals and CI. Every error is one
 * line on stderr and a non-zero exit; `--debug` adds the stack.
 */
import { RUNLENS_VERSION } from '../core/version';
import { runCommandLine, runProcessCommandLine, type CliIo, type CommandEntry } from './commandLine';
import { trainCommand } from './commands/train';
import { sweepCommand } from './commands/sweep';
import { runsCommand } from './commands/runs';
import { showCommand } from './commands/show';
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

const COMMANDS: Record<string, CommandEntry> = {
  train: { run: trainCommand, help: 'train <config> [--set k=v ...] [--gate QUERY] [--name N] [--tag k=v] [--json]  (a config with sweep: runs the sweep; with command: runs that script as a tracked run)', createsStore: true },
  sweep: { run: sweepCommand, help: 'sweep <config> [--parallel N] [--set k=v ...] [--gate QUERY] [--name N] [--tag k=v] [--json]', createsStore: true },
  runs: { run: runsCommand, help: 'runs [--filter QUERY] [--sort KEY] [--limit N] [--experiment E] [--all] [--json] [--server URI|env]' },
  show: { run: showCommand, help: 'show <run> [--json] [--server URI|env]' },
  compare: { run: compareCommand, help: 'compare <run> <run>... [--only-changed] [--json] [--server URI|env]' },
  metrics: { run: metricsCommand, help: 'metrics <run> <key> [--csv | --json] [--server URI|env]' },
  experiments: { run: experimentsCommand, help: 'experiments [--json]' },
  delete: { run: deleteCommand, help: 'delete <run>...' },
  doctor: { run: doctorCommand, help: 'doctor [--repair] [--json]   (integrity, orphaned artifacts, stale runs and builds, schema; --repair copies what is readable into a new store)' },
  push: { run: pushCommand, help: 'push <run>... | --filter QUERY [--experiment E] | --model NAME[@ALIAS|:VERSION]... [--to URI] [--to-experiment NAME] [--json]   (runs to an MLflow tracking server, default $MLFLOW_TRACKING_URI; incremental: a second push sends nothing)' },
  pull: { run: pullCommand, help: 'pull [--from URI] [--experiment E] [--filter QUERY] [--models] [--recheck] [--json]   (runs from an MLflow tracking server into this store under their server ids, default $MLFLOW_TRACKING_URI; incremental: a second pull fetches nothing; --models: registered models whose runs are here)' },
  gc: { run: gcCommand, help: 'gc [--dry-run]   (removes unreferenced artifact blobs older than the store\'s previous open; --dry-run lists them)' },
  datasets: { run: datasetsCommand, help: 'datasets [--json]   (data files runs read: versions, rows×cols, changed since last run)' },
  dataset: { run: datasetCommand, help: 'dataset show <path|fingerprint|path@rev> [--json]   (a version\'s columns and statistics, or a file\'s versions)' },
  diff: { run: diffCommand, help: 'diff <a> <b> [--key col[,col]] [--json | --markdown] [--max-rows N] [--fail-on drift=large|drift=moderate|rows|schema]   (files, versions, path@rev; exit 0 same, 1 changed, 2 error)' },
  serve: { run: serveCommand, help: 'serve <model>[@alias|:version] | <run> [--port 8080] [--host 127.0.0.1] [--request-log FILE | --no-request-log] [--log-sample-rate R] [--log-rate 200] [--log-max-mb 50] [--image [--cli-arg=X ...]]   (the model over HTTP, MLflow scoring protocol; requests logged to .runlens/serving/ for `runlens monitor`; --image: its built container image)' },
  models: { run: modelsCommand, help: 'models [--json]   (registered models: versions, aliases, key metric of each source run)' },
  model: { run: withMlflowExport(modelCommand), help: 'model register <run> <name> [--description T] [--tag k=v ...] [--alias A] | alias <name> <version> <alias> | unalias <name> <alias> | show <model>[@alias|:version] [--json] | update <name> [--description T] [--tag k=v] [--untag k] | delete <name>:<version> | export-mlflow <model>[@alias|:version] <dir>   (an MLflow model folder: mlflow.pyfunc.load_model, mlflow models serve)' },
  init: { run: initCommand, help: 'init [dir]   (writes the examples workspace)' },
  import: { run: importCommand, help: 'import mlflow <mlruns-dir | mlflow.db> [--include-deleted] [--json]   (experiments, runs, metrics, artifacts from MLflow)', createsStore: true },
  export: { run: exportCommand, help: 'export mlflow <dir> [--experiment E] [--filter QUERY] [--json]   (an MLflow file store that `mlflow ui` opens)' },
  server: { run: serverCommand, help: 'server [--port 5000] [--host 127.0.0.1] [--quiet]   (MLflow-compatible tracking API: set MLFLOW_TRACKING_URI to its URL)', createsStore: true },
  build: { run: buildCommand, help: 'build <model>[@alias|:version] [--tag T] [--base IMAGE] [--cli docker|podman|buildah] [--cli-arg=X ...] [--context-only] [--json]   (container image of the model server)' },
  'base-image': { run: baseImageCommand, help: 'base-image [--tag runlens-node:20] [--cli buildah|podman|docker] [--cli-arg=X ...] [--cache-dir DIR] [--force] [--json]   (a local Node.js base image for runlens build --base, where node:20-bookworm-slim cannot be pulled: Debian minbase by debootstrap + this node, 1-2 min)' },
  smoke: { run: smokeCommand, help: 'smoke <model>[@alias|:version] [--rows N] [--target auto|image|context] [--cli-arg=X ...] [--min-match F] [--json]   (sample rows of its data through its image, or its build context; exit 1 below --min-match)' },
  monitor: { run: monitorCommand, help: 'monitor <url> --baseline <model>[@alias|:version] [--request-log FILE] [--interval 5] [--window 5000] [--once] [--json]   (traffic, latency and input drift of a served model)' },
};

export function usage(): string {
  return [
    `runlens ${RUNLENS_VERSION}: ML experiment tracking in your workspace`,
    '',
    'usage: runlens [--store DIR] [--debug] <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  runlens ${c.help}`),
    '',
    'The store is --store DIR, else $RUNLENS_STORE, else the nearest .runlens/ from the current folder up to the workspace root (a folder with .git, package.json or a *.train.* config; never above $HOME). Only train, sweep, import and server create it.',
    '--server reads runs, show, compare and metrics from an MLflow tracking server instead (URI, or env for $MLFLOW_TRACKING_URI; credentials from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD).',
    'Filter language: metrics.test_accuracy > 0.9 and (params.model = "decision_tree" or tags.team LIKE \'ml%\')',
  ].join('\n');
}

/** Runs the CLI; returns the exit code instead of exiting (tests call this). */
export function main(argv: string[], io: CliIo): Promise<number> {
  return runCommandLine(argv, io, { commands: COMMANDS, usage });
}

/** Runs the CLI on this process's argv and streams; sets the exit code. */
export function runFromProcess(): void {
  runProcessCommandLine({ commands: COMMANDS, usage });
}

if (require.main === module) runFromProcess();
