import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from './parseConfig';

function config(params: string): string {
  return ['experiment: nn', 'data:', '  path: data/wine.csv', '  target: cultivar', 'model:', '  type: mlp', '  params:', params, ''].join('\n');
}

test('an MLP with an unknown activation is a schema error on its line, naming the choices', () => {
  const { diagnostics } = parseConfigText(config('    activation: softmaxx'), 'nn.train.yaml');
  const d = diagnostics.find((x) => x.message.includes('softmaxx'));
  assert.ok(d, diagnostics.map((x) => x.message).join('\n'));
  assert.equal(d.line, 8);
  assert.equal(d.column, 17);
  assert.match(d.message, /relu/);
});

test('a negative learning rate and zero epochs are errors with line and column', () => {
  const { diagnostics } = parseConfigText(config('    learning_rate: -0.1\n    epochs: 0'), 'nn.train.yaml');
  const lr = diagnostics.find((x) => x.path === '/model/params/learning_rate');
  const ep = diagnostics.find((x) => x.path === '/model/params/epochs');
  assert.ok(lr && ep, diagnostics.map((x) => `${x.path}: ${x.message}`).join('\n'));
  assert.deepEqual([lr.line, lr.column], [8, 20]);
  assert.deepEqual([ep.line, ep.column], [9, 13]);
  assert.ok(diagnostics.every((x) => x.severity === 'error'));
});
