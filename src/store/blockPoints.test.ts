import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HistoryColumns, OpenBlockPoints, PACK_FORMAT, packPoints } from './blockPoints';

const N = 64;

/** A block from per-point generators, through OpenBlockPoints as the writer fills it. */
function block(step: (i: number) => number, ts: (i: number) => number, value: (i: number) => number): { packed: Uint8Array; cols: Float64Array } {
  const open = new OpenBlockPoints(N);
  for (let i = 0; i < N; i++) open.set(i, step(i), ts(i), value(i));
  const cols = open.cols.slice();
  const packed = open.take();
  assert.ok(packed, 'packable');
  return { packed, cols };
}

function bits(xs: Float64Array): string {
  return Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength).toString('hex');
}

/** Unpacks points [from, to) and checks them bit for bit against the columns that were packed. */
function assertRoundTrip(packed: Uint8Array, cols: Float64Array, from = 0, to = N): void {
  const out = new HistoryColumns(to - from + 2);
  assert.equal(out.unpack(packed, N, from, to, 1), true);
  assert.equal(bits(out.steps.subarray(1, 1 + to - from)), bits(cols.subarray(from, to)));
  assert.equal(bits(out.timestamps.subarray(1, 1 + to - from)), bits(cols.subarray(N + from, N + to)));
  assert.equal(bits(out.values.subarray(1, 1 + to - from)), bits(cols.subarray(2 * N + from, 2 * N + to)));
  // Nothing written outside the slot.
  assert.deepEqual([out.steps[0], out.values[to - from + 1]], [0, 0]);
}

const AWKWARD = [NaN, Infinity, -Infinity, 0.1 + 0.2, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 2 ** 63, -(2 ** 63), 1 / 3, 2 ** 53 + 2];

test('every column shape round-trips bit for bit, whole and in slices', () => {
  const cases: [string, ReturnType<typeof block>][] = [
    ['steps +1, one timestamp, smooth values', block((i) => 1000 + i, () => 1_700_000_000_000, (i) => Math.sin(i))],
    ['steps +10, timestamps a few ms apart, awkward values', block((i) => 10 * i, (i) => 1_700_000_000_000 + 7 * i + (i % 3), (i) => AWKWARD[i % AWKWARD.length])],
    ['irregular steps, timestamps minutes apart (u24), integer values', block((i) => i * i, (i) => 1_700_000_000_000 + 90_000 * i, (i) => (i % 5) - 2)],
    ['steps far apart (float64), fractional and negative timestamps', block((i) => i * i * 2 ** 40, (i) => -1.5 * i - 0.25, (i) => -i / 7)],
    ['equal steps, a timestamp of Infinity, constant values', block(() => 3, (i) => (i === 9 ? Infinity : i), () => 0.5)],
    ['hours apart (u32)', block((i) => i, (i) => 1_700_000_000_000 + 3_600_000 * i + (i % 3), (i) => i)],
    ['huge timestamps', block((i) => i, (i) => 2 ** 60 + 2 ** 10 * i, (i) => (i % 2 ? NaN : -Infinity))],
  ];
  for (const [name, { packed, cols }] of cases) {
    assert.equal(packed[0], PACK_FORMAT, name);
    assertRoundTrip(packed, cols);
    assertRoundTrip(packed, cols, 5, 6);
    assertRoundTrip(packed, cols, 0, 17);
    assertRoundTrip(packed, cols, 40, 64);
  }
});

test('NaN is canonical and -0 is 0, as a read of the rows gives them back', () => {
  const odd = new Float64Array(new BigUint64Array([0x7ff4000000000001n]).buffer)[0]; // a NaN with a payload
  const { packed } = block((i) => (i === 0 ? -0 : i), (i) => (i === 1 ? -0 : i), (i) => (i === 2 ? -0 : i === 3 ? odd : i));
  const out = new HistoryColumns(N);
  assert.ok(out.unpack(packed, N, 0, N, 0));
  assert.ok(Object.is(out.steps[0], 0) && Object.is(out.timestamps[1], 0) && Object.is(out.values[2], 0));
  assert.equal(bits(out.values.subarray(3, 4)), bits(new Float64Array([NaN])));
});

test('typical blocks stay under the ~910 bytes a metric_blocks row keeps on its page beside the roll-up', () => {
  const now = 1_700_000_000_000;
  // Steps +1, one timestamp per batch: 4 + 16 + 16 + 512.
  assert.equal(block((i) => i, () => now, Math.sin).packed.length, 548);
  // Timestamps up to 255 ms apart in all: u8 offsets.
  assert.equal(block((i) => i, (i) => now + 3 * i + (i % 2), Math.sin).packed.length, 4 + 16 + 72 + 512);
  // Within 65 s: u16.
  assert.equal(block((i) => i, (i) => now + 1000 * i + (i % 7), Math.sin).packed.length, 4 + 16 + 136 + 512);
  // A point a minute and irregular steps: u24 timestamps, u16 steps.
  assert.equal(block((i) => i * 5 + (i % 2), (i) => now + 60_000 * i + (i % 11), Math.sin).packed.length, 4 + 136 + 200 + 512);
  // Over 4.6 hours per 64 points: u32 timestamps.
  assert.equal(block((i) => i, (i) => now + 3_600_000 * i + (i % 11), Math.sin).packed.length, 4 + 16 + 264 + 512);
  // Nothing to exploit: three float64 columns (such a row overflows its page, still read right).
  assert.equal(block((i) => i * i * 2 ** 40, (i) => i + 0.5 ** i, Math.sin).packed.length, 4 + 3 * 512);
});

test('a block with a timestamp that is not a number is not packed, and the next one is', () => {
  const open = new OpenBlockPoints(N);
  for (let i = 0; i < N; i++) open.set(i, i, i === 4 ? ('5' as never) : i, i);
  assert.equal(open.take(), null);
  for (let i = 0; i < N; i++) open.set(i, i, i, i);
  assert.ok(open.take());
});

test('a blob of another format or size is refused, never misread', () => {
  const { packed } = block((i) => i, (i) => i, (i) => i / 3);
  const out = new HistoryColumns(N);
  const other = packed.slice();
  other[0] = PACK_FORMAT + 1;
  assert.equal(out.unpack(other, N, 0, N, 0), false);
  assert.equal(out.unpack(packed.subarray(0, packed.length - 8), N, 0, N, 0), false);
  const badEncoding = packed.slice();
  badEncoding[2] = 9;
  assert.equal(out.unpack(badEncoding, N, 0, N, 0), false);
  assert.equal(out.unpack(packed, 32, 0, 32, 0), false);
  assert.equal(out.unpack(new Uint8Array(0), N, 0, N, 0), false);
});

test('packPoints works at any block size and at an unaligned offset of its input', () => {
  const cols = new Float64Array(3 * 5 + 1).map((_, i) => i * 1.25);
  const view = cols.subarray(1);
  const packed = packPoints(view, 5);
  const out = new HistoryColumns(5);
  const copy = new Uint8Array(packed.length + 3).subarray(3); // an unaligned copy of the blob
  copy.set(packed);
  assert.ok(out.unpack(copy, 5, 0, 5, 0));
  assert.equal(bits(out.values), bits(view.subarray(10, 15)));
  assert.equal(bits(out.steps), bits(view.subarray(0, 5)));
});
