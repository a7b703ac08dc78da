/** The node side without Slurm: a task trains into a scratch store with the real trainer process, ships its spool, and leaves no scratch behind. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from '../../store/runStore';
import { ingestSpool } from '../spool/ingestSpool';
import { jobPaths, writeManifest } from './jobManifest';
import { runJobTask } from './runJobTask';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

test('runJobTask trains the task\'s run in a scratch store, its spool ends the workspace run as a local run would end, and the scratch store is removed', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-jobtask-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(EXAMPLES, 'iris.train.yaml'), path.join(dir, 'iris.train.yaml'));
  cpSync(path.join(EXAMPLES, 'data'), path.join(dir, 'data'), { recursive: true });
  const storeDir = path.join(dir, '.runlens');
  const scratchRoot = path.join(dir, 'node-tmp');
  mkdirSync(scratchRoot);
  const store = RunStore.open(storeDir);
  t.after(() => store.close());
  const run = store.createRun({ experiment: 'iris', name: 'on-node', status: 'queued', tags: { 'runlens.compute': 'slurm' } });
  const paths = jobPaths(storeDir, run.id, true);
  writeManifest(paths, {
    version: 1, kind: 'sweep', rootRunId: run.id, configPath: path.join(dir, 'iris.train.yaml'), overrides: [], profile: { name: 'p', backend: 'slurm' }, createdAt: 0,
    tasks: [
      { index: 0, runId: 'other', runName: 'other', experiment: 'iris', overrides: [], tags: {} },
      { index: 1, runId: run.id, runName: 'on-node', experiment: 'iris', overrides: ['model.params.max_depth=2'], tags: { team: 'a' } },
    ],
  });
  const out: string[] = [];
  const result = await runJobTask(paths.manifest, { env: { ...process.env, TMPDIR: scratchRoot, SLURM_JOB_ID: '77', SLURM_ARRAY_TASK_ID: '1' }, write: (text) => out.push(text), shipIntervalMs: 100 });
  assert.equal(result.exitCode, 0, out.join(''));
  assert.equal(result.outcome.status, 'finished');
  assert.deepEqual(readdirSync(scratchRoot), [], 'the scratch store is gone');
  assert.match(out.join(''), /\[fit\]|fitting/);
  const seen = ingestSpool(store, paths.taskDir(1), run.id);
  assert.deepEqual(seen.ended && { status: seen.ended.status, exitCode: seen.ended.exitCode }, { status: 'finished', exitCode: 0 });
  assert.equal(store.getRun(run.id).status, 'finished');
  assert.equal(store.getParams(run.id).max_depth, '2', 'the task\'s own overrides');
  assert.equal(store.getTags(run.id).team, 'a');
  assert.ok(store.getMetricSummaries(run.id).some((m) => m.key === 'test_accuracy'));
  assert.ok(!existsSync(paths.taskDir(0) + '/events.jsonl'), 'task 0 was not run');
  // The scratch run had the workspace run's id, so the model package names the run it belongs to.
  const model = store.listArtifacts(run.id).find((a) => a.path === 'model/model.json')!;
  assert.equal((JSON.parse(readFileSync(store.artifactPath(model.sha256), 'utf8')) as { runId: string }).runId, run.id);
});
