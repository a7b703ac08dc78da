import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecimalParser } from './numberParse';
import { Rng } from '../util/rng';

/** `parse` on a cell followed by a comma: the value (bit for bit as Number()) and where it stopped. */
function check(p: DecimalParser, text: string): void {
  const buf = Buffer.from(`${text},`);
  const v = p.parse(buf, 0, buf.length);
  const expected = Number(text);
  assert.ok(Object.is(v, expected), `${text}: ${v} !== ${expected}`);
  assert.equal(p.end, text.length, text);
}

test('the short-decimal fast path equals Number() bit for bit, up to 15 digits and just past', () => {
  const p = new DecimalParser();
  const rng = new Rng(3);
  for (const t of ['0', '-0', '-0.0', '000.000', '1.', '.5', '-.5', '+7', '007', '123456789012345', '1234567890123456', '0.000000000000001',
    '99999999999999.9', '999999999999999.9', '0.1', '-2.675', '1e5', '1.5E-3']) check(p, t);
  for (let i = 0; i < 20000; i++) {
    const intDigits = rng.int(10);
    const fracDigits = rng.int(9);
    let t = rng.next() < 0.5 ? '-' : '';
    for (let k = 0; k < intDigits; k++) t += String(rng.int(10));
    if (fracDigits > 0 || intDigits === 0) t += '.';
    for (let k = 0; k < Math.max(fracDigits, intDigits === 0 ? 1 : 0); k++) t += String(rng.int(10));
    check(p, t);
  }
});

test('not a number: end marks where the syntax stopped, value NaN', () => {
  const p = new DecimalParser();
  for (const [text, end] of [['-', 1], ['.', 1], ['abc', 0], ['1e', 2], ['1x', 1]] as const) {
    const buf = Buffer.from(text);
    const v = p.parse(buf, 0, buf.length);
    if (text === '1x') assert.equal(v, 1);
    else assert.ok(Number.isNaN(v), text);
    assert.equal(p.end, end, text);
  }
});
