/**
 * The shipped examples/python configs through the real CLI: the PyTorch-style
 * loop's sweep (no helper, printed metric lines) and the scikit-learn script
 * logging through the Python helper into the run RunLens created.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import { missingTool } from '../../../test/fixtures/requiredTool';
import { RunStore } from '../../store/runStore';

/** Debian's python3 (numpy, scikit-learn) when present, else whatever python3 is on the PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const hasPython = spawnSync(PYTHON, ['--version']).status === 0;
const hasSklearn = hasPython && spawnSync(PYTHON, ['-c', 'import sklearn']).status === 0;

describe('runlens on the examples/python configs', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());
  const storeDir = join(ws.dir, '.runlens');

  test('the loop example sweeps: one child run per learning rate, the script output shown', { skip: !hasPython && `no ${PYTHON}` }, () => {
    const r = runCli(ws.dir, ['sweep', 'python/loop.train.yaml', '--json', '--parallel', '3', '--set', 'params.epochs=2'], { RUNLENS_PYTHON: PYTHON });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'finished');
    assert.equal(out.metric, 'val_loss');
    assert.deepEqual(out.trials.map((t: { params: Record<string, number> }) => t.params['params.lr']).sort(), [0.05, 0.2, 0.8]);
    assert.ok(out.trials.every((t: { status: string; value: number }) => t.status === 'finished' && t.value > 0 && t.value < 1));
    assert.equal(out.best.value, Math.min(...out.trials.map((t: { value: number }) => t.value)));
    assert.match(r.stderr, /epoch 2\/2 {2}step \d+ {2}val_loss/, 'the script\'s stdout is shown');

    const store = RunStore.open(storeDir);
    try {
      for (const trial of store.listRuns({ parentId: out.id })) {
        const lr = Number(trial.params.lr);
        assert.match(store.getTags(trial.id)['runlens.command']!, new RegExp(`torch_style_loop\\.py --epochs=2 --lr=${lr} --batch_size=32 --seed=0$`));
        assert.ok(['python', 'torch'].includes(trial.params.backend!), 'the script\'s own param line');
        assert.equal(store.getTags(trial.id).data, 'synthetic');
        const curve = store.getMetricHistory(trial.id, 'train_loss').values;
        assert.ok(curve.length >= 5);
        assert.ok(curve[curve.length - 1]! < curve[0]!, `the loss goes down (lr ${lr})`);
        assert.equal(store.getMetricSummaries(trial.id).find((m) => m.key === 'val_accuracy')?.count, 2, 'one validation point per epoch');
      }
    } finally {
      store.close();
    }
  });

  test('the scikit-learn example logs through the Python helper into the run RunLens created', { skip: hasPython ? missingTool(hasSklearn, `scikit-learn for ${PYTHON}`, 'sklearn') : `no ${PYTHON}` }, () => {
    const r = runCli(ws.dir, ['train', 'python/sklearn.train.yaml', '--json'], { RUNLENS_PYTHON: PYTHON });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'finished');
    assert.equal(out.experiment, 'python-sklearn');
    assert.ok(out.metrics.test_accuracy > 0.9, JSON.stringify(out.metrics));
    assert.ok(out.metrics.training_score > out.metrics.test_accuracy - 0.1);
    // Config params, autolog's get_params() and the script's own params, all in one run.
    assert.equal(out.params.n_estimators, '100');
    assert.equal(out.params.max_depth, '6');
    assert.equal(out.params.criterion, 'gini');
    assert.equal(out.params.test_size, '0.25');
    const store = RunStore.open(storeDir);
    try {
      assert.equal(store.listRuns({ filter: 'attributes.experiment = "python-sklearn"' }).length, 1, 'the helper attached; no second run');
      const paths = store.listArtifacts(out.id).map((a) => a.path).sort();
      assert.deepEqual(paths, ['logs/output.log', 'model/model.pkl']);
      assert.equal(store.getTags(out.id).estimator_class, 'sklearn.ensemble._forest.RandomForestClassifier');
    } finally {
      store.close();
    }
  });
});
