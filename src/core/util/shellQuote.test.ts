import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote } from './shellQuote';

const HOSTILE = [
  '',
  ' ',
  "it's",
  `"double" and 'single'`,
  '$(touch /tmp/runlens-pwned)',
  '`touch /tmp/runlens-pwned`',
  '$HOME ${HOME} $$ $1',
  'line one\nline two\n',
  'tab\there',
  'back\\slash\\',
  '; rm -rf / #',
  '*',
  '~',
  '-n',
  "'",
  "''''",
  'ünïcødé ✓',
  '!event',
];

test('plain words stay bare, the rest is single-quoted', () => {
  assert.equal(shellQuote('--partition=gpu-a100'), '--partition=gpu-a100');
  assert.equal(shellQuote('/a/b.c'), '/a/b.c');
  assert.equal(shellQuote('two words'), `'two words'`);
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(''), `''`);
});

test('bash reads every hostile value back unchanged, and runs none of it', () => {
  // printf '%s\0' prints each argument as bash received it, NUL-separated.
  const script = `printf '%s\\0' ${HOSTILE.map(shellQuote).join(' ')}`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
});

test('sh (dash) reads them back the same way', () => {
  const script = `printf '%s\\0' ${HOSTILE.map(shellQuote).join(' ')}`;
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), HOSTILE);
});
