import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfigFile, parseConfigText, validateConfig } from './parseConfig';
import { show, where } from './testing/diagnosticLines';


const DESIGN_EXAMPLE = `experiment: iris
data:
  path: data/iris.csv
  target: species
  split: { test: 0.2, seed: 42, stratify: true }
  clean: { missing: mean, outliers: none }
  features: { scale: standard, onehot: auto }
model:
  type: decision_tree            # linear_regression | logistic_regression | decision_tree | mlp | ...
  params: { max_depth: 4 }
evaluate: { cv: 5 }
sweep: { method: grid, params: { model.params.max_depth: [2, 3, 4, 6] } }
`;

const MINIMAL = `data:
  path: a.csv
  target: y
model:
  type: decision_tree
`;

test('the DESIGN.md example parses into a typed config with no diagnostics', () => {
  const r = parseConfigText(DESIGN_EXAMPLE, 'iris.train.yaml');
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.config?.experiment, 'iris');
  assert.deepEqual(r.config?.data?.split, { test: 0.2, seed: 42, stratify: true });
  assert.deepEqual(r.config?.model, { type: 'decision_tree', params: { max_depth: 4 } });
  assert.deepEqual(r.config?.sweep?.params, { 'model.params.max_depth': [2, 3, 4, 6] });
  assert.equal(r.config?.evaluate?.cv, 5);
});

test('a command config (string or list) with params, env and cwd is valid', () => {
  const a = parseConfigText('experiment: churn\ncommand: python train.py --epochs 20\nparams: { lr: 0.01 }\nenv: { CUDA_VISIBLE_DEVICES: "0" }\ncwd: scripts\n', 'c.train.yaml');
  assert.deepEqual(a.diagnostics, []);
  assert.equal(a.config?.command, 'python train.py --epochs 20');
  assert.deepEqual(a.config?.params, { lr: 0.01 });
  const b = parseConfigText('command: [python, train.py]\n', 'c.yml');
  assert.deepEqual(b.config?.command, ['python', 'train.py']);
});

test('the same config in JSON parses, and $schema is allowed there', () => {
  const json = JSON.stringify({
    $schema: '../schemas/train.schema.json',
    experiment: 'iris',
    task: 'classification',
    data: { train: 'train.csv', test: 'test.csv', target: 'species', positive: 'virginica' },
    model: { type: 'mlp', params: { hidden_layers: [32, 16], activation: 'tanh', learning_rate: 0.01, early_stopping: true } },
    sweep: { method: 'random', trials: 20, params: { 'model.params.learning_rate': { log_uniform: [1e-4, 1e-1] } }, metric: 'test_accuracy', goal: 'maximize' },
  }, null, 2);
  const r = parseConfigText(json, 'iris.train.json');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.config?.model?.params?.hidden_layers, [32, 16]);
});

test('every model type accepts its documented params', () => {
  const params: Record<string, string> = {
    linear_regression: '{ alpha: 0.5, fit_intercept: false }',
    logistic_regression: '{ C: 0.1, max_iter: 500, tol: 1e-6, fit_intercept: true }',
    decision_tree: '{ criterion: entropy, max_depth: null, min_samples_split: 4, min_samples_leaf: 2, max_features: sqrt, seed: 1 }',
    mlp: '{ hidden_layers: [64], activation: relu, optimizer: sgd, learning_rate: 0.1, batch_size: 8, epochs: 3, alpha: 0, early_stopping: true, patience: 2, validation_fraction: 0.2, seed: 7 }',
  };
  for (const [type, p] of Object.entries(params)) {
    assert.deepEqual(where(`data: { path: a.csv, target: y }\nmodel:\n  type: ${type}\n  params: ${p}\n`), [], type);
  }
});

test('anchors, aliases and merge keys work', () => {
  const text = 'data: { path: a.csv, target: y }\nmodel:\n  type: mlp\n  params:\n    <<: &base { epochs: 3, batch_size: 4 }\n    batch_size: 8\n';
  const r = parseConfigText(text, 'x.yaml');
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.config?.model?.params, { epochs: 3, batch_size: 8 });
});

test('NaN and infinities are not valid numbers for settings', () => {
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: logistic_regression\n  params: { C: .nan, tol: .inf }\n'), [
    '4:16-4:20 model.params.C must be a number > 0 (got NaN)',
    '4:27-4:31 model.params.tol must be a number > 0 (got Infinity)',
  ]);
});

test('a section given as a scalar must be a mapping', () => {
  assert.deepEqual(where('data: a.csv\nmodel: decision_tree\n'), [
    '1:7-1:12 data must be a mapping (got "a.csv")',
    '2:8-2:21 model must be a mapping (got "decision_tree")',
  ]);
});

test('tab indentation is a YAML error at the tab', () => {
  assert.deepEqual(where('experiment: x\ndata:\n\tpath: a.csv\n'), ['3:1-3:2 tabs cannot indent YAML; use spaces']);
});

test('a dedented key is a YAML error on its line', () => {
  const [d] = parseConfigText('model:\n  type: decision_tree\n params: {}\n', 'x.yaml').diagnostics;
  assert.equal(d?.line, 3);
  assert.equal(d?.column, 1);
  assert.match(d!.message, /same column/);
  assert.equal(parseConfigText('model:\n  type: decision_tree\n params: {}\n', 'x.yaml').config, undefined);
});

test('an unterminated flow list and a duplicate key are YAML errors with positions', () => {
  assert.deepEqual(where('a: 1\nexperiment: x\nexperiment: y\n'), ['3:1-3:11 duplicate key "experiment"']);
  const [d] = parseConfigText('data: { path: a.csv, target: y }\nmodel: { type: mlp, params: { hidden_layers: [1, 2 }\n', 'x.yaml').diagnostics;
  assert.equal(d?.severity, 'error');
  assert.equal(d?.line, 2);
});

test('two YAML documents in one file are rejected', () => {
  const [d] = parseConfigText(`${MINIMAL}---\nname: b\n`, 'x.yaml').diagnostics;
  assert.match(d!.message, /one YAML document/);
  assert.equal(d!.line, 6);
});

test('an empty file says what a config needs', () => {
  assert.deepEqual(where(''), ['1:1-1:1 the config is empty: it needs "model" and "data", or "command"']);
  assert.deepEqual(where('# only a comment\n'), ['1:1-1:1 the config is empty: it needs "model" and "data", or "command"']);
});

test('an unknown top-level key points at the key and suggests the near one', () => {
  const d = where('experiment: x\nmodle:\n  type: mlp\ndata: { path: a.csv, target: y }\n');
  // One error: the "needs model" it causes is said by the typo's message.
  assert.deepEqual(d, ['2:1-2:6 unknown key "modle" at the top level; did you mean "model"? (a required key)']);
});

test('a misspelt required key is one error, not a missing key and then the typo', () => {
  assert.deepEqual(where('data:\n  path: a.csv\n  taget: y\nmodel: { type: mlp }\n'),
    ['3:3-3:8 unknown key "taget" in data; did you mean "target"? (a required key)']);
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  tpye: mlp\n'),
    ['3:3-3:7 unknown key "tpye" in model; did you mean "type"? (a required key)']);
  // A missing key no typo stands for is still its own error.
  assert.deepEqual(where('data:\n  path: a.csv\n  colour: y\nmodel: { type: mlp }\n'), [
    '1:1-1:5 missing required key "target" in data',
    '3:3-3:9 unknown key "colour" in data (allowed: path, train, test, sql, train_sql, test_sql, target, positive, split, clean, features)',
  ]);
});

test('an unknown key in model lists the allowed keys', () => {
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: decision_tree\n  prams: { max_depth: 2 }\n'), [
    '4:3-4:8 unknown key "prams" in model (allowed: type, params); did you mean "params"?',
  ]);
});

test('an unknown model param lists the params of that model type', () => {
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: logistic_regression\n  params:\n    c: 1.0\n'), [
    '5:5-5:6 unknown key "c" in model.params (allowed: C, max_iter, tol, fit_intercept); did you mean "C"?',
  ]);
});

test('an unknown model type marks the value and lists the valid types', () => {
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: random_forest\n'), [
    '3:9-3:22 model.type "random_forest" is not one of: linear_regression, logistic_regression, decision_tree, mlp',
  ]);
});

test('a param of the wrong type says what it must be and what it got', () => {
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: decision_tree\n  params:\n    max_depth: four\n'), [
    '5:16-5:20 model.params.max_depth must be an integer ≥ 1 or null (got "four")',
  ]);
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel: { type: mlp, params: { early_stopping: "yes" } }\n'), [
    '2:47-2:52 model.params.early_stopping must be true or false (got "yes")',
  ]);
});

test('out-of-range values say the range', () => {
  assert.deepEqual(where('data:\n  path: a.csv\n  target: y\n  split: { test: 1.5 }\nmodel: { type: mlp }\nevaluate: { cv: 1 }\n'), [
    '4:18-4:21 data.split.test must be a number > 0 and < 1 (got 1.5)',
    '6:17-6:18 evaluate.cv must be an integer ≥ 2 (got 1)',
  ]);
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: logistic_regression\n  params: { C: 0 }\n'), [
    '4:16-4:17 model.params.C must be a number > 0 (got 0)',
  ]);
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: mlp\n  params: { hidden_layers: [64, 0] }\n'), [
    '4:33-4:34 model.params.hidden_layers[1] must be an integer ≥ 1 and ≤ 65536 (got 0)',
  ]);
});

test('max_features names all it accepts', () => {
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: decision_tree\n  params: { max_features: 1.5 }\n'), [
    '4:27-4:30 model.params.max_features must be an integer ≥ 1, a number > 0 and < 1, "sqrt", "log2" or null (got 1.5)',
  ]);
});

test('a missing target points at the data key', () => {
  assert.deepEqual(where('model: { type: mlp }\ndata:\n  path: a.csv\n'), ['2:1-2:5 missing required key "target" in data']);
});

test('neither model+data nor command is one error on the first key', () => {
  assert.deepEqual(where('experiment: x\nname: y\n'), [
    '1:1-1:11 a config needs "model" and "data" (built-in training) or "command" (script run)',
  ]);
  assert.deepEqual(where('experiment: x\nmodel: { type: mlp }\n'), ['1:1-1:11 "model" needs "data" (the CSV to train on and its "target")']);
  assert.deepEqual(where('command: python a.py\nmodel: { type: mlp }\ndata: { path: a.csv, target: y }\n'), [
    '1:1-1:8 give either "model" (built-in training) or "command" (script run), not both',
  ]);
});

test('data needs path or train+test, not both', () => {
  assert.deepEqual(where('model: { type: mlp }\ndata:\n  target: y\n'), ['2:1-2:5 "data" needs "path" (one file to split), "train" and "test", "sql" (one query to split) or "train_sql" and "test_sql"']);
  assert.deepEqual(where('model: { type: mlp }\ndata:\n  target: y\n  train: a.csv\n'), ['4:3-4:8 data has "train" but no "test"']);
  assert.deepEqual(where('model: { type: mlp }\ndata: { target: y, path: a.csv, train: b.csv, test: c.csv }\n'), [
    '2:1-2:5 give either "data.path" or "data.train" + "data.test", not both',
  ]);
});

test('data.sql is one source: not with a file, and train_sql needs test_sql; a URL names a database', () => {
  const sql = '{ url: "sqlite:shop.db", query: "SELECT * FROM t" }';
  assert.deepEqual(where(`model: { type: mlp }\ndata: { target: y, path: a.csv, sql: ${sql} }\n`), [
    '2:1-2:5 give one data source: "data.path", "data.train" + "data.test", "data.sql", or "data.train_sql" + "data.test_sql"',
  ]);
  assert.deepEqual(where(`model: { type: mlp }\ndata: { target: y, train_sql: ${sql} }\n`), ['2:20-2:29 data has "train_sql" but no "test_sql"']);
  assert.deepEqual(where(`model: { type: mlp }\ndata: { target: y, sql: ${sql} }\n`), []);
  assert.equal(where('model: { type: mlp }\ndata: { target: y, sql: { url: "mysql://db/x", query: "SELECT 1" } }\n').length, 1);
});

test('missing: constant needs fill; fill without it is a warning', () => {
  assert.deepEqual(where('model: { type: mlp }\ndata:\n  path: a.csv\n  target: y\n  clean:\n    missing: constant\n'), [
    '5:3-5:8 "missing: constant" needs a "fill" value',
  ]);
  const r = parseConfigText('model: { type: mlp }\ndata:\n  path: a.csv\n  target: y\n  clean: { missing: mean, fill: 0 }\n', 'x.yaml');
  assert.deepEqual(r.diagnostics.map(show), ['W 5:27-5:31 data.clean.fill is only used with missing: constant']);
  assert.ok(r.config, 'warnings do not withhold the config');
});

test('an enum typo gets a suggestion', () => {
  assert.deepEqual(where('task: clasification\nmodel: { type: mlp }\ndata: { path: a.csv, target: y }\n'), [
    '1:7-1:20 task "clasification" is not one of: classification, regression; did you mean "classification"?',
  ]);
});

test('tags and env values must be strings', () => {
  assert.deepEqual(where('command: run.sh\ntags: { version: 2 }\n'), ['2:18-2:19 tags.version must be a string (got 2)']);
});

test('a criterion that does not fit an explicit task is an error', () => {
  assert.deepEqual(where('task: regression\ndata: { path: a.csv, target: y }\nmodel:\n  type: decision_tree\n  params: { criterion: gini }\n'), [
    '5:24-5:28 criterion "gini" is for classification, but task is regression (use squared_error)',
  ]);
  assert.deepEqual(where('task: classification\ndata: { path: a.csv, target: y }\nmodel:\n  type: decision_tree\n  params: { criterion: squared_error }\n'), [
    '5:24-5:37 criterion "squared_error" is for regression, but task is classification (use gini or entropy)',
  ]);
  assert.deepEqual(where('data: { path: a.csv, target: y }\nmodel:\n  type: decision_tree\n  params: { criterion: squared_error }\n'), [], 'no task: no check');
  assert.deepEqual(where('task: regression\ndata: { path: a.csv, target: y }\nmodel: { type: logistic_regression }\n'), [
    '3:16-3:35 model.type logistic_regression is for classification, but task is regression',
  ]);
});

test('JSON syntax errors have positions', () => {
  assert.deepEqual(where('{\n  "experiment": "x",\n  "command": "a",\n}\n', 'c.train.json'), ['3:17-3:18 trailing comma is not allowed in JSON']);
  assert.deepEqual(where('{\n  "experiment": "x"\n  "command": "a"\n}\n', 'c.train.json'), ['3:3-3:12 unexpected string "command": expected "," or "}"']);
  assert.deepEqual(where("{ 'command': 'a' }", 'c.json'), ['1:3-1:12 JSON needs double quotes around property names']);
  assert.deepEqual(where('{ "command": tru }', 'c.json'), ['1:14-1:17 unexpected "tru": expected a value']);
  assert.deepEqual(where('{ "command": "abc', 'c.json'), ['1:14-1:18 unterminated string']);
  assert.deepEqual(where('', 'c.json'), ['1:1-1:1 unexpected end of file: expected a value']);
  assert.deepEqual(where('{ "command": "a" } x', 'c.json'), ['1:20-1:21 unexpected "x" after the end of the JSON value']);
});

test('JSON schema errors point into the JSON text', () => {
  const text = '{\n  "data": { "path": "a.csv", "target": "y" },\n  "model": { "type": "random_forest", "modle": 1 }\n}\n';
  assert.deepEqual(where(text, 'a.train.json'), [
    '3:22-3:37 model.type "random_forest" is not one of: linear_regression, logistic_regression, decision_tree, mlp',
    '3:39-3:46 unknown key "modle" in model (allowed: type, params)',
  ]);
  assert.deepEqual(where('{ "command": "a", "command": "b" }', 'a.json'), ['1:19-1:28 duplicate key "command"']);
});

test('tab-indented and one-line JSON are located by character', () => {
  const tabbed = '{\n\t"data": {\n\t\t"path": "a.csv",\n\t\t"target": "y"\n\t},\n\t"model": {\n\t\t"type": "forest"\n\t}\n}\n';
  assert.deepEqual(where(tabbed, 'a.json').map((s) => s.split(' ')[0]), ['7:11-7:19']);
  const line = '{"data":{"path":"a.csv","target":"y"},"model":{"type":"mlp","params":{"epochs":0}}}';
  assert.deepEqual(where(line, 'a.json'), ['1:80-1:81 model.params.epochs must be an integer ≥ 1 (got 0)']);
});

test('a config that is not a mapping says so', () => {
  assert.deepEqual(where('- a\n- b\n'), ['1:1-1:4 the config must be a mapping (got ["a", "b"])']);
});

test('a CSV passed as the config is quoted by its first 80 characters, not the whole file', () => {
  const csv = 'sepal_length,sepal_width,petal_length,petal_width,species\n' + '5.1,3.5,1.4,0.2,setosa\n'.repeat(150);
  const [message, ...more] = parseConfigText(csv, 'iris.csv').diagnostics.map((d) => d.message);
  assert.deepEqual(more, []);
  const folded = csv.trim().replace(/\n/g, ' ');
  assert.equal(message, `the config must be a mapping (got ${JSON.stringify(folded.slice(0, 80))}… (${folded.length} characters))`);
  assert.ok(message!.length < 140, message);
});

test('validateConfig checks an object without positions', () => {
  const d = validateConfig({ data: { path: 'a.csv', target: 'y' }, model: { type: 'decision_tree', params: { max_depth: 0 } } });
  assert.deepEqual(d, [{
    message: 'model.params.max_depth must be an integer ≥ 1 or null (got 0)', severity: 'error',
    line: 0, column: 0, endLine: 0, endColumn: 0, path: '/model/params/max_depth',
  }]);
  assert.deepEqual(validateConfig({ command: 'x' }), []);
});

test('diagnostics carry a JSON pointer path', () => {
  const r = parseConfigText(`${MINIMAL}sweep: { method: grid, params: { model.params.nope: [1] } }\n`, 'x.yaml');
  assert.equal(r.diagnostics[0]?.path, '/sweep/params/model.params.nope');
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
}

test('loadConfigFile reads the file and checks the data file next to it', () => {
  const dir = tempDir();
  try {
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'iris.csv'), 'a,species\n1,x\n');
    const file = path.join(dir, 'iris.train.yaml');
    fs.writeFileSync(file, DESIGN_EXAMPLE);
    const ok = loadConfigFile(file);
    assert.deepEqual(ok.diagnostics, []);
    assert.equal(ok.text, DESIGN_EXAMPLE);
    assert.equal(ok.config?.data?.path, 'data/iris.csv');

    fs.rmSync(path.join(dir, 'data', 'iris.csv'));
    const missing = loadConfigFile(file);
    assert.equal(missing.config, undefined);
    const abs = path.join(dir, 'data', 'iris.csv');
    assert.deepEqual(missing.diagnostics.map(show), [`3:9-3:22 data.path "data/iris.csv" not found (looked for ${abs})`]);
    const err = new ConfigError(file, missing.diagnostics);
    assert.equal(err.format(), `${file}:3:9: data.path "data/iris.csv" not found (looked for ${abs})`);
    assert.equal(err.message, err.format());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('loadConfigFile reports a file it cannot read', () => {
  const dir = tempDir();
  try {
    const r = loadConfigFile(path.join(dir, 'nope.train.yaml'));
    assert.equal(r.config, undefined);
    assert.equal(r.text, '');
    assert.deepEqual(r.diagnostics.map((d) => [d.line, d.message]), [[0, 'cannot read the config: file not found']]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ConfigError formats positions, warnings, position-less lines and a summary', () => {
  const base = { severity: 'error' as const, endLine: 0, endColumn: 0, path: '' };
  const e = new ConfigError('a.yaml', [
    { ...base, message: 'first', line: 2, column: 5 },
    { ...base, message: 'careful', severity: 'warning', line: 3, column: 1 },
    { ...base, message: 'somewhere', line: 0, column: 0 },
  ], 'cannot train');
  assert.equal(e.format(), 'a.yaml: cannot train\na.yaml:2:5: first\na.yaml:3:1: warning: careful\na.yaml: somewhere');
  assert.equal(e.file, 'a.yaml');
  assert.ok(e instanceof Error);
});
