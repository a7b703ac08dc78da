import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural } from './plural';

test('one is singular; zero, several and fractions take the -s', () => {
  assert.equal(plural(1, 'run'), '1 run');
  assert.equal(plural(0, 'run'), '0 runs');
  assert.equal(plural(3, 'artifact'), '3 artifacts');
  assert.equal(plural(1.5, 'second'), '1.5 seconds');
});
