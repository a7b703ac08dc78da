import type { CommandSpec, FlagHelp } from './commandHelp';

const JSON_FLAG: FlagHelp = { flag: '--json', about: 'print the result as JSON on stdout' };
const SERVER_FLAG: FlagHelp = { flag: '--server URI|env', about: 'read an MLflow tracking server instead of the workspace store (env: $MLFLOW_TRACKING_URI)' };
const CLI_ARG_FLAG: FlagHelp = { flag: '--cli-arg=X ...', about: 'an extra argument for the container CLI (repeatable), e.g. --cli-arg=--storage-driver=vfs' };
const TRAINING_FLAGS: readonly FlagHelp[] = [
  { flag: '--set k=v ...', about: 'override a config value by its dotted path, e.g. --set model.params.max_depth=2 (repeatable)' },
  { flag: '--gate QUERY', about: 'exit 1 when the run fails this filter, e.g. "metrics.test_accuracy >= 0.9" (for CI)' },
  { flag: '--name N', about: 'the run\'s name (default: generated)' },
  { flag: '--tag k=v', about: 'a tag on the run (repeatable)' },
  { flag: '--tracking-uri URI', about: 'also ship the run to this MLflow tracking server (env: $MLFLOW_TRACKING_URI)' },
  { flag: '--verbose', about: 'show the trainer\'s own output' },
  JSON_FLAG,
];

const CLUSTER_FLAGS: readonly FlagHelp[] = [
  { flag: '--on PROFILE', about: 'submit to this compute profile (runlens.yaml compute:) instead of training here, e.g. --on gpu-a100' },
  { flag: '--wait', about: 'with --on: stay until the job ends, streaming its output; Ctrl-C cancels the job' },
];

/** Every `runlens` command's arguments and flags (see commandHelp.ts). */
export const COMMAND_SPECS: Readonly<Record<string, CommandSpec>> = {
  train: {
    args: '<config>', about: 'train a config; with sweep: runs the sweep; with command: runs that script as a tracked run',
    flags: [...TRAINING_FLAGS, { flag: '--parallel N', about: 'trials at once, for a config with sweep:' }, { flag: '--refresh-data', about: 'run data.sql\'s query again instead of reading its kept snapshot (not for a sweep)' }, ...CLUSTER_FLAGS],
  },
  sweep: {
    args: '<config>', about: 'run the config\'s sweep: its trials, ranked',
    flags: [{ flag: '--parallel N', about: 'trials at once (default 1; on Slurm: the array\'s %N, default all)' }, ...TRAINING_FLAGS, ...CLUSTER_FLAGS],
  },
  jobs: {
    args: '[sync]', about: 'cluster runs and their Slurm state (synced first); `jobs sync` ingests what the jobs logged and ends the runs whose jobs ended',
    flags: [{ flag: '--all', about: 'list sweep trials too' }, { flag: '--limit N', about: 'at most N runs (default 30)' }, JSON_FLAG],
  },
  logs: {
    args: '<run>', about: 'a run\'s log: a cluster job\'s output, or a local run\'s log (live while it runs)',
    flags: [{ flag: '--follow', about: 'stream a cluster job\'s output until it ends (a local run: wait for its log)' }],
  },
  cancel: { args: '<run>', about: 'stop a run: scancel for a cluster run (a sweep: its whole array), SIGTERM to a local run\'s process', flags: [] },
  runs: {
    args: '', about: 'list runs, newest first',
    flags: [
      { flag: '--filter QUERY', about: 'only runs matching it, e.g. \'metrics.test_accuracy > 0.9 and params.model = "mlp"\'' },
      { flag: '--sort KEY', about: 'order by a field, e.g. \'metrics.test_accuracy DESC\'' },
      { flag: '--limit N', about: 'at most N runs' },
      { flag: '--experiment E', about: 'only runs of this experiment' },
      { flag: '--all', about: 'include sweep trials and CV folds (default: top-level runs only)' },
      JSON_FLAG, SERVER_FLAG,
    ],
  },
  show: { args: '<run>', about: 'a run\'s params, metrics, artifacts, datasets and git commit; <run> is an id, unique id prefix or name', flags: [JSON_FLAG, SERVER_FLAG] },
  report: {
    args: '<run> [<run>...]', about: 'a report to share: runs, differing params, metrics with the best marked, curves, confusion matrix, importances, slices, data and git commit',
    flags: [
      { flag: '--format md|html', about: 'Markdown (charts as SVG files beside it) or one self-contained HTML file (default: from --out, else md)' },
      { flag: '--out FILE', about: 'write the report here (default: stdout, Markdown without charts)' },
      SERVER_FLAG,
    ],
  },
  compare: {
    args: '<run> <run>...', about: 'params and metrics of runs side by side',
    flags: [{ flag: '--only-changed', about: 'only the rows that differ between the runs' }, JSON_FLAG, SERVER_FLAG],
  },
  metrics: {
    args: '<run> <key>', about: 'a metric\'s history: step, timestamp, value',
    flags: [{ flag: '--csv', about: 'print CSV' }, JSON_FLAG, SERVER_FLAG],
  },
  experiments: { args: '', about: 'experiments and their run counts', flags: [JSON_FLAG] },
  delete: { args: '<run>...', about: 'delete runs; frees artifact blobs no other run uses', flags: [] },
  doctor: {
    args: '', about: 'integrity, orphaned artifacts, stale runs and builds, schema',
    flags: [{ flag: '--repair', about: 'copy what is readable into a new store, keeping the old file beside it' }, JSON_FLAG],
  },
  push: {
    args: '<run>... | --filter QUERY | --model NAME[@ALIAS|:VERSION]...', about: 'runs to an MLflow tracking server; incremental: a second push sends nothing',
    flags: [
      { flag: '--filter QUERY', about: 'push the runs matching it' },
      { flag: '--experiment E', about: 'with --filter: only runs of this experiment' },
      { flag: '--model NAME[@ALIAS|:VERSION]', about: 'push a registered model version and its run (repeatable)' },
      { flag: '--to URI', about: 'the tracking server (default $MLFLOW_TRACKING_URI)' },
      { flag: '--to-experiment NAME', about: 'the server experiment to log the runs into' },
      JSON_FLAG,
    ],
  },
  pull: {
    args: '', about: 'runs from an MLflow tracking server into this store under their server ids; incremental: a second pull fetches nothing',
    flags: [
      { flag: '--from URI', about: 'the tracking server (default $MLFLOW_TRACKING_URI)' },
      { flag: '--experiment E', about: 'only runs of this experiment' },
      { flag: '--filter QUERY', about: 'only runs matching it' },
      { flag: '--models', about: 'also registered models whose runs are here' },
      { flag: '--recheck', about: 'check every run\'s histories and artifacts, even those that look unchanged' },
      JSON_FLAG,
    ],
  },
  gc: {
    args: '', about: 'remove artifact blobs no run references, older than the store\'s previous open',
    flags: [{ flag: '--dry-run', about: 'list what would be removed, remove nothing' }],
  },
  datasets: { args: '', about: 'data files runs read: versions, rows×cols, changed since last run', flags: [JSON_FLAG] },
  dataset: { args: 'show <path|fingerprint|path@rev>', about: 'a version\'s columns and statistics, or a file\'s versions', flags: [JSON_FLAG] },
  diff: {
    args: '<a> <b>', about: 'what changed between two data files, versions or path@rev; exit 0 same, 1 changed, 2 error',
    flags: [
      { flag: '--key col[,col]', about: 'match rows by these columns (default: by row content)' },
      { flag: '--json', about: 'print the diff as JSON' },
      { flag: '--markdown', about: 'print the diff as Markdown (for a CI summary)' },
      { flag: '--max-rows N', about: 'at most N changed rows listed' },
      { flag: '--fail-on drift=large|drift=moderate|rows|schema', about: 'exit 1 only for this kind of change (repeatable)' },
    ],
  },
  serve: {
    args: '<model>[@alias|:version] | <run>', about: 'the model over HTTP, MLflow\'s scoring protocol; requests logged to .runlens/serving/ for `runlens monitor`',
    flags: [
      { flag: '--port 8080', about: 'the port to listen on (0: any free port)' },
      { flag: '--host 127.0.0.1', about: 'the address to listen on' },
      { flag: '--max-body-bytes N', about: 'refuse request bodies larger than N bytes (413)' },
      { flag: '--request-log FILE', about: 'log requests here instead of .runlens/serving/<model>.jsonl' },
      { flag: '--no-request-log', about: 'log no requests' },
      { flag: '--log-sample-rate R', about: 'log this share of requests, 0..1' },
      { flag: '--log-rate 200', about: 'log at most this many requests a second (0: every request)' },
      { flag: '--log-max-mb 50', about: 'rotate the request log at this size' },
      { flag: '--image', about: 'serve the model\'s built container image instead' },
      CLI_ARG_FLAG,
    ],
  },
  models: { args: '', about: 'registered models: versions, aliases, key metric of each source run', flags: [JSON_FLAG] },
  model: {
    args: 'register <run> <name> | alias <name> <version> <alias> | unalias <name> <alias> | show <model>[@alias|:version] | update <name> | delete <name>:<version> | export-mlflow <model>[@alias|:version] <dir>',
    about: 'the model registry; export-mlflow writes a folder mlflow.pyfunc.load_model and mlflow models serve read',
    flags: [
      { flag: '--description T', about: 'register, update: the model\'s description' },
      { flag: '--tag k=v', about: 'register, update: a tag on the model (repeatable)' },
      { flag: '--untag k', about: 'update: remove a tag (repeatable)' },
      { flag: '--alias A', about: 'register: point this alias at the new version' },
      { flag: '--python 3.11', about: 'export-mlflow: the Python version the MLflow model folder names' },
      JSON_FLAG,
    ],
  },
  init: { args: '[dir]', about: 'write the examples workspace', flags: [] },
  import: {
    args: 'mlflow <mlruns-dir | mlflow.db>', about: 'experiments, runs, metrics and artifacts from MLflow',
    flags: [{ flag: '--include-deleted', about: 'also import runs and experiments MLflow marks deleted' }, JSON_FLAG],
  },
  export: {
    args: 'mlflow <dir>', about: 'an MLflow file store that `mlflow ui` opens',
    flags: [{ flag: '--experiment E', about: 'only this experiment' }, { flag: '--filter QUERY', about: 'only runs matching it' }, JSON_FLAG],
  },
  server: {
    args: '', about: 'MLflow-compatible tracking API over the store: set MLFLOW_TRACKING_URI to its URL',
    flags: [
      { flag: '--port 5000', about: 'the port to listen on (0: any free port)' },
      { flag: '--host 127.0.0.1', about: 'the address to listen on' },
      { flag: '--quiet', about: 'print no line per request' },
    ],
  },
  build: {
    args: '<model>[@alias|:version]', about: 'a container image of the model server',
    flags: [
      { flag: '--tag T', about: 'the image tag' },
      { flag: '--base IMAGE', about: 'the base image' },
      { flag: '--cli docker|podman|buildah', about: 'the container CLI to build with' },
      CLI_ARG_FLAG,
      { flag: '--context-only', about: 'write the build context (Dockerfile and model), build nothing' },
      JSON_FLAG,
    ],
  },
  'base-image': {
    args: '', about: 'a local Node.js base image for runlens build --base, where node:20-bookworm-slim cannot be pulled (Debian minbase by debootstrap + this node, 2-4 min)',
    flags: [
      { flag: '--tag runlens-node:20', about: 'the image tag' },
      { flag: '--cli buildah|podman|docker', about: 'the container CLI to build with' },
      CLI_ARG_FLAG,
      { flag: '--cache-dir DIR', about: 'keep the root file system tarball here between calls' },
      { flag: '--mirror URL', about: 'the Debian mirror debootstrap uses' },
      { flag: '--force', about: 'rebuild even when an image of this node is there' },
      JSON_FLAG,
    ],
  },
  smoke: {
    args: '<model>[@alias|:version]', about: 'sample rows of its data through its image or build context; exit 1 below --min-match',
    flags: [
      { flag: '--rows N', about: 'how many rows to send' },
      { flag: '--target auto|image|context', about: 'what to run: the built image, the build context, or auto' },
      CLI_ARG_FLAG,
      { flag: '--min-match F', about: 'the share of predictions that must equal the training-time ones, 0..1' },
      JSON_FLAG,
    ],
  },
  monitor: {
    args: '<url> --baseline <model>[@alias|:version]', about: 'traffic, latency and input drift of a served model',
    flags: [
      { flag: '--baseline MODEL', about: 'the model version whose training data is the reference (required)' },
      { flag: '--request-log FILE', about: 'the request log to read (default: the deployment\'s)' },
      { flag: '--interval 5', about: 'seconds between refreshes' },
      { flag: '--window 5000', about: 'the latest N requests the drift is computed over' },
      { flag: '--once', about: 'print one report and exit' },
      JSON_FLAG,
    ],
  },
};
