import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './ast';
import { tokenize } from './tokenize';

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.text}`);

test('words keep dots, slashes, colons and dashes; operators split without spaces', () => {
  assert.deepEqual(kinds('metrics.val/loss>=-1e-3'), ['word:metrics.val/loss', 'op:>=', 'number:-1e-3', 'eof:']);
  assert.deepEqual(kinds("tags.a:b-c<>'x'"), ['word:tags.a:b-c', 'op:<>', "string:'x'", 'eof:']);
  assert.deepEqual(kinds('a==b!=c'), ['word:a', 'op:==', 'word:b', 'op:!=', 'word:c', 'eof:']);
});

test('a minus before a letter is its own token (sort prefix, -Infinity)', () => {
  assert.deepEqual(kinds('-metrics.x, -Infinity'), ['-:-', 'word:metrics.x', ',:,', '-:-', 'word:Infinity', 'eof:']);
});

test('quoted tokens record their quote and decoded value', () => {
  const [a, b, c] = tokenize('`a b` "c" \'d\'');
  assert.deepEqual([a?.kind, a?.value, a?.quote], ['name', 'a b', '`']);
  assert.deepEqual([b?.kind, b?.value, b?.quote], ['string', 'c', '"']);
  assert.deepEqual([c?.kind, c?.value, c?.quote, c?.start, c?.end], ['string', 'd', "'", 10, 13]);
});

test('non-ASCII keys are words', () => {
  assert.deepEqual(kinds('metrics.précision_µ'), ['word:metrics.précision_µ', 'eof:']);
});

test('eof sits at the end of the text', () => {
  const eof = tokenize('a  ').at(-1);
  assert.deepEqual([eof?.kind, eof?.start, eof?.end], ['eof', 3, 3]);
});

test('a bad number is one error over the whole run', () => {
  assert.throws(() => tokenize('1.2.3'), (e: unknown) => e instanceof QueryError && e.start === 0 && e.end === 5 && /invalid number "1.2.3"/.test(e.message));
});
