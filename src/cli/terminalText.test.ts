import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printable, terminalSafe } from './terminalText';

test('terminalSafe escapes C0 (not tab or newline), DEL, C1 and bidi controls, visibly', () => {
  assert.equal(terminalSafe('a\x1b]0;title\x07b'), 'a\\u001b]0;title\\u0007b');
  assert.equal(terminalSafe('x\x1b[2J\r\bdone\x7f\x9b'), 'x\\u001b[2J\\r\\bdone\\u007f\\u009b');
  assert.equal(terminalSafe('evil\u202Etxt.exe \u2066i\u2069 \u202A'), 'evil\\u202etxt.exe \\u2066i\\u2069 \\u202a');
  assert.equal(terminalSafe('col\tvalue\nnext line\n'), 'col\tvalue\nnext line\n');
  assert.equal(terminalSafe('naïve — 数据 ✓ \u00a0'), 'naïve — 数据 ✓ \u00a0');
});

test('terminalSafe is idempotent and leaves JSON parsing to the same values', () => {
  const value = { name: 'a\u202Eb\x7f\x9bc\x1b[2J', n: 1 };
  const json = JSON.stringify(value);
  const shown = terminalSafe(json);
  assert.equal(terminalSafe(shown), shown);
  assert.doesNotMatch(shown, /[\u007f-\u009f\u202a-\u202e]/);
  assert.deepEqual(JSON.parse(shown), value);
});

test('printable keeps a value on one line: newline and tab escaped too', () => {
  assert.equal(printable('two\nlines\tand\r'), 'two\\nlines\\tand\\r');
});
