import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName, editDistance } from './closestName';

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('set', 'set'), 0);
  assert.equal(editDistance('sett', 'set'), 1);
  assert.equal(editDistance('max_dpeth', 'max_depth'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('a misspelt flag or key gets the closest existing name', () => {
  assert.equal(closestName('--sett', ['--set', '--gate', '--name', '--tag', '--json']), '--set');
  assert.equal(closestName('--jsno', ['--set', '--json']), '--json');
  assert.equal(closestName('max_dpeth', ['min_samples_split', 'max_depth']), 'max_depth');
  assert.equal(closestName('Test_Accuracy', ['test_accuracy']), 'test_accuracy');
});

test('a name the typed one begins is suggested', () => {
  assert.equal(closestName('test_acc', ['train_loss', 'test_accuracy', 'cv_accuracy']), 'test_accuracy');
  assert.equal(closestName('--max-body', ['--port', '--max-body-bytes']), '--max-body-bytes');
});

test('nothing close enough: no suggestion', () => {
  assert.equal(closestName('--frobnicate', ['--set', '--json']), undefined);
  assert.equal(closestName('zz', ['test_accuracy']), undefined);
  assert.equal(closestName('x', []), undefined);
});
