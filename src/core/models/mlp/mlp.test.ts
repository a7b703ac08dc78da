import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DenseMatrix } from '../../data/frame';
import type { FitProgress } from '../model';
import { createModel, modelFromJSON } from '../registry';
import { Rng } from '../../util/rng';
import { makeClassification } from '../syntheticData';
import type { MlpModel } from './mlp';
import { tfjsRuntime } from './tfjsRuntime';

function mlp(params: Record<string, unknown>, task: 'classification' | 'regression' = 'classification'): MlpModel {
  return createModel('mlp', params, task) as MlpModel;
}

function accuracy(pred: Float64Array, y: Float64Array): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hits++;
  return hits / y.length;
}

const xor = { X: { data: Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]), rows: 4, cols: 2 }, y: Float64Array.from([0, 1, 1, 0]) };

/** y = 1.5 x0 − 2 x1 + 0.5 x2 + 0.3 + N(0, 0.1²). */
function noisyLinear(rows: number, seed: number): { X: DenseMatrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < 3; j++) data[i * 3 + j] = rng.normal();
    y[i] = 1.5 * data[i * 3] - 2 * data[i * 3 + 1] + 0.5 * data[i * 3 + 2] + 0.3 + 0.1 * rng.normal();
  }
  return { X: { data, rows, cols: 3 }, y };
}

const blobs = makeClassification({ rows: 300, cols: 4, informative: 3, redundant: 0, classes: 3, clustersPerClass: 1, classSep: 2, seed: 11 });

test('learns XOR (4 points, tanh) to 100% accuracy', async () => {
  const m = mlp({ hidden_layers: [8], activation: 'tanh', learning_rate: 0.05, batch_size: 4, epochs: 200, seed: 1 });
  await m.fit(xor.X, xor.y, { task: 'classification', nClasses: 2 });
  assert.deepEqual(Array.from(m.predict(xor.X)), [0, 1, 1, 0]);
  const proba = m.predictProba(xor.X);
  for (let i = 0; i < 4; i++) assert.ok(proba.data[2 * i + xor.y[i]] > 0.8, `row ${i}: p(true class) ${proba.data[2 * i + xor.y[i]]}`);
});

test('fits a noisy linear regression to the noise level', async () => {
  const train = noisyLinear(400, 1);
  const test_ = noisyLinear(200, 2);
  const m = mlp({ hidden_layers: [16], activation: 'tanh', learning_rate: 0.01, epochs: 150, seed: 3 }, 'regression');
  await m.fit(train.X, train.y, { task: 'regression' });
  const pred = m.predict(test_.X);
  let se = 0;
  for (let i = 0; i < pred.length; i++) se += (pred[i] - test_.y[i]) ** 2;
  // The noise variance is 0.01: a test MSE under 0.02 means the line was found.
  assert.ok(se / pred.length < 0.02, `test MSE ${se / pred.length}`);
  assert.throws(() => m.predictProba(test_.X), /classification/);
});

test('softmax for 3 classes: probabilities sum to 1 and the classes are learnt', async () => {
  const m = mlp({ hidden_layers: [16], learning_rate: 0.01, epochs: 60, seed: 2 });
  await m.fit(blobs.X, blobs.y, { task: 'classification', nClasses: 3 });
  const proba = m.predictProba(blobs.X);
  assert.equal(proba.cols, 3);
  for (let i = 0; i < proba.rows; i++) {
    const s = proba.data[3 * i] + proba.data[3 * i + 1] + proba.data[3 * i + 2];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
  assert.ok(accuracy(m.predict(blobs.X), blobs.y) > 0.9);
});

test('the same seed and data give bitwise identical weights; another seed does not', async () => {
  const params = { hidden_layers: [8, 4], optimizer: 'adam', learning_rate: 0.01, epochs: 10, batch_size: 16, seed: 42 };
  const fit = async (seed: number) => {
    const m = mlp({ ...params, seed });
    await m.fit(blobs.X, blobs.y, { task: 'classification', nClasses: 3 });
    return Buffer.from(m.parameters().buffer);
  };
  const a = await fit(42);
  assert.ok(a.equals(await fit(42)), 'same seed, same weights');
  assert.ok(!a.equals(await fit(43)), 'a different seed changes the weights');
});

test('JSON round trip gives identical predictions and float32 weights', async () => {
  for (const task of ['classification', 'regression'] as const) {
    const d = task === 'classification' ? blobs : noisyLinear(100, 4);
    const m = mlp({ hidden_layers: [6, 5], activation: 'sigmoid', optimizer: 'sgd', learning_rate: 0.05, epochs: 5, seed: 9 }, task);
    await m.fit(d.X, d.y, { task, featureNames: ['a', 'b', 'c', 'd'].slice(0, d.X.cols) });
    const back = modelFromJSON(JSON.parse(JSON.stringify(m.toJSON()))) as MlpModel;
    assert.equal(back.task, task);
    assert.ok(Buffer.from(back.parameters().buffer).equals(Buffer.from(m.parameters().buffer)), 'weights bit for bit');
    assert.deepEqual(back.predict(d.X), m.predict(d.X));
    if (task === 'classification') assert.deepEqual(back.predictProba(d.X), m.predictProba(d.X));
    assert.deepEqual(back.toJSON(), m.toJSON());
  }
  assert.throws(() => modelFromJSON({ type: 'mlp', task: 'regression', params: {}, sizes: [3, 1], nClasses: 0, parameters: [1, 2] }), /parameters has 2 values, expected 4/);
});

test('early stopping stops patience epochs after the best validation loss and keeps the best epoch', async () => {
  // Random labels: the validation loss bottoms out within a few epochs while the net memorises.
  const rng = new Rng(5);
  const X = { data: Float64Array.from({ length: 200 * 10 }, () => rng.normal()), rows: 200, cols: 10 };
  const y = Float64Array.from({ length: 200 }, () => rng.int(2));
  const m = mlp({ hidden_layers: [64], learning_rate: 0.01, batch_size: 16, epochs: 300, early_stopping: true, patience: 4, validation_fraction: 0.2, seed: 1 });
  const points: FitProgress[] = [];
  await m.fit(X, y, { task: 'classification', nClasses: 2, onProgress: (p) => points.push(p) });
  const info = m.fitInfo!;
  assert.ok(info.stoppedEarly && info.epochs < 300, `ran ${info.epochs} epochs`);
  assert.equal(info.epochs, info.bestEpoch + 4);
  assert.equal(points.length, info.epochs);
  const losses = points.map((p) => p.metrics.val_loss);
  assert.equal(Math.min(...losses), losses[info.bestEpoch - 1]);
  assert.ok(losses.slice(info.bestEpoch).every((l) => l >= losses[info.bestEpoch - 1]));
});

test('onProgress: one point per epoch with the documented keys', async () => {
  const cases = [
    { task: 'classification' as const, d: blobs, early: false, keys: ['train_loss'] },
    { task: 'classification' as const, d: blobs, early: true, keys: ['train_loss', 'val_accuracy', 'val_loss'] },
    { task: 'regression' as const, d: noisyLinear(100, 6), early: true, keys: ['train_loss', 'val_loss', 'val_mse'] },
  ];
  for (const c of cases) {
    const points: FitProgress[] = [];
    const m = mlp({ hidden_layers: [4], epochs: 7, early_stopping: c.early, patience: 100 }, c.task);
    await m.fit(c.d.X, c.d.y, { task: c.task, onProgress: (p) => points.push(p) });
    assert.deepEqual(points.map((p) => p.step), [1, 2, 3, 4, 5, 6, 7]);
    for (const p of points) {
      assert.equal(p.total, 7);
      assert.deepEqual(Object.keys(p.metrics).sort(), c.keys);
      for (const v of Object.values(p.metrics)) assert.ok(Number.isFinite(v));
    }
  }
});

test('validation metrics agree with the model: val_accuracy of a 3-class fit, val_mse of a regression', async () => {
  const points: FitProgress[] = [];
  const m = mlp({ hidden_layers: [16], learning_rate: 0.01, epochs: 40, early_stopping: true, patience: 40, validation_fraction: 0.3, seed: 2 });
  await m.fit(blobs.X, blobs.y, { task: 'classification', nClasses: 3, onProgress: (p) => points.push(p) });
  const last = points[points.length - 1].metrics;
  assert.ok(last.val_accuracy > 0.85, `val_accuracy ${last.val_accuracy}`);
  // Over all rows the model scores within a few points of the held-out 30%.
  assert.ok(Math.abs(accuracy(m.predict(blobs.X), blobs.y) - last.val_accuracy) < 0.08);

  const d = noisyLinear(300, 7);
  const reg: FitProgress[] = [];
  const r = mlp({ hidden_layers: [], learning_rate: 0.05, epochs: 40, early_stopping: true, patience: 40, seed: 1 }, 'regression');
  await r.fit(d.X, d.y, { task: 'regression', onProgress: (p) => reg.push(p) });
  const end = reg[reg.length - 1].metrics;
  assert.ok(end.val_mse < 0.02, `val_mse ${end.val_mse}`);
  assert.ok(Math.abs(end.val_loss - end.val_mse / 2) < 1e-9, 'val_loss is half the squared error');
});

test('an abort signal stops the fit with an AbortError, between epochs and within one', async () => {
  const ac = new AbortController();
  let epochs = 0;
  const m = mlp({ hidden_layers: [4], epochs: 50 });
  const onProgress = () => {
    if (++epochs === 3) ac.abort();
  };
  await assert.rejects(m.fit(blobs.X, blobs.y, { task: 'classification', signal: ac.signal, onProgress }), { name: 'AbortError' });
  assert.equal(epochs, 3);
  assert.throws(() => m.predict(blobs.X), /not fitted/);

  // One long epoch (batch size 1): a timer must get to run and abort it midway.
  const big = makeClassification({ rows: 20_000, cols: 10, seed: 3 });
  const late = new AbortController();
  setTimeout(() => late.abort(), 150);
  let done = 0;
  await assert.rejects(
    mlp({ hidden_layers: [32], batch_size: 1, epochs: 5 }).fit(big.X, big.y, { task: 'classification', signal: late.signal, onProgress: () => done++ }),
    { name: 'AbortError' },
  );
  assert.equal(done, 0, 'aborted inside the first epoch');
});

test('invalid params are rejected by createModel with the parameter named', () => {
  assert.throws(() => mlp({ activation: 'softsign' }), /"activation" of model "mlp" must be one of relu, tanh, sigmoid; got "softsign"/);
  assert.throws(() => mlp({ learning_rate: -0.1 }), /"learning_rate" of model "mlp" must be a number > 0; got -0.1/);
  assert.throws(() => mlp({ epochs: 0 }), /"epochs" of model "mlp" must be an integer >= 1; got 0/);
  assert.throws(() => mlp({ hidden_layers: [64, 0] }), /"hidden_layers".*list of at most 64 integers from 1 to 65536/);
  assert.throws(() => mlp({ validation_fraction: 1 }), /"validation_fraction".*< 1/);
  assert.throws(() => mlp({ optimiser: 'adam' }), /Unknown parameter "optimiser" for model "mlp"\. Valid parameters: hidden_layers, activation, optimizer,/);
  assert.equal(mlp({}, 'regression').task, 'regression');
});

test('a diverging fit fails with a message instead of NaN weights', async () => {
  const d = noisyLinear(100, 8);
  const m = mlp({ hidden_layers: [8], optimizer: 'sgd', learning_rate: 1e6, epochs: 20 }, 'regression');
  await assert.rejects(m.fit(d.X, d.y, { task: 'regression' }), /training loss became (NaN|Infinity) in epoch \d+; lower learning_rate/);
});

test('bad inputs: too few classes, mismatched predict columns', async () => {
  const m = mlp({ epochs: 1 });
  await assert.rejects(m.fit(xor.X, Float64Array.from([0, 0, 0, 0]), { task: 'classification' }), /at least 2 classes/);
  await m.fit(xor.X, xor.y, { task: 'classification' });
  assert.throws(() => m.predict({ data: new Float64Array(3), rows: 1, cols: 3 }), /fitted on 2 features, X has 3/);
});

test('records the backend as run tags and leaves no tensors behind', async () => {
  const rt = await tfjsRuntime();
  const before = rt.tf.memory().numTensors;
  const m = mlp({ hidden_layers: [8, 8], epochs: 3, early_stopping: true });
  assert.deepEqual(m.runTags(), {});
  await m.fit(blobs.X, blobs.y, { task: 'classification' });
  assert.equal(rt.tf.memory().numTensors, before);
  const tags = m.runTags();
  // Installed here: the wasm backend must load from node_modules under tsx.
  const expected = process.env.RUNLENS_TFJS_BACKEND ?? 'wasm';
  assert.equal(tags['runlens.tfjs.backend'], expected);
  if (expected === 'wasm') {
    assert.equal(tags['runlens.tfjs.threads'], '1');
    assert.equal(tags['runlens.tfjs.simd'], 'true');
  }
});
