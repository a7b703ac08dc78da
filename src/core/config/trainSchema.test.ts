import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Ajv from 'ajv';
import type { SchemaNode } from './describe';
import { MODEL_TYPES, trainSchema, trainValidator } from './trainSchema';
import type { ModelParamsByType, ModelType } from './trainConfig';
import { schemaAt } from './schemaAt';

/** Every subschema with the JSON path that leads to it. */
function walk(node: unknown, at: string, visit: (s: Record<string, unknown>, at: string) => void): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    node.forEach((n, i) => walk(n, `${at}/${i}`, visit));
    return;
  }
  const s = node as Record<string, unknown>;
  visit(s, at);
  for (const [k, v] of Object.entries(s)) {
    if (['enum', 'default', 'const', 'required', 'defaultSnippets', 'examples'].includes(k)) continue;
    if (k === 'properties' || k === 'definitions') {
      for (const [name, sub] of Object.entries(v as object)) walk(sub, `${at}/${k}/${name}`, visit);
    } else {
      walk(v, `${at}/${k}`, visit);
    }
  }
}

test('the schema is draft-07 and compiles under ajv strict mode', () => {
  assert.equal((trainSchema as Record<string, unknown>).$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(typeof trainValidator(), 'function');
  const plain = new Ajv({ strict: false });
  assert.ok(plain.validateSchema(trainSchema), JSON.stringify(plain.errors));
});

test('the file on disk is what the code loads', () => {
  const onDisk = JSON.parse(fs.readFileSync(new URL('../../../schemas/train.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(onDisk, trainSchema);
});

test('every object schema with properties is closed (additionalProperties: false)', () => {
  const open: string[] = [];
  walk(trainSchema, '#', (s, at) => {
    // `then` branches only narrow a property of a closed parent; `if` tests match loosely.
    if (s.properties && s.additionalProperties !== false && !/\/(then|if)$/.test(at)) open.push(at);
  });
  assert.deepEqual(open, []);
});

test('every property has a description and a markdownDescription', () => {
  const missing: string[] = [];
  walk(trainSchema, '#', (s, at) => {
    if (!/\/properties\/[^/]+$/.test(at) || /\/(if|then)\//.test(at) || s.$ref) return;
    if (typeof s.description !== 'string' || typeof s.markdownDescription !== 'string') missing.push(at);
  });
  assert.deepEqual(missing, []);
});

test('every default is valid for its own schema', () => {
  const ajv = new Ajv({ strict: false });
  walk(trainSchema, '#', (s, at) => {
    if (!('default' in s)) return;
    const { default: value, ...rest } = s;
    assert.ok(ajv.validate(rest, value), `${at}: default ${JSON.stringify(value)} is invalid: ${ajv.errorsText()}`);
  });
});

test('model.type enum matches ModelType and each type has a params schema', () => {
  const types: Record<ModelType, true> = { linear_regression: true, logistic_regression: true, decision_tree: true, mlp: true };
  assert.deepEqual([...MODEL_TYPES].sort(), Object.keys(types).sort());
  for (const type of MODEL_TYPES) {
    const lookup = schemaAt({ model: { type } }, ['model', 'params', 'seed']);
    if (type.endsWith('regression')) assert.equal(lookup.kind, 'unknown', type);
    else assert.equal(lookup.kind, 'known', type);
  }
});

test('the params interfaces list the same names as the schema', () => {
  // Keeps trainConfig.ts in step with the schema: a key added to one only fails here.
  const names: { [K in ModelType]: Record<keyof ModelParamsByType[K], true> } = {
    linear_regression: { alpha: true, fit_intercept: true },
    logistic_regression: { C: true, max_iter: true, tol: true, fit_intercept: true },
    decision_tree: { criterion: true, max_depth: true, min_samples_split: true, min_samples_leaf: true, max_features: true, seed: true },
    mlp: {
      hidden_layers: true, activation: true, optimizer: true, learning_rate: true, batch_size: true, epochs: true,
      alpha: true, early_stopping: true, patience: true, validation_fraction: true, seed: true,
    },
  };
  const defs = (trainSchema as { definitions: Record<string, SchemaNode> }).definitions;
  const def: Record<ModelType, string> = {
    linear_regression: 'linearRegressionParams', logistic_regression: 'logisticRegressionParams', decision_tree: 'decisionTreeParams', mlp: 'mlpParams',
  };
  for (const type of MODEL_TYPES as ModelType[]) {
    assert.deepEqual(Object.keys(defs[def[type]]!.properties!).sort(), Object.keys(names[type]).sort(), type);
  }
});

test('the validator accepts the documented top-level keys and rejects others', () => {
  const validate = trainValidator();
  const base = { data: { path: 'a.csv', target: 'y' }, model: { type: 'mlp' } };
  assert.ok(validate({ ...base, experiment: 'e', name: 'n', task: 'regression', seed: 1, description: 'd', tags: { a: 'b' } }));
  assert.ok(validate({ command: ['python', 'x.py'], params: { lr: 0.1, layers: [1, 2] }, env: { A: 'b' }, cwd: '.' }));
  assert.ok(validate({ command: '{{python}} x.py', args: '--{key}={value}', timeout: 0.5 }));
  assert.equal(validate({ command: 'x', timeout: 0 }), false);
  assert.equal(validate({ command: 'x', env: { 'A=B': 'c' } }), false);
  assert.equal(validate({ ...base, extra: 1 }), false);
});
