/**
 * Every command id RunLens registers, one constant object per feature. The
 * extension registers each feature's handlers as a `CommandHandlers<typeof X>`,
 * so a handler missing or extra is a type error, and commandIds.test.ts checks
 * that these ids and package.json's `contributes.commands` and menus agree
 * both ways. vscode-free, so that test runs under plain Node.
 */

/** One run (or a selection) in the Runs view. */
export const RUN_COMMANDS = {
  open: 'runlens.run.open',
  details: 'runlens.run.details',
  compare: 'runlens.runs.compare',
  compareSelected: 'runlens.run.compareSelected',
  star: 'runlens.run.star',
  unstar: 'runlens.run.unstar',
  rename: 'runlens.run.rename',
  note: 'runlens.run.note',
  tag: 'runlens.run.tag',
  copyId: 'runlens.run.copyId',
  openConfig: 'runlens.run.openConfig',
  rerun: 'runlens.run.rerun',
  cancel: 'runlens.run.cancel',
  delete: 'runlens.run.delete',
} as const;

/** The Runs view title, its artifacts, the logs and the store. */
export const RUNS_VIEW_COMMANDS = {
  refresh: 'runlens.runs.refresh',
  filter: 'runlens.runs.filter',
  clearFilter: 'runlens.runs.clearFilter',
  toggleStarred: 'runlens.runs.toggleStarred',
  sort: 'runlens.runs.sort',
  loadMore: 'runlens.runs.loadMore',
  showLogs: 'runlens.logs.show',
  storeOpen: 'runlens.store.open',
  artifactOpen: 'runlens.artifact.open',
  artifactReveal: 'runlens.artifact.reveal',
} as const;

/** The Datasets view and the dataset diff. */
export const DATASETS_COMMANDS = {
  refresh: 'runlens.datasets.refresh',
  openRun: 'runlens.datasets.openRun',
  diff: 'runlens.datasets.diff',
  compareWith: 'runlens.datasets.compareWith',
  diffSelected: 'runlens.datasets.diffSelected',
  diffWithCurrent: 'runlens.datasets.diffWithCurrent',
  diffWithGitRevision: 'runlens.datasets.diffWithGitRevision',
} as const;

/** The Models view, the registry, serving and the Deploy panel. */
export const MODELS_COMMANDS = {
  refresh: 'runlens.models.refresh',
  register: 'runlens.model.register',
  setAlias: 'runlens.model.setAlias',
  removeAlias: 'runlens.model.removeAlias',
  build: 'runlens.model.build',
  serve: 'runlens.model.serve',
  serveImage: 'runlens.model.serveImage',
  stopServing: 'runlens.model.stopServing',
  openRun: 'runlens.model.openRun',
  deleteVersion: 'runlens.model.deleteVersion',
  openBuildLog: 'runlens.model.openBuildLog',
  openDeploy: 'runlens.deploy.open',
  openMonitor: 'runlens.deploy.openMonitor',
} as const;

/** Team tracking servers: their roots in the Runs view, push and pull. */
export const TEAM_SERVER_COMMANDS = {
  add: 'runlens.server.add',
  setCredentials: 'runlens.server.setCredentials',
  retry: 'runlens.server.retry',
  pushRun: 'runlens.run.push',
  pullRemoteRun: 'runlens.remoteRun.pull',
  remoteRunDetails: 'runlens.remoteRun.details',
  copyRemoteRunId: 'runlens.remoteRun.copyId',
  openRemoteArtifact: 'runlens.remoteArtifact.open',
} as const;

/** The workspace's own MLflow-compatible tracking server (runlens server). */
export const MLFLOW_SERVER_COMMANDS = {
  startServer: 'runlens.mlflow.startServer',
  stopServer: 'runlens.mlflow.stopServer',
  copyTrackingUri: 'runlens.mlflow.copyTrackingUri',
} as const;

/** The runlens command on PATH. */
export const CLI_PATH_COMMANDS = {
  installInPath: 'runlens.cli.installInPath',
  uninstallFromPath: 'runlens.cli.uninstallFromPath',
} as const;

/** Training and sweeping configs (the palette, the CodeLens, the editor title). */
export const TRAINING_COMMANDS = {
  train: 'runlens.run.train',
  sweep: 'runlens.run.sweep',
  trainFile: 'runlens.config.trainFile',
  sweepFile: 'runlens.config.sweepFile',
  createExample: 'runlens.config.createExample',
} as const;

/** Training and sweeping on a cluster (Slurm): the Train on / Sweep on lenses and the Jobs status bar item. */
export const COMPUTE_COMMANDS = {
  trainOn: 'runlens.config.trainOn',
  sweepOn: 'runlens.config.sweepOn',
  showJobs: 'runlens.jobs.show',
} as const;

/** Runs logged from a Jupyter notebook (the Python helper's runlens.notebook tag). */
export const NOTEBOOK_COMMANDS = {
  openNotebook: 'runlens.run.openNotebook',
} as const;

/** Data sources: database passwords for `data.sql` (SecretStorage). */
export const DATASOURCES_COMMANDS = {
  setDatabasePassword: 'runlens.datasources.setPassword',
} as const;

/** A report of runs to share (Markdown or one HTML file; src/views/report), from the Runs view and the compare panel. */
export const REPORT_COMMANDS = {
  exportReport: 'runlens.run.exportReport',
} as const;

/** Every feature's ids. */
export const COMMAND_GROUPS = { RUN_COMMANDS, RUNS_VIEW_COMMANDS, DATASETS_COMMANDS, MODELS_COMMANDS, TEAM_SERVER_COMMANDS, MLFLOW_SERVER_COMMANDS, CLI_PATH_COMMANDS, TRAINING_COMMANDS, NOTEBOOK_COMMANDS, COMPUTE_COMMANDS, DATASOURCES_COMMANDS, REPORT_COMMANDS } as const;

/** A feature's handlers: exactly one per id of its constant object. */
export type CommandHandlers<T extends Readonly<Record<string, string>>> = Record<T[keyof T], (...args: unknown[]) => unknown>;

type Groups = typeof COMMAND_GROUPS;
/** Any RunLens command id. */
export type CommandId = { [G in keyof Groups]: Groups[G][keyof Groups[G]] }[keyof Groups];
/** The handlers of every feature together: the composition root registers exactly this, so a feature left out is a type error. */
export type AllCommandHandlers = Record<CommandId, (...args: unknown[]) => unknown>;
