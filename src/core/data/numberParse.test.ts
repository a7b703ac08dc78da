import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecimalParser, parseNumberText } from './numberParse';
import { Rng } from '../util/rng';

const parser = new DecimalParser();
const enc = new TextEncoder();

/** What the CSV reader does with one cell: the byte fast path, else Number() on the text. */
function parseCell(s: string): { value: number; fast: boolean } {
  const b = enc.encode(s);
  const v = parser.parse(b, 0, b.length);
  if (!Number.isNaN(v) && parser.end === b.length) return { value: v, fast: true };
  return { value: parseNumberText(s) ?? NaN, fast: false };
}

function bits(x: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0).toString(16);
}

function assertExact(s: string): boolean {
  const { value, fast } = parseCell(s);
  const expected = Number(s);
  if (!Object.is(value, expected)) assert.fail(`${s}: got ${value} (${bits(value)}), Number() gives ${expected} (${bits(expected)})`);
  return fast;
}

function randomDouble(rng: Rng): number {
  const v = new DataView(new ArrayBuffer(8));
  for (;;) {
    v.setUint32(0, (rng.next() * 2 ** 32) >>> 0);
    v.setUint32(4, (rng.next() * 2 ** 32) >>> 0);
    const x = v.getFloat64(0);
    if (Number.isFinite(x)) return x;
  }
}

test('random doubles printed at full precision parse bit for bit like Number()', () => {
  const rng = new Rng(1);
  for (let i = 0; i < 30_000; i++) {
    const x = randomDouble(rng);
    assertExact(String(x));
    assertExact(x.toPrecision(17));
    assertExact(x.toExponential(16));
  }
});

test('data-like doubles take the fast path and stay exact', () => {
  const rng = new Rng(2);
  let fast = 0;
  let total = 0;
  for (let i = 0; i < 40_000; i++) {
    const x = rng.normal() * 10 ** (rng.int(9) - 4);
    for (const s of [String(x), x.toFixed(rng.int(10)), x.toPrecision(1 + rng.int(17))]) {
      total++;
      if (assertExact(s)) fast++;
    }
  }
  // Without the fast path every cell would go through a string; it must cover nearly all.
  assert.ok(fast / total > 0.99, `fast path took only ${fast} of ${total}`);
});

test('random digit strings of 1 to 25 digits with exponents parse exactly', () => {
  const rng = new Rng(3);
  for (let i = 0; i < 40_000; i++) {
    const nd = 1 + rng.int(25);
    let digits = '';
    for (let k = 0; k < nd; k++) digits += String(rng.int(10));
    const dot = rng.int(nd + 1);
    let s = `${rng.next() < 0.5 ? '-' : ''}${digits.slice(0, dot)}.${digits.slice(dot)}`;
    if (s.endsWith('.') && rng.next() < 0.5) s = s.slice(0, -1);
    if (rng.next() < 0.5) s += `e${rng.int(60) - 30}`;
    if (/^-?\.?(e|$)/.test(s)) continue;
    assertExact(s);
  }
});

test('decimal midpoints between adjacent doubles round half to even, as Number() does', () => {
  const rng = new Rng(4);
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 5_000; i++) {
    const x = rng.next() * 10 ** rng.int(6);
    if (x === 0) continue;
    view.setFloat64(0, x);
    view.setBigUint64(0, view.getBigUint64(0) + 1n);
    const y = view.getFloat64(0);
    // Exact decimal expansion of (x + y) / 2 via BigInt.
    const scale = 10n ** 80n;
    const exact = (v: number): bigint => {
      let m = v;
      let k = 0n;
      while (!Number.isInteger(m)) {
        m *= 2;
        k++;
      }
      return (BigInt(m) * scale) / (1n << k);
    };
    const mid = (exact(x) + exact(y)) / 2n;
    const str = mid.toString().padStart(81, '0');
    const text = `${str.slice(0, -80)}.${str.slice(-80)}`.replace(/0+$/, '');
    assertExact(text);
    // Just below and above the midpoint, and the 17- to 19-digit prefixes that land near it.
    for (const cut of [17, 18, 19, 20]) assertExact(text.slice(0, text.indexOf('.') + cut));
  }
});

test('exact ties are not decided by the fast path but by Number() (round half to even)', () => {
  // 2^53 + 1 and 2^53 + 3 lie exactly between two doubles.
  assert.deepEqual(parseCell('9007199254740993'), { value: 9007199254740992, fast: false });
  assert.deepEqual(parseCell('9007199254740995'), { value: 9007199254740996, fast: false });
  assert.deepEqual(parseCell('9007199254740994'), { value: 9007199254740994, fast: true });
});

test('edge cases of the syntax', () => {
  for (const s of ['0', '-0', '+0', '0.0', '-0.0', '00012', '1.', '.5', '-.5', '+1.5', '1e5', '1E+5', '1e-5', '1.5e308',
    '1e309', '-1e309', '4.9e-324', '2e-324', '1e-400', '123456789012345678901234567890', '9007199254740993',
    '0.1', '0.30000000000000004', '1e22', '1e23', '9999999999999999e22', '1.7976931348623157e308',
    '2.2250738585072014e-308', '0.000000000000000000000000000001']) {
    assertExact(s);
  }
  assert.ok(Object.is(parseCell('-0').value, -0));
  for (const s of ['', '-', '+', '.', 'e5', '1e', '1e+', '1.2.3', '0x10', '1_000', 'abc', '--1', '1-', 'Infinityx']) {
    assert.equal(parseNumberText(s), undefined, s);
  }
});

test('special numbers: inf and Infinity with sign, any case', () => {
  assert.equal(parseNumberText('inf'), Infinity);
  assert.equal(parseNumberText('-Inf'), -Infinity);
  assert.equal(parseNumberText('+Infinity'), Infinity);
  assert.equal(parseNumberText('-INFINITY'), -Infinity);
  assert.equal(parseNumberText('NaN'), undefined, 'NaN is a missing marker, not a number');
});

test('the parser stops at the first byte that is not part of the number', () => {
  const b = enc.encode('12.5,7');
  assert.equal(parser.parse(b, 0, b.length), 12.5);
  assert.equal(parser.end, 4);
  assert.equal(parser.parse(b, 5, b.length), 7);
  assert.equal(parser.end, 6);
  // `limit` is respected even when more digits follow in the buffer.
  assert.equal(parser.parse(b, 0, 2), 12);
  assert.equal(parser.end, 2);
});
