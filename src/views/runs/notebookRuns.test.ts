import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRow } from '../../store/types';
import { runContextValue } from '../runPresentation';
import { locateNotebook, notebookSnapshotPath, runNotebook } from './notebookRuns';
import { runRowAccessibleLabel, runRowIcon } from './runRowText';

const base: RunRow = {
  id: 'a'.repeat(32), experimentId: 1, experiment: 'churn', name: 'calm-otter-1', status: 'finished', parentId: null,
  configPath: null, configJson: null, gitCommit: null, gitDirty: null, createdAt: 500, startedAt: 1_000,
  endedAt: 61_000, heartbeatAt: null, pid: 42, host: 'h', starred: false, note: null, error: null, runlensVersion: 'python-0.1.0',
  params: {}, metrics: { loss: 0.1 }, tags: { 'runlens.notebook': '/home/a/proj/nb/churn.ipynb' },
};

test("a notebook's run: a notebook icon in its status colour, 'notebook' in its context value and its spoken label", () => {
  assert.deepEqual(runRowIcon(base), { icon: 'notebook', color: 'testing.iconPassed' });
  assert.deepEqual(runRowIcon({ ...base, status: 'failed' }), { icon: 'notebook', color: 'testing.iconFailed' });
  assert.deepEqual(runRowIcon({ ...base, status: 'running' }), { icon: 'notebook', color: 'charts.blue' }, 'live: blue, its description says running');
  assert.deepEqual(runRowIcon({ ...base, starred: true }), { icon: 'star-full', color: 'testing.iconPassed' }, 'the star the user set wins');
  assert.deepEqual(runRowIcon({ ...base, tags: {} }), { icon: 'pass', color: 'testing.iconPassed' }, 'any other run keeps its status icon');

  assert.equal(runContextValue(base), 'run finished notebook');
  assert.equal(runContextValue({ ...base, tags: {} }), 'run finished');
  assert.equal(runContextValue({ ...base, tags: undefined }), 'run finished', 'a caller without tags');
  assert.equal(runRowAccessibleLabel(base, 'loss 0.1000'), 'calm-otter-1, notebook, finished, loss 0.1000');
});

test('the notebook tag and its snapshot artifact', () => {
  assert.equal(runNotebook(base), '/home/a/proj/nb/churn.ipynb');
  assert.equal(runNotebook({ tags: { 'runlens.notebook': '  ' } }), undefined);
  assert.equal(runNotebook({}), undefined);
  assert.equal(notebookSnapshotPath('/home/a/proj/nb/churn.ipynb'), 'notebook/churn.ipynb');
  assert.equal(notebookSnapshotPath('C:\\Users\\a\\nb.ipynb'), 'notebook/nb.ipynb');
});

test('the notebook is found where it was recorded, else by the longest tail of its path under a workspace folder', () => {
  const files = new Set(['/w/proj/nb/churn.ipynb', '/w/proj/churn.ipynb', '/elsewhere/x.ipynb']);
  const exists = (p: string) => files.has(p);
  assert.equal(locateNotebook('/elsewhere/x.ipynb', ['/w/proj'], exists), '/elsewhere/x.ipynb', 'where it was');
  assert.equal(locateNotebook('/home/a/proj/nb/churn.ipynb', ['/other', '/w/proj/'], exists), '/w/proj/nb/churn.ipynb', 'moved with its folders');
  assert.equal(locateNotebook('/home/a/lost/churn.ipynb', ['/w/proj'], exists), '/w/proj/churn.ipynb', 'the file name alone last');
  assert.equal(locateNotebook('/home/a/gone.ipynb', ['/w/proj'], exists), undefined);
});
