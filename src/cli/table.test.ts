import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, formatNumber, formatAgo, formatDuration } from './table';

test('pads columns and right-aligns numbers', () => {
  const out = formatTable(['name', 'acc'], [['a', '0.9'], ['long-name', '1']]);
  assert.equal(out, ['name       acc', '---------  ---', 'a          0.9', 'long-name    1'].join('\n'));
});

test('formats special and small numbers', () => {
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '-Infinity');
  assert.equal(formatNumber(0.93333333), '0.9333');
  assert.equal(formatNumber(12), '12');
  assert.equal(formatNumber(0.00001234), '1.234e-5');
  assert.equal(formatNumber(undefined), '');
});

test('relative times and durations', () => {
  assert.equal(formatAgo(1000, 1000 + 5 * 60_000), '5m ago');
  assert.equal(formatAgo(1000, 1000 + 3 * 86_400_000), '3d ago');
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(75_000), '1m15s');
});
