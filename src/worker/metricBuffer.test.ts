import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricBuffer, type PendingPoint } from './metricBuffer';

test('flushes by size and by age, and never loses a point', () => {
  let clock = 0;
  const batches: PendingPoint[][] = [];
  const buf = new MetricBuffer((b) => batches.push(b), 3, 100, () => clock);
  buf.add([{ key: 'a', value: 1 }]);
  buf.add([{ key: 'a', value: 2 }]);
  assert.equal(batches.length, 0);
  buf.add([{ key: 'a', value: 3 }]);
  assert.equal(batches.length, 1, 'size limit flushes');
  buf.add([{ key: 'b', value: 4 }]);
  clock = 150;
  buf.add([{ key: 'b', value: 5 }]);
  assert.equal(batches.length, 2, 'age limit flushes');
  buf.add([{ key: 'c', value: NaN }]);
  buf.flush();
  buf.flush();
  assert.deepEqual(batches.map((b) => b.length), [3, 2, 1]);
  assert.ok(Number.isNaN(batches[2]![0]!.value));
});

test('a lone point is written maxAgeMs after it arrived, with no further point to trigger it', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let clock = 0;
  const batches: PendingPoint[][] = [];
  const timers = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  const buf = new MetricBuffer((b) => batches.push(b), 500, 250, () => clock, timers);
  buf.add([{ key: 'loss', value: 1, step: 1 }]);
  t.mock.timers.tick(249);
  assert.equal(batches.length, 0);
  clock = 250;
  t.mock.timers.tick(1);
  assert.deepEqual(batches, [[{ key: 'loss', value: 1, step: 1 }]]);
  // A flush before the timer cancels it: no empty write, no second write of the same point.
  buf.add([{ key: 'loss', value: 2, step: 2 }]);
  buf.flush();
  t.mock.timers.tick(1000);
  assert.equal(batches.length, 2);
  buf.dispose();
});
