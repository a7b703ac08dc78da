// One-off generator kept for reference: writes `contributes` into package.json.
// Edit package.json directly afterwards; this file documents the command set.
import { readFileSync, writeFileSync } from 'node:fs';
const pkgPath = new URL('../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const cat = 'RunLens';
const cmd = (command, title, icon, extra = {}) => ({ command, title, category: cat, ...(icon ? { icon: `$(${icon})` } : {}), ...extra });
const trusted = 'isWorkspaceTrusted';
const commands = [
  cmd('runlens.run.train', 'Train Config…', 'play', { enablement: trusted }),
  cmd('runlens.runs.compare', 'Compare Runs…', 'graph-line'),
  cmd('runlens.runs.filter', 'Filter Runs…', 'filter'),
  cmd('runlens.runs.clearFilter', 'Clear Run Filter', 'filter-filled'),
  cmd('runlens.runs.sort', 'Sort Runs by Metric…', 'list-ordered'),
  cmd('runlens.runs.toggleStarred', 'Show Only Starred Runs', 'star-empty'),
  cmd('runlens.runs.refresh', 'Refresh Runs', 'refresh'),
  cmd('runlens.run.open', 'Open Run…', 'go-to-file'),
  cmd('runlens.run.cancel', 'Cancel Run', 'debug-stop'),
  cmd('runlens.run.delete', 'Delete Run…', 'trash'),
  cmd('runlens.logs.show', 'Show Logs', 'output'),
  cmd('runlens.store.open', 'Open Store Folder', 'folder-opened'),
  cmd('runlens.config.createExample', 'Create Example Config', 'new-file'),
  cmd('runlens.run.details', 'Open Run Details', 'info'),
  cmd('runlens.run.compareSelected', 'Compare Selected Runs', 'graph-line'),
  cmd('runlens.run.star', 'Star Run', 'star-empty'),
  cmd('runlens.run.unstar', 'Unstar Run', 'star-full'),
  cmd('runlens.run.rename', 'Rename Run…', 'edit'),
  cmd('runlens.run.note', 'Add Note…', 'note'),
  cmd('runlens.run.tag', 'Add Tag…', 'tag'),
  cmd('runlens.run.rerun', 'Re-run with Same Config', 'debug-rerun', { enablement: trusted }),
  cmd('runlens.run.openConfig', 'Open Config', 'file-code'),
  cmd('runlens.run.copyId', 'Copy Run ID', 'copy'),
  cmd('runlens.artifact.reveal', 'Reveal Artifact in File Explorer', 'file-symlink-file'),
  cmd('runlens.artifact.open', 'Open Artifact', 'go-to-file'),
  cmd('runlens.runs.loadMore', 'Load More Runs', 'ellipsis'),
  cmd('runlens.config.trainFile', 'Train This Config', 'play', { enablement: trusted }),
];
const runItem = 'view == runlens.runs && viewItem =~ /^run/';
pkg.contributes = {
  commands,
  viewsContainers: { activitybar: [{ id: 'runlens', title: 'RunLens', icon: 'media/runlens.svg' }] },
  views: { runlens: [{ id: 'runlens.runs', name: 'Runs', icon: 'media/runlens.svg', contextualTitle: 'RunLens' }] },
  viewsWelcome: [
    { view: 'runlens.runs', contents: 'No runs yet. A run starts from a training config (`*.train.yaml`): click "Train this" above it, or use the command palette.\n[Create Example Config](command:runlens.config.createExample)\n[Train Config…](command:runlens.run.train)\n[Open the Walkthrough](command:workbench.action.openWalkthrough?%22runlens.runlens%23runlens.gettingStarted%22)', when: 'runlens.ready && !runlens.hasRuns' },
    { view: 'runlens.runs', contents: 'RunLens could not open its store.\n[Show Logs](command:runlens.logs.show)', when: 'runlens.storeError' },
  ],
  menus: {
    commandPalette: [
      { command: 'runlens.run.details', when: 'false' },
      { command: 'runlens.run.compareSelected', when: 'false' },
      { command: 'runlens.run.star', when: 'false' },
      { command: 'runlens.run.unstar', when: 'false' },
      { command: 'runlens.run.rename', when: 'false' },
      { command: 'runlens.run.note', when: 'false' },
      { command: 'runlens.run.tag', when: 'false' },
      { command: 'runlens.run.rerun', when: 'false' },
      { command: 'runlens.run.openConfig', when: 'false' },
      { command: 'runlens.run.copyId', when: 'false' },
      { command: 'runlens.artifact.reveal', when: 'false' },
      { command: 'runlens.artifact.open', when: 'false' },
      { command: 'runlens.runs.loadMore', when: 'false' },
      { command: 'runlens.config.trainFile', when: 'false' },
      { command: 'runlens.runs.clearFilter', when: 'runlens.filtered' },
      { command: 'runlens.run.cancel', when: 'runlens.activeRuns > 0' },
    ],
    'view/title': [
      { command: 'runlens.runs.refresh', when: 'view == runlens.runs', group: 'navigation@1' },
      { command: 'runlens.runs.filter', when: 'view == runlens.runs && !runlens.filtered', group: 'navigation@2' },
      { command: 'runlens.runs.clearFilter', when: 'view == runlens.runs && runlens.filtered', group: 'navigation@2' },
      { command: 'runlens.runs.sort', when: 'view == runlens.runs', group: 'navigation@3' },
      { command: 'runlens.runs.compare', when: 'view == runlens.runs', group: 'navigation@4' },
      { command: 'runlens.runs.toggleStarred', when: 'view == runlens.runs', group: '1_filter' },
      { command: 'runlens.config.createExample', when: 'view == runlens.runs', group: '2_create' },
      { command: 'runlens.store.open', when: 'view == runlens.runs', group: '3_store' },
      { command: 'runlens.logs.show', when: 'view == runlens.runs', group: '3_store' },
    ],
    'view/item/context': [
      { command: 'runlens.run.star', when: `${runItem} && !(viewItem =~ /starred/)`, group: 'inline@1' },
      { command: 'runlens.run.unstar', when: `${runItem} && viewItem =~ /starred/`, group: 'inline@1' },
      { command: 'runlens.run.cancel', when: `${runItem} && viewItem =~ /running/`, group: 'inline@2' },
      { command: 'runlens.run.details', when: runItem, group: '1_open@1' },
      { command: 'runlens.run.compareSelected', when: runItem, group: '1_open@2' },
      { command: 'runlens.run.openConfig', when: `${runItem} && viewItem =~ /hasConfig/`, group: '1_open@3' },
      { command: 'runlens.run.rerun', when: `${runItem} && viewItem =~ /hasConfig/ && isWorkspaceTrusted`, group: '2_run@1' },
      { command: 'runlens.run.cancel', when: `${runItem} && viewItem =~ /running/`, group: '2_run@2' },
      { command: 'runlens.run.rename', when: runItem, group: '3_edit@1' },
      { command: 'runlens.run.note', when: runItem, group: '3_edit@2' },
      { command: 'runlens.run.tag', when: runItem, group: '3_edit@3' },
      { command: 'runlens.run.star', when: `${runItem} && !(viewItem =~ /starred/)`, group: '3_edit@4' },
      { command: 'runlens.run.unstar', when: `${runItem} && viewItem =~ /starred/`, group: '3_edit@4' },
      { command: 'runlens.run.copyId', when: runItem, group: '4_copy@1' },
      { command: 'runlens.run.delete', when: `${runItem} && !(viewItem =~ /running/)`, group: '9_delete@1' },
      { command: 'runlens.artifact.reveal', when: 'view == runlens.runs && viewItem == artifact', group: 'inline' },
      { command: 'runlens.artifact.open', when: 'view == runlens.runs && viewItem == artifact', group: '1_open@1' },
    ],
    'editor/title': [
      { command: 'runlens.config.trainFile', when: 'resourceFilename =~ /\\.train\\.(ya?ml|json)$/ && isWorkspaceTrusted', group: 'navigation' },
    ],
  },
  configuration: {
    title: 'RunLens',
    properties: {
      'runlens.configFiles': { type: 'string', default: '**/*.train.{yaml,yml,json}', markdownDescription: 'Glob of the training config files that get the `Train this` CodeLens and RunLens diagnostics.' },
      'runlens.storePath': { type: 'string', default: '.runlens', markdownDescription: 'Store folder, relative to each workspace folder (or absolute). The CLI finds the same store with `--store` or `RUNLENS_STORE`.' },
      'runlens.explorer.keyMetric': { type: 'string', default: '', markdownDescription: 'Metric shown next to each run in the explorer. Empty: the first `test_` metric (accuracy or r2 first).' },
      'runlens.explorer.pageSize': { type: 'integer', default: 200, minimum: 20, maximum: 5000, description: 'Runs listed per page under an experiment; more load on demand.' },
      'runlens.explorer.starredFirst': { type: 'boolean', default: true, description: 'List starred runs before the others.' },
      'runlens.trainer.killGraceSeconds': { type: 'number', default: 5, minimum: 0, description: 'Seconds between SIGTERM and SIGKILL when a run is cancelled.' },
      'runlens.trainer.nodePath': { type: 'string', default: '', markdownDescription: 'Node.js executable that runs the trainer. Empty: the runtime of the extension host. Set it when the bundled better-sqlite3 does not match that runtime.' },
      'runlens.compare.pointsPerSeries': { type: 'integer', default: 1000, minimum: 100, maximum: 10000, description: 'Points per metric curve sent to the compare panel (min/max downsampled on the host).' },
      'runlens.staleRunSeconds': { type: 'integer', default: 60, minimum: 10, description: 'A running run without a heartbeat for this long, or whose process is gone, is marked failed.' },
    },
  },
  jsonValidation: [{ fileMatch: ['*.train.json'], url: './schemas/train.schema.json' }],
  yamlValidation: [{ fileMatch: ['*.train.yaml', '*.train.yml'], url: './schemas/train.schema.json' }],
  walkthroughs: [
    {
      id: 'runlens.gettingStarted',
      title: 'Get started with RunLens',
      description: 'Train a model, track it, compare runs: all inside your workspace.',
      steps: [
        { id: 'createConfig', title: 'Create a training config', description: 'A run is described by a `*.train.yaml` file: data, target, model.\n[Create Example Config](command:runlens.config.createExample)', media: { markdown: 'media/walkthrough/config.md' }, completionEvents: ['onCommand:runlens.config.createExample'] },
        { id: 'train', title: 'Train it', description: 'Click **▶ Train this** above the config, or run **RunLens: Train Config…**. Metrics appear live in the Runs view.\n[Train Config…](command:runlens.run.train)', media: { markdown: 'media/walkthrough/train.md' }, completionEvents: ['onCommand:runlens.run.train', 'onCommand:runlens.config.trainFile'] },
        { id: 'compare', title: 'Compare runs', description: 'Select two or more runs and compare their curves, params and confusion matrices.\n[Compare Runs…](command:runlens.runs.compare)', media: { markdown: 'media/walkthrough/compare.md' }, completionEvents: ['onCommand:runlens.runs.compare'] },
        { id: 'filter', title: 'Find the best run', description: 'Filter with the query language: `metrics.test_accuracy > 0.9 and params.model = "decision_tree"`.\n[Filter Runs…](command:runlens.runs.filter)', media: { markdown: 'media/walkthrough/filter.md' }, completionEvents: ['onCommand:runlens.runs.filter'] },
      ],
    },
  ],
};
pkg.activationEvents = ['workspaceContains:**/*.train.{yaml,yml,json}', 'workspaceContains:.runlens/store.db'];
pkg.capabilities = { untrustedWorkspaces: { supported: 'limited', description: 'In an untrusted workspace RunLens shows runs read-only; training, sweeps and builds are disabled.', restrictedConfigurations: ['runlens.trainer.nodePath', 'runlens.storePath'] }, virtualWorkspaces: false };
pkg.icon = 'media/icon.png';
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
