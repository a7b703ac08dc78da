import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageReferenceError, defaultImageTag, parseImageReference, repositoryName } from './imageReference';

test('accepts the references docker accepts, split into their parts', () => {
  assert.deepEqual(parseImageReference('churn'), { path: 'churn' });
  assert.deepEqual(parseImageReference('runlens/churn-model:3'), { path: 'runlens/churn-model', tag: '3' });
  assert.deepEqual(parseImageReference('localhost/runlens-base:bookworm-node20'), { domain: 'localhost', path: 'runlens-base', tag: 'bookworm-node20' });
  assert.deepEqual(parseImageReference('registry.example.com:5000/team/a.b__c-d:v1.2_rc'), { domain: 'registry.example.com:5000', path: 'team/a.b__c-d', tag: 'v1.2_rc' });
  const digest = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(parseImageReference(`node@${digest}`, { allowDigest: true }), { path: 'node', digest });
  assert.deepEqual(parseImageReference(`node:20@${digest}`, { allowDigest: true }), { path: 'node', tag: '20', digest });
});

test('refuses shell metacharacters and bad grammar, naming what is wrong', () => {
  const bad: [string, RegExp][] = [
    ['x; rm -rf /', /character ";" at position 2 is not allowed/],
    ['$(id)', /character "\$" at position 1/],
    ['a`b`', /character "`"/],
    ['name with space', /character " "/],
    ['a|b', /character "\|"/],
    ['', /it is empty/],
    ['Churn:1', /must be lowercase/],
    ['churn:-x', /tag "-x" must be/],
    [`churn:${'x'.repeat(129)}`, /tag .* must be 1-128/],
    ['churn--:1', /repository name "churn--"/],
    ['/churn', /repository name/],
    ['churn:', /tag "" must be/],
    [`churn@sha256:${'a'.repeat(64)}`, /can not contain a digest/],
    ['-flag', /repository name "-flag"/],
  ];
  for (const [text, why] of bad) {
    assert.throws(() => parseImageReference(text), (e: unknown) => e instanceof ImageReferenceError && why.test(e.message) && e.message.includes(`"${text}"`), text);
  }
});

test('default tags come from the model name and version, or the run', () => {
  assert.equal(repositoryName('Churn Model_v2!'), 'churn-model-v2');
  assert.equal(repositoryName('***'), 'model');
  assert.equal(defaultImageTag({ name: 'Churn.Model', version: 3, runId: 'r' }), 'runlens/churn-model:3');
  assert.equal(defaultImageTag({ name: null, version: null, runId: 'ABCDEF0123456789' }), 'runlens/run-abcdef01:latest');
  for (const t of ['runlens/churn-model:3', 'runlens/run-abcdef01:latest']) parseImageReference(t);
});
