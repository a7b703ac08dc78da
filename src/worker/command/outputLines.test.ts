import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, OutputLog, TailLines } from './outputLines';

test('LineSplitter joins chunks into lines, drops CR before LF, and flushes a last partial line', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push('runlens: met');
  s.push('ric a=1\r\nsecond\nthi');
  assert.deepEqual(lines, ['runlens: metric a=1', 'second']);
  s.end();
  assert.deepEqual(lines, ['runlens: metric a=1', 'second', 'thi']);
  s.end();
  assert.equal(lines.length, 3, 'nothing pending: no empty line');
});

test('LineSplitter passes an overlong line on in pieces instead of holding it', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), 4);
  s.push('abcdefghij');
  assert.deepEqual(lines, ['abcd', 'efgh']);
  s.push('\n');
  assert.deepEqual(lines, ['abcd', 'efgh', 'ij']);
});

test('OutputLog keeps the end of a long log and says how much it dropped', () => {
  const log = new OutputLog(10);
  assert.equal(log.empty, true);
  for (const l of ['aaaa', 'bbbb', 'cccc']) log.append(l);
  assert.equal(log.text(), '[5 earlier characters dropped]\nbbbb\ncccc\n');
});

test('TailLines keeps the last non-blank lines', () => {
  const tail = new TailLines(2);
  for (const l of ['one', '', 'two', '  ', 'three']) tail.push(l);
  assert.deepEqual(tail.all, ['two', 'three']);
});
