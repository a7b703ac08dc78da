import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNetworkFits, networkCost } from './mlpMemory';
import { MlpModel } from './mlp';
import { readMlpParams } from './mlpParams';

const PLENTY = { systemBytes: 2 ** 40, heapBytes: 2 ** 40 };

test('parameters are counted as weights plus biases of every layer', () => {
  assert.equal(networkCost([4, 8, 3], 32, 100).parameters, (4 + 1) * 8 + (8 + 1) * 3);
  assert.equal(networkCost([4, 1], 32, 100).parameters, 5);
});

test('a network too big for one array is refused naming the config key, before any allocation', () => {
  assert.throws(() => checkNetworkFits([4, 65536, 65536, 65536, 3], 32, 120, PLENTY), (e: Error) =>
    e.message === 'model.params.hidden_layers [65536, 65536, 65536] makes a network of 8,590,589,955 parameters ' +
      '(4 inputs, 3 outputs), more than the 536,870,912 one array can hold: use fewer or smaller layers');
});

test('a network over the memory left is refused with the estimate and what is available', () => {
  const budget = { systemBytes: 100 * 2 ** 20, heapBytes: 2 ** 40 };
  assert.throws(() => checkNetworkFits([10, 4096, 4096, 2], 32, 1000, budget),
    /model\.params\.hidden_layers \[4096, 4096\] makes a network of 16,834,562 parameters \(10 inputs, 2 outputs\); training it needs about 6\d\d MB of memory and 100 MB is available: use fewer or smaller layers$/);
  assert.doesNotThrow(() => checkNetworkFits([10, 64, 2], 32, 1000, budget));
});

test('MlpModel.fit checks the network against its memory budget before training', async () => {
  const tiny = () => ({ systemBytes: 1024, heapBytes: 1024 });
  const model = new MlpModel('classification', readMlpParams({ hidden_layers: [64] }), tiny);
  const X = { data: new Float64Array(20), rows: 10, cols: 2 };
  const y = Float64Array.from({ length: 10 }, (_, i) => i % 2);
  await assert.rejects(model.fit(X, y, { task: 'classification', nClasses: 2 }), /makes a network of 257 parameters .* and 1 KB is available/);
  assert.throws(() => model.predict(X), /not fitted/);
});

test('hidden_layers beyond the schema bounds is refused by the params reader too (sweeps, --set)', () => {
  assert.throws(() => readMlpParams({ hidden_layers: [1_000_000_000] }), /at most 64 integers from 1 to 65536.*got \[1000000000\]/);
  assert.throws(() => readMlpParams({ hidden_layers: new Array(65).fill(1) }), /at most 64 integers/);
});
