/**
 * Hostile training configs through the real CLI: each is refused with one
 * exact `file:line:column: message` line and exit code 1 before any run is
 * created (or, where only training can tell, the run ends `failed` with a
 * clear line), and no run is left `running`.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { makeWorkspace, runCli } from '../fixtures/workspace';
import { lastErrorLine, storedRuns } from './hostileCli';

const ws = makeWorkspace();
const outside = mkdtempSync(join(tmpdir(), 'runlens-outside-'));
after(() => {
  ws.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

/** An iris config with `data` lines replaced or added, and `model` lines given. */
function iris(opts: { data?: string[]; model?: string[] } = {}): string {
  return [
    'experiment: hostile-config',
    'data:',
    ...(opts.data ?? ['  path: data/iris.csv', '  target: species']),
    ...(opts.model ?? ['model:', '  type: decision_tree']),
    '',
  ].join('\n');
}

/** Writes the config, trains it, and checks: exit 1, `<config>:<line>:<column>: <message>`, no run created. */
function expectRefused(name: string, text: string, at: string, message: string): void {
  const path = ws.write(`${name}.train.yaml`, text);
  const before = storedRuns(ws.dir).length;
  const r = runCli(ws.dir, ['train', `${name}.train.yaml`]);
  assert.equal(lastErrorLine(r), `${path}:${at}: ${message}`, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  assert.equal(r.code, 1);
  assert.equal(storedRuns(ws.dir).length, before, 'no run created');
}

describe('hostile configs', () => {
  test('an unknown key', () => {
    expectRefused('unknown', iris({ data: ['  path: data/iris.csv', '  target: species', '  colour: red'] }), '5:3',
      'unknown key "colour" in data (allowed: path, train, test, sql, train_sql, test_sql, target, positive, split, clean, features)');
  });

  test('a wrong type', () => {
    expectRefused('wrongtype', iris({ model: ['model:', '  type: decision_tree', '  params: { max_depth: deep }'] }), '7:24',
      'model.params.max_depth must be an integer ≥ 1 or null (got "deep")');
  });

  test('hidden_layers: [1000000000] is out of the schema\'s bounds', () => {
    expectRefused('huge', iris({ model: ['model:', '  type: mlp', '  params: { hidden_layers: [1000000000] }'] }), '7:29',
      'model.params.hidden_layers[0] must be an integer ≥ 1 and ≤ 65536 (got 1000000000)');
  });

  test('more layers than the schema allows', () => {
    expectRefused('deep', iris({ model: ['model:', '  type: mlp', `  params: { hidden_layers: [${new Array(65).fill(2).join(', ')}] }`] }), '7:28',
      'model.params.hidden_layers must be a list of at most 64 integers ≥ 1 and ≤ 65536 (got a list of 65 items)');
  });

  test('layers within bounds but too many parameters: the run fails naming the key, before allocating', () => {
    ws.write('wide.train.yaml', iris({ model: ['model:', '  type: mlp', '  params: { hidden_layers: [65536, 65536, 65536] }'] }));
    const r = runCli(ws.dir, ['train', 'wide.train.yaml']);
    const line = 'error: model.params.hidden_layers [65536, 65536, 65536] makes a network of 8,590,589,955 parameters (4 inputs, 3 outputs), ' +
      'more than the 536,870,912 one array can hold: use fewer or smaller layers';
    assert.equal(lastErrorLine(r), line, r.stderr);
    assert.equal(r.code, 1);
    assert.deepEqual(storedRuns(ws.dir).at(-1), { status: 'failed', error: line.replace(/^error: /, '') });
  });

  test('a negative split', () => {
    expectRefused('negsplit', iris({ data: ['  path: data/iris.csv', '  target: species', '  split: { test: -0.2 }'] }), '5:18',
      'data.split.test must be a number > 0 and < 1 (got -0.2)');
  });

  test('test: 1.5', () => {
    expectRefused('bigsplit', iris({ data: ['  path: data/iris.csv', '  target: species', '  split: { test: 1.5 }'] }), '5:18',
      'data.split.test must be a number > 0 and < 1 (got 1.5)');
  });

  test('an unknown clean.infinite and a zero max_categories', () => {
    expectRefused('badclean', iris({ data: ['  path: data/iris.csv', '  target: species', '  clean: { infinite: ignore }'] }), '5:22',
      'data.clean.infinite "ignore" is not one of: drop, clip, missing');
    expectRefused('badmax', iris({ data: ['  path: data/iris.csv', '  target: species', '  features: { max_categories: 0 }'] }), '5:31',
      'data.features.max_categories must be an integer ≥ 1 (got 0)');
  });

  test('a data path outside the workspace that does not exist names the absolute path looked for', () => {
    const rel = relative(ws.dir, join(outside, 'nope.csv'));
    expectRefused('outsidemissing', iris({ data: [`  path: ${rel}`, '  target: species'] }), '3:9',
      `data.path "${rel}" not found (looked for ${join(outside, 'nope.csv')})`);
  });

  test('a data path outside the workspace that exists is the user\'s choice: it trains, recorded by its absolute path', () => {
    copyFileSync(join(ws.dir, 'data', 'iris.csv'), join(outside, 'iris.csv'));
    const rel = relative(ws.dir, join(outside, 'iris.csv'));
    ws.write('outside.train.yaml', iris({ data: [`  path: ${rel}`, '  target: species'] }));
    const r = runCli(ws.dir, ['train', 'outside.train.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const datasets = runCli(ws.dir, ['datasets']);
    assert.match(datasets.stdout, new RegExp(join(outside, 'iris.csv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  });

  test('a YAML alias bomb is refused by the parser\'s limit, at the first alias', () => {
    const bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      bomb.push(`${name}: &${name} [${new Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expectRefused('bomb', `${bomb.join('\n')}\n${iris()}`, '2:8',
      'too many alias expansions (more than 100): aliases that repeat aliases grow exponentially (a "billion laughs"); write the values out');
  });

  test('a config that is a list', () => {
    expectRefused('list', '- experiment: h\n- data: x\n', '1:1', 'the config must be a mapping (got [{"experiment":"h"}, {"data":"x"}])');
  });

  test('an empty file', () => {
    expectRefused('empty', '', '1:1', 'the config is empty: it needs "model" and "data", or "command"');
  });

  test('no run is left running', () => {
    assert.deepEqual(storedRuns(ws.dir).filter((r) => r.status === 'running' || r.status === 'queued'), []);
  });
});
