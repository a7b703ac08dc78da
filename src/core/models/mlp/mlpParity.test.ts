/**
 * `mlp` against scikit-learn 1.2's MLPClassifier (Debian's python3-sklearn)
 * on two real data sets it ships, breast cancer and wine: the same split and
 * standard scaling (scripts/sklearn/mlpReference.py writes them, as
 * reference.py does for the other parity tests), one hidden
 * layer of 32 relu units, Adam, the same epochs and batch size on both
 * sides. Test accuracy is averaged over three seeds per side, since one
 * test row of wine is already 0.022 of accuracy.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { PYTHON, readCsv, sklearnAvailable } from '../../../../scripts/sklearn/referenceRunner';
import { missingTool } from '../../../../test/fixtures/requiredTool';
import { createModel } from '../registry';
import { tfjsRuntime } from './tfjsRuntime';

const execFileAsync = promisify(execFile);

interface Split {
  readonly train: string;
  readonly test: string;
  readonly classes: number;
}

interface ParityReference {
  readonly datasets: Record<string, Split>;
  readonly fits: readonly { readonly name: string; readonly seed: number; readonly accuracy: number }[];
}

const DATA_SETS = ['breast_cancer', 'wine'] as const;
const SEEDS = [0, 1, 2];
const SETTINGS = { hidden: [32], activation: 'relu', batch_size: 64, epochs: 100, learning_rate: 0.001, alpha: 1e-4 };
const TOLERANCE = 0.04;
const SCRIPT = join(__dirname, '..', '..', '..', '..', 'scripts', 'sklearn', 'mlpReference.py');

const available = sklearnAvailable();
let dir = '';
let ref: ParityReference = { datasets: {}, fits: [] };

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('mlp parity with scikit-learn MLPClassifier', { skip: missingTool(available, `scikit-learn (with numpy and pandas) for ${PYTHON}`, 'sklearn') }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runlens-'));
    const job = join(dir, 'parity.json');
    writeFileSync(job, JSON.stringify({ outdir: dir, datasets: DATA_SETS, seeds: SEEDS, ...SETTINGS }));
    // TensorFlow.js loads while Python fits.
    const [out] = await Promise.all([execFileAsync(PYTHON, [SCRIPT, 'parity', job], { encoding: 'utf8' }), tfjsRuntime()]);
    ref = JSON.parse(out.stdout) as ParityReference;
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const name of DATA_SETS) {
    test(`${name}: test accuracy within ${TOLERANCE} of scikit-learn's`, async (t) => {
      const split = ref.datasets[name];
      const train = readCsv(split.train);
      const testSet = readCsv(split.test);
      const ours: number[] = [];
      for (const seed of SEEDS) {
        const m = createModel('mlp', { hidden_layers: SETTINGS.hidden, activation: 'relu', optimizer: 'adam', batch_size: SETTINGS.batch_size, epochs: SETTINGS.epochs, learning_rate: SETTINGS.learning_rate, alpha: SETTINGS.alpha, seed }, 'classification');
        await m.fit(train.X, train.y, { task: 'classification', nClasses: split.classes });
        const pred = m.predict(testSet.X);
        ours.push(pred.filter((v, i) => v === testSet.y[i]).length / pred.length);
      }
      const theirs = ref.fits.filter((f) => f.name === name).map((f) => f.accuracy);
      assert.equal(theirs.length, SEEDS.length, 'scikit-learn fitted every seed');
      t.diagnostic(`RunLens ${ours.map((a) => a.toFixed(4)).join(', ')} (mean ${mean(ours).toFixed(4)}); scikit-learn ${theirs.map((a) => a.toFixed(4)).join(', ')} (mean ${mean(theirs).toFixed(4)})`);
      assert.ok(mean(ours) >= mean(theirs) - TOLERANCE, `mean test accuracy ${mean(ours).toFixed(4)} vs scikit-learn ${mean(theirs).toFixed(4)}`);
    });
  }
});
