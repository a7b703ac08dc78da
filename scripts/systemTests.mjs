// Which node tests are system tests (`npm run test:system`), each with the reason. Everything else under
// src/, scripts/ and test/hostile is a unit test (`npm run test:unit`): plain Node, real SQLite files and
// real child processes (workers, CLI runs, scripts), but no child servers, container builds, real
// MLflow/PostgreSQL or browser, and the whole set in under 2 minutes on 2 cores.
//
// The rule: a test file is listed here when it starts a server in a child process (`runlens serve`,
// `runlens server`, a build context's server), builds or inspects container images (buildah), or runs the
// real MLflow (its Python client or `mlflow server`, PostgreSQL). scripts/test.mjs fails when a listed file
// does not exist, so a moved test is noticed; a new test of one of these kinds is added here.

const MLFLOW = 'the real MLflow 2.12 (Python client or mlflow server; RUNLENS_MLFLOW_PYTHONPATH)';
const POSTGRES = 'the real MLflow server on PostgreSQL';
const SERVE = 'starts `runlens serve` in a child process';
const SERVER = 'starts `runlens server` (the MLflow-compatible tracking server) in a child process';
const BUILDAH = 'builds or inspects container images with buildah';

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
];
