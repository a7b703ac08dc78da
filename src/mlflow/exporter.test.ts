import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { RunStore } from '../store/runStore';
import { tempDir, tempStore } from '../store/testing/tempStore';
import { exportMlflow } from './exporter';
import { importMlflow, openMlflowSource } from './importer';

/** A sweep parent with a trial, metrics with NaN/±Infinity and a '/' key, a param, tags, a note and an artifact. */
function seed(store: RunStore): { parent: string; trial: string; other: string } {
  const parent = store.createRun({ experiment: 'iris', name: 'sweep', gitCommit: 'deadbeef', tags: { team: 'ml' } });
  store.logParams(parent.id, { model: 'tree' });
  store.setStatus(parent.id, 'finished', { endedAt: Date.UTC(2025, 0, 1, 0, 10) });
  const trial = store.createRun({ experiment: 'iris', name: 'sweep-t0', parentId: parent.id });
  store.logParams(trial.id, { max_depth: 4, lr: 0.01 });
  store.logMetrics(trial.id, [
    { key: 'loss', value: 0.9, step: 0, timestamp: 1000 },
    { key: 'loss', value: NaN, step: 1, timestamp: 2000 },
    { key: 'loss', value: 0.2, step: 2, timestamp: 3000 },
    { key: 'val/acc', value: Infinity, step: 0, timestamp: 4000 },
    { key: 'val/acc', value: -Infinity, step: 1, timestamp: 5000 },
  ]);
  store.setNote(trial.id, 'best so far');
  store.logArtifact(trial.id, 'model/model.json', '{"kind":"tree"}');
  store.setStatus(trial.id, 'failed', { error: 'boom' });
  const other = store.createRun({ experiment: 'wine', name: 'baseline' });
  store.logMetrics(other.id, [{ key: 'acc', value: 0.5, step: 3, timestamp: 7000 }]);
  store.setStatus(other.id, 'killed');
  return { parent: parent.id, trial: trial.id, other: other.id };
}

test('export writes meta.yaml files with exactly the keys and types MLflow reads', (t) => {
  const { store } = tempStore(t);
  const ids = seed(store);
  const out = path.join(tempDir(t), 'mlruns');
  const summary = exportMlflow(store, out);
  assert.deepEqual([summary.experiments, summary.runs, summary.metricPoints, summary.artifacts], [2, 3, 6, 1]);

  assert.ok(fs.statSync(path.join(out, '.trash')).isDirectory());
  const def = parse(fs.readFileSync(path.join(out, '0', 'meta.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(def.name, 'Default');
  assert.equal(def.experiment_id, '0');

  const expId = fs.readdirSync(out).find((d) => d !== '0' && d !== '.trash' && fs.readFileSync(path.join(out, d, 'meta.yaml'), 'utf8').includes('name: iris'))!;
  const exp = parse(fs.readFileSync(path.join(out, expId, 'meta.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(exp), ['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name']);
  assert.equal(typeof exp.experiment_id, 'string', 'experiment_id is a string in meta.yaml');
  assert.equal(typeof exp.creation_time, 'number');
  assert.equal(exp.lifecycle_stage, 'active');
  assert.equal(fileURLToPath(exp.artifact_location as string), path.join(out, expId));

  const runDir = path.join(out, expId, ids.trial);
  const meta = parse(fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(meta), [
    'artifact_uri', 'end_time', 'entry_point_name', 'experiment_id', 'lifecycle_stage', 'run_id', 'run_name', 'run_uuid',
    'source_name', 'source_type', 'source_version', 'start_time', 'status', 'tags', 'user_id',
  ]);
  assert.equal(meta.status, 4, 'FAILED as the int enum');
  assert.equal(meta.source_type, 4, 'SourceType.LOCAL');
  assert.equal(meta.experiment_id, expId);
  assert.equal(meta.run_id, ids.trial);
  assert.equal(meta.run_uuid, ids.trial);
  assert.equal(meta.run_name, 'sweep-t0');
  assert.deepEqual(meta.tags, []);
  assert.equal(typeof meta.start_time, 'number');
  assert.equal(typeof meta.end_time, 'number');
  assert.equal(typeof meta.user_id, 'string');
  assert.equal(fileURLToPath(meta.artifact_uri as string), path.join(runDir, 'artifacts'));

  assert.equal(fs.readFileSync(path.join(runDir, 'metrics', 'loss'), 'utf8'), '1000 0.9 0\n2000 nan 1\n3000 0.2 2\n');
  assert.equal(fs.readFileSync(path.join(runDir, 'metrics', 'val', 'acc'), 'utf8'), '4000 inf 0\n5000 -inf 1\n', 'a "/" key becomes folders');
  assert.equal(fs.readFileSync(path.join(runDir, 'params', 'max_depth'), 'utf8'), '4');
  assert.equal(fs.readFileSync(path.join(runDir, 'tags', 'mlflow.runName'), 'utf8'), 'sweep-t0');
  assert.equal(fs.readFileSync(path.join(runDir, 'tags', 'mlflow.parentRunId'), 'utf8'), ids.parent);
  assert.equal(fs.readFileSync(path.join(runDir, 'tags', 'mlflow.note.content'), 'utf8'), 'best so far');
  assert.equal(fs.readFileSync(path.join(runDir, 'artifacts', 'model', 'model.json'), 'utf8'), '{"kind":"tree"}');
  assert.equal(fs.readFileSync(path.join(out, expId, ids.parent, 'tags', 'mlflow.source.git.commit'), 'utf8'), 'deadbeef');
  const otherMeta = parse(fs.readFileSync(path.join(out, fs.readdirSync(out).find((d) => fs.existsSync(path.join(out, d, ids.other)))!, ids.other, 'meta.yaml'), 'utf8')) as Record<string, unknown>;
  assert.equal(otherMeta.status, 5, 'KILLED');
});

test('export then import into a fresh store gives the same runs, params, metrics and tags', (t) => {
  const { store } = tempStore(t);
  const ids = seed(store);
  const out = path.join(tempDir(t), 'mlruns');
  exportMlflow(store, out);
  const { store: fresh } = tempStore(t);
  const source = openMlflowSource(out);
  const summary = importMlflow(fresh, source);
  source.close();
  assert.deepEqual([summary.imported, summary.skipped], [3, 0]);

  for (const id of Object.values(ids)) {
    const a = store.getRun(id);
    const b = fresh.getRun(id);
    assert.deepEqual(
      { name: b.name, experiment: b.experiment, status: b.status, parentId: b.parentId, startedAt: b.startedAt, endedAt: b.endedAt, gitCommit: b.gitCommit },
      { name: a.name, experiment: a.experiment, status: a.status, parentId: a.parentId, startedAt: a.startedAt ?? a.createdAt, endedAt: a.endedAt, gitCommit: a.gitCommit },
    );
    assert.deepEqual(fresh.getParams(id), store.getParams(id));
    const userTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).filter(([k]) => !k.startsWith('mlflow.')));
    assert.deepEqual(userTags(fresh.getTags(id)), userTags(store.getTags(id)));
    for (const s of store.getMetricSummaries(id)) {
      const h1 = store.getMetricHistory(id, s.key);
      const h2 = fresh.getMetricHistory(id, s.key);
      assert.deepEqual([...h2.steps], [...h1.steps], `${s.key} steps`);
      assert.deepEqual([...h2.timestamps], [...h1.timestamps], `${s.key} timestamps`);
      assert.deepEqual([...h2.values], [...h1.values], `${s.key} values`);
    }
    assert.deepEqual(fresh.listArtifacts(id).map((x) => [x.path, x.sha256]), store.listArtifacts(id).map((x) => [x.path, x.sha256]));
  }
  // Importing the export back into the store it came from adds nothing: the ids are already there.
  const again = openMlflowSource(out);
  assert.equal(importMlflow(store, again).skipped, 3);
  again.close();
});

test('export --experiment / --filter narrow the runs; a non-empty foreign folder is refused', (t) => {
  const { store } = tempStore(t);
  const ids = seed(store);
  const out = path.join(tempDir(t), 'mlruns');
  const s1 = exportMlflow(store, out, { experiment: 'wine' });
  assert.deepEqual([s1.experiments, s1.runs], [1, 1]);
  const s2 = exportMlflow(store, out, { filter: 'params.max_depth = 4' });
  assert.equal(s2.runs, 1);
  assert.ok(fs.readdirSync(out).some((d) => fs.existsSync(path.join(out, d, ids.trial, 'meta.yaml'))));
  assert.ok(fs.readdirSync(out).some((d) => fs.existsSync(path.join(out, d, ids.other, 'meta.yaml'))), 'an existing mlruns folder is added to');
  assert.throws(() => exportMlflow(store, out, { experiment: 'nope' }), /no experiment named "nope"/);

  const foreign = tempDir(t);
  fs.writeFileSync(path.join(foreign, 'thesis.tex'), '...');
  assert.throws(() => exportMlflow(store, foreign), /not empty and not an MLflow file store/);
});
