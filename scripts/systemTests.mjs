// Which node tests are system tests (`npm run test:system`), each with the reason. Everything else under
// src/, scripts/ and test/hostile is a unit test (`npm run test:unit`): plain Node, real SQLite files and
// real child processes (workers, CLI runs, scripts), but no child servers, container builds, real
// MLflow/PostgreSQL or browser, and the whole set in under 2 minutes on 2 cores.
//
// The rule: a test file is listed here when it starts a server in a child process (`runlens serve`,
// `runlens server`, a build context's server), builds or inspects container images (buildah), runs the
// real MLflow (its Python client or `mlflow server`, PostgreSQL), or takes over 10 s of one core on its own
// (measured file by file on this 2-core machine, 2026-12-07: the unit set as a whole must stay under 2
// minutes; most of these spawn the CLI through tsx many times, and making them faster moves them back).
// scripts/test.mjs fails when a listed file does not exist, so a moved test is noticed; a new test of one
// of these kinds is added here.

const MLFLOW = 'the real MLflow 2.12 (Python client or mlflow server; RUNLENS_MLFLOW_PYTHONPATH)';
const POSTGRES = 'the real MLflow server on PostgreSQL';
const SERVE = 'starts `runlens serve` in a child process';
const SERVER = 'starts `runlens server` (the MLflow-compatible tracking server) in a child process';
const BUILDAH = 'builds or inspects container images with buildah';
const JUPYTER = 'runs notebooks in real Jupyter kernels (ipykernel through nbclient; scripts/install-notebook-deps.sh)';
const SLURM = 'submits jobs to the real one-node Slurm cluster (src/compute/testing/realSlurm.ts starts it with scripts/slurm/start.sh or $RUNLENS_SLURM_START)';
const SLOW = (seconds, why) => `slow: ${seconds} s of one core on its own (${why})`;

/** @type {ReadonlyArray<{ path: string; reason: string }>} */
export const SYSTEM_TESTS = [
  { path: 'src/cli/commands/exportMlflowModel.test.ts', reason: MLFLOW },
  { path: 'src/cli/commands/serverReads.test.ts', reason: MLFLOW },
  { path: 'src/cli/trackingShipper.test.ts', reason: MLFLOW },
  { path: 'src/mlflow/client/mlflowClient.test.ts', reason: MLFLOW },
  { path: 'src/mlflow/differential.test.ts', reason: MLFLOW },
  { path: 'src/mlflow/importerUpdate.test.ts', reason: MLFLOW },
  { path: 'src/mlflow/mlflowFormat.test.ts', reason: MLFLOW },
  { path: 'src/mlflow/registryApi.test.ts', reason: MLFLOW },
  { path: 'src/tracking/mlflowRunSource.test.ts', reason: MLFLOW },
  { path: 'src/tracking/pull/pullModels.test.ts', reason: MLFLOW },
  { path: 'src/tracking/pull/pullRuns.test.ts', reason: POSTGRES },
  { path: 'src/tracking/pull/roundTrip.test.ts', reason: POSTGRES },
  { path: 'src/tracking/push/liveShipper.test.ts', reason: MLFLOW },
  { path: 'src/tracking/push/logToShipper.test.ts', reason: MLFLOW },
  { path: 'src/tracking/push/pushModels.test.ts', reason: MLFLOW },
  { path: 'src/tracking/push/pushRuns.test.ts', reason: POSTGRES },
  { path: 'src/cli/commands/trainSql.test.ts', reason: SLOW(21, 'eleven CLI runs through tsx: data.sql training, --refresh-data, datasets, diff') },
  { path: 'src/datasets/sql/postgresSource.test.ts', reason: 'a real PostgreSQL server (Debian\'s, password auth) with a 100,000-row table: data.sql training, refresh and diff' },
  { path: 'src/tracking/pyfunc/mlflowModel.test.ts', reason: MLFLOW },
  { path: 'src/tracking/pyfunc/mlflowModelFormat.test.ts', reason: MLFLOW },
  { path: 'src/tracking/pyfunc/mlflowModelServing.test.ts', reason: MLFLOW },
  { path: 'src/views/compare/compareSources.test.ts', reason: MLFLOW },
  { path: 'src/views/teamServers/remoteServerModel.test.ts', reason: MLFLOW },

  { path: 'src/cli/commands/models.test.ts', reason: SERVE },
  { path: 'src/cli/commands/monitor.test.ts', reason: SERVE },
  { path: 'src/cli/commands/serve.test.ts', reason: SERVE },
  { path: 'src/deploy/monitor/monitorTraffic.test.ts', reason: SERVE },
  { path: 'src/views/deploy/localServeProcess.test.ts', reason: SERVE },
  { path: 'src/views/deploy/monitorSession.test.ts', reason: SERVE },
  { path: 'test/hostile/http.test.ts', reason: `${SERVE} and \`runlens server\`, and sends them abusive HTTP` },
  { path: 'src/cli/commands/mlflow.test.ts', reason: SERVER },
  { path: 'src/mlflow/trackingServerProcess.test.ts', reason: SERVER },
  { path: 'src/deploy/container/spawnedServer.test.ts', reason: 'starts HTTP servers (and their grandchildren) in child processes' },
  { path: 'src/deploy/build/buildContext.test.ts', reason: "bundles the serving server and starts a build context's server in a child process" },
  { path: 'src/deploy/smoke/smokeTest.test.ts', reason: "bundles the serving server and starts a build context's server in a child process" },

  { path: 'src/deploy/build/baseImage.test.ts', reason: `${BUILDAH} (debootstrap makes the base image)` },
  { path: 'src/deploy/build/imageBuild.test.ts', reason: BUILDAH },
  { path: 'src/deploy/container/imageServer.test.ts', reason: BUILDAH },
  { path: 'src/cli/commands/serveImage.test.ts', reason: `${BUILDAH}, then serves the image` },

  { path: 'src/store/pythonNotebook.test.ts', reason: JUPYTER },
  { path: 'src/store/pythonNotebookExamples.test.ts', reason: `${JUPYTER}: the examples/notebooks` },
  { path: 'src/store/pythonNotebookServer.test.ts', reason: 'starts the classic Jupyter Notebook server (python3-notebook) and a kernel in it' },

  { path: 'src/compute/slurm/slurmCluster.test.ts', reason: SLURM },
  { path: 'src/compute/slurm/slurmTimeLimit.test.ts', reason: `${SLURM}; waits 60-90 s for a one-minute time limit` },
  { path: 'src/compute/profiles/slurmFormats.test.ts', reason: `${SLURM} (sbatch --test-only: parsed and estimated, nothing queued)` },
  { path: 'src/compute/jobs/slurmJobs.test.ts', reason: `${SLURM}: runs, a Python command run, an array sweep and its local twin, scancel of a trial and of an array` },
  { path: 'src/compute/jobs/sweepEarlyStop.test.ts', reason: `${SLURM}: two array sweeps stopped by stop_when and max_failures` },
  { path: 'src/cli/commands/jobs.test.ts', reason: `${SLURM} through the CLI (train --on with and without --wait, jobs sync twice, logs, cancel)` },

  { path: 'src/install/packedCli.test.ts', reason: SLOW(92, 'bundles the CLI and runs the packed copy') },
  { path: 'test/hostile/git.test.ts', reason: SLOW(42, 'real git repositories and CLI runs') },
  { path: 'test/hostile/csv.test.ts', reason: SLOW(39, 'a CLI run per hostile CSV') },
  { path: 'test/hostile/store.test.ts', reason: SLOW(22, 'a CLI run per corrupted store') },
  { path: 'test/hostile/config.test.ts', reason: SLOW(22, 'a CLI run per hostile config') },
  { path: 'src/cli/cli.test.ts', reason: SLOW(38, 'CLI runs through tsx') },
  { path: 'src/cli/storeLookup.test.ts', reason: SLOW(34, 'CLI runs through tsx') },
  { path: 'src/cli/commands/trainMetrics.test.ts', reason: SLOW(20, 'CLI trainings') },
  { path: 'src/cli/commands/trainSlices.test.ts', reason: SLOW(16, 'CLI trainings with slices and gates') },
  { path: 'src/cli/commands/report.test.ts', reason: SLOW(11, 'CLI runs through tsx') },
  { path: 'src/cli/commands/systemMetricsCli.test.ts', reason: SLOW(10, 'CLI trainings, show and gates of sampled command runs') },
  { path: 'src/cli/commands/sweep.test.ts', reason: SLOW(20, 'CLI sweeps') },
  { path: 'src/cli/localLogs.test.ts', reason: SLOW(15, 'CLI trainings followed by CLI log readers through tsx') },
  { path: 'src/cli/commands/trainCommandExamples.test.ts', reason: SLOW(18, 'the Python examples through the CLI') },
  { path: 'src/cli/commands/smoke.test.ts', reason: SLOW(18, 'CLI smoke tests against a bundled server') },
  { path: 'src/cli/commands/build.test.ts', reason: SLOW(12, 'CLI build runs') },
  { path: 'src/worker/sweepRunner.test.ts', reason: SLOW(37, 'sweeps of real trainer processes') },
  { path: 'src/worker/trainerProcess.test.ts', reason: SLOW(26, 'real trainer processes, killed and cancelled') },
  { path: 'src/store/powerCut.test.ts', reason: SLOW(35, 'writers killed mid-transaction, many times') },
  { path: 'src/deploy/smoke/labelsAsWritten.test.ts', reason: SLOW(34, 'CLI exports and the Python loader') },
  { path: 'src/core/datasetDiff/directCompare.test.ts', reason: SLOW(16, 'large generated files') },
  { path: 'src/core/datasetDiff/diffFilesCancel.test.ts', reason: SLOW(15, 'large generated files, cancelled on worker threads') },
  { path: 'src/compute/spool/spoolJob.test.ts', reason: SLOW(14, 'job processes with real trainer processes, a Python command run, and direct trainings to compare') },
];
