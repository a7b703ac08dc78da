import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRow } from '../../store/types';
import { runRowDescription, runRowIcon } from '../runs/runRowText';
import { clusterJobLabel, clusterRunDescription, clusterRunIcon, clusterRunTooltip, countJobs, isLiveClusterRun, jobsStatusText } from './clusterRunText';

const local: RunRow = {
  id: 'a'.repeat(32), experimentId: 1, experiment: 'iris', name: 'brave-otter-1', status: 'queued', parentId: null,
  configPath: '/w/iris.train.yaml', configJson: null, gitCommit: null, gitDirty: null, createdAt: 500, startedAt: null,
  endedAt: null, heartbeatAt: null, pid: null, host: null, starred: false, note: null, error: null, runlensVersion: null,
  params: {}, metrics: {}, tags: {},
};
const queued: RunRow = { ...local, tags: { 'runlens.compute': 'slurm', 'slurm.job_id': '4711', 'slurm.partition': 'debug', 'slurm.profile': 'gpu-a100', 'slurm.reason': 'Resources' } };
const running: RunRow = { ...queued, status: 'running', startedAt: 1_000, tags: { ...queued.tags, 'slurm.reason': 'None', 'slurm.node': 'node7' } };

test('a queued cluster run says why Slurm has not started it; a running one where it runs; an ended one falls back to the usual row', () => {
  assert.equal(clusterRunDescription(queued, 2_000), 'queued: Resources');
  assert.equal(clusterRunDescription({ ...queued, tags: { ...queued.tags, 'slurm.reason': 'Priority' } }, 2_000), 'queued: Priority');
  // just submitted: no reason known yet, and Slurm's "None" is no reason
  assert.equal(clusterRunDescription({ ...queued, tags: { 'runlens.compute': 'slurm', 'slurm.job_id': '1' } }, 2_000), 'queued');
  assert.equal(clusterRunDescription({ ...queued, tags: { ...queued.tags, 'slurm.reason': 'None' } }, 2_000), 'queued');
  assert.equal(clusterRunDescription(running, 1_000 + 125_000), 'running on node7 2m 5s');
  assert.equal(clusterRunDescription({ ...running, status: 'finished' }, 10_000), undefined);
  assert.equal(clusterRunDescription(local, 2_000), undefined, 'a local run is not touched');
});

test('cluster runs get a server icon while live, and the status icon once ended', () => {
  assert.deepEqual(clusterRunIcon(queued), { icon: 'server' });
  assert.deepEqual(clusterRunIcon(running), { icon: 'server-process', color: 'charts.blue' });
  assert.equal(clusterRunIcon({ ...running, status: 'killed' }), undefined);
  assert.equal(clusterRunIcon(local), undefined);
});

test('the tooltip names the job (with its array task), partition, node, profile and the reason while queued', () => {
  assert.equal(clusterRunTooltip(queued), 'Slurm job: `4711`  \npartition: debug  \nprofile: gpu\\-a100  \nwaiting: Resources  ');
  const trial = { ...running, tags: { ...running.tags, 'slurm.array_task': '3' } };
  assert.equal(clusterJobLabel(trial), '4711_3');
  assert.equal(clusterRunTooltip(trial), 'Slurm job: `4711_3`  \npartition: debug  \nnode: node7  \nprofile: gpu\\-a100  ');
  // a name from the cluster is markdown-escaped (the tooltip is a MarkdownString)
  assert.match(clusterRunTooltip({ ...queued, tags: { ...queued.tags, 'slurm.partition': 'gpu_*big*' } })!, /partition: gpu\\_\\\*big\\\*/);
  assert.equal(clusterRunTooltip(local), undefined);
});

test('the Jobs status bar counts live cluster runs only, and hides with none', () => {
  const runs = [queued, queued, running, local, { ...local, status: 'running' as const }, { ...running, status: 'finished' as const }];
  assert.deepEqual(countJobs(runs), { queued: 2, running: 1 });
  assert.equal(jobsStatusText(countJobs(runs)), '$(server-process) 2 queued · 1 running');
  assert.equal(jobsStatusText({ queued: 0, running: 2 }), '$(server-process) 2 running');
  assert.equal(jobsStatusText({ queued: 1, running: 0 }), '$(server-process) 1 queued');
  assert.equal(jobsStatusText({ queued: 0, running: 0 }), undefined);
  assert.equal(isLiveClusterRun(queued), true);
  assert.equal(isLiveClusterRun({ ...running, status: 'failed' }), false);
  assert.equal(isLiveClusterRun(local), false);
});

test('the Runs view row of a cluster run uses it: Slurm\'s reason and the server icon while live, the usual row once ended', () => {
  assert.equal(runRowDescription(queued, 2_000), 'queued: Resources');
  assert.equal(runRowDescription({ ...queued, starred: true }, 2_000), '★ queued: Resources', 'a live run\'s star stays in its description');
  assert.deepEqual(runRowIcon(running), { icon: 'server-process', color: 'charts.blue' });
  const ended = { ...running, status: 'finished' as const, metrics: { test_accuracy: 0.9 } };
  assert.equal(runRowDescription(ended, 10_000), 'accuracy 0.9000');
  assert.deepEqual(runRowIcon(ended), { icon: 'pass', color: 'testing.iconPassed' });
  assert.equal(runRowDescription(local, 2_000), 'just now', 'a local queued run is unchanged');
});
