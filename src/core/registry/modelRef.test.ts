import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../util/errors';
import { validateAliasName, validateModelName } from './modelNames';
import { formatModelRef, parseModelRef } from './modelRef';

test('parses every reference form', () => {
  assert.deepEqual(parseModelRef('churn@production'), { kind: 'alias', name: 'churn', alias: 'production' });
  assert.deepEqual(parseModelRef('churn:3'), { kind: 'version', name: 'churn', version: 3 });
  assert.deepEqual(parseModelRef('churn:v12'), { kind: 'version', name: 'churn', version: 12 });
  assert.deepEqual(parseModelRef('churn'), { kind: 'latest', name: 'churn' });
  assert.deepEqual(parseModelRef('churn@latest'), { kind: 'latest', name: 'churn' });
  assert.deepEqual(parseModelRef('churn@LATEST'), { kind: 'latest', name: 'churn' });
  assert.deepEqual(parseModelRef('churn:latest'), { kind: 'latest', name: 'churn' });
  assert.deepEqual(parseModelRef('run:0123abcd'), { kind: 'run', runId: '0123abcd' });
  assert.deepEqual(parseModelRef('  my.model-2_b@stage-1 '), { kind: 'alias', name: 'my.model-2_b', alias: 'stage-1' });
});

test('text that cannot be a model name is a run reference', () => {
  assert.deepEqual(parseModelRef('my first run'), { kind: 'run', runId: 'my first run' });
  assert.deepEqual(parseModelRef('-odd'), { kind: 'run', runId: '-odd' });
});

test('formatModelRef round-trips', () => {
  for (const text of ['churn@production', 'churn:3', 'churn', 'run:abc']) assert.equal(formatModelRef(parseModelRef(text)), text);
});

test('malformed references are one clear UserError naming the text', () => {
  const cases: [string, RegExp][] = [
    ['', /empty model reference/],
    ['churn@', /"churn@": the alias is missing/],
    ['@prod', /"@prod": the model name is missing/],
    ['churn:', /"churn:": the version must be a whole number from 1, got ""/],
    ['churn:0', /got "0"/],
    ['churn:abc', /got "abc"/],
    ['churn:1.5', /got "1\.5"/],
    ['churn@v3', /for version 3 write churn:3/],
    ['churn@3', /for version 3 write churn:3/],
    ['bad name@prod', /invalid model name "bad name": contains " "/],
    ['churn@pro/d', /invalid alias name "pro\/d": contains "\/"/],
    ['run:', /the run is missing/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseModelRef(text), (e: unknown) => e instanceof UserError && re.test(e.message), text);
  }
});

test('names: letters, digits, -_. up to 128 characters, starting with a letter or digit', () => {
  assert.equal(validateModelName('Churn-model_v2.1'), 'Churn-model_v2.1');
  assert.equal(validateModelName('x'.repeat(128)), 'x'.repeat(128));
  assert.throws(() => validateModelName('x'.repeat(129)), /129 characters long \(at most 128\)/);
  assert.throws(() => validateModelName(''), /must not be empty/);
  assert.throws(() => validateModelName('..'), /must start with a letter or a digit/);
  assert.throws(() => validateModelName('x; rm -rf /'), /contains ";"/);
  assert.throws(() => validateModelName('churn:3'), /contains ":"/);
});

test('aliases: latest (any case) and version-like names are reserved', () => {
  assert.equal(validateAliasName('production'), 'production');
  assert.equal(validateAliasName('v2-candidate'), 'v2-candidate');
  assert.throws(() => validateAliasName('latest'), /reserved: it always means the newest version/);
  assert.throws(() => validateAliasName('Latest'), /reserved/);
  assert.throws(() => validateAliasName('v3'), /looks like a version number/);
  assert.throws(() => validateAliasName('42'), /looks like a version number/);
});
