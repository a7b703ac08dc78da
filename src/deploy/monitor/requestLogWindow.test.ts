import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readLiveWindow } from './requestLogWindow';

const dir = mkdtempSync(join(tmpdir(), 'runlens-window-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const line = (ts: number, x: number[], status = 200): string =>
  JSON.stringify({ ts, ms: 1, status, rows: x.length, inputs: { x, c: x.map((v) => `k${v}`) }, predictions: x }) + '\n';

describe('readLiveWindow', () => {
  it('takes the newest rows first, across the rotated file, in arrival order', () => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(`${file}.1`, line(1, [1, 2]) + line(2, [3, 4]));
    writeFileSync(file, line(3, [5]) + line(4, [9], 400) + line(5, [6, 7]) + '{"ts": 6, "stat');
    const w = readLiveWindow(file, { maxRows: 4 });
    assert.deepEqual(w.columns.x, [4, 5, 6, 7]);
    assert.deepEqual(w.columns.c, ['k4', 'k5', 'k6', 'k7']);
    assert.equal(w.rows, 4);
    assert.equal(w.requests, 3);
    assert.equal(w.from, 2);
    assert.equal(w.to, 5);
    assert.equal(w.skippedLines, 1, 'the torn last line');
    const all = readLiveWindow(file);
    assert.deepEqual(all.columns.x, [1, 2, 3, 4, 5, 6, 7], 'failed requests are left out');
  });

  it('reads only the tail of a large file and treats a missing file as empty', () => {
    const file = join(dir, 'b.jsonl');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => line(i, [i])).join(''));
    const w = readLiveWindow(file, { maxBytes: 500 });
    assert.ok(w.requests > 0 && w.requests < 10, `${w.requests} requests in the last 500 bytes`);
    assert.equal(w.columns.x![w.columns.x!.length - 1], 99);
    assert.equal(w.skippedLines, 0, 'the cut first line is dropped, not parsed');
    assert.deepEqual(readLiveWindow(join(dir, 'none.jsonl')), { rows: 0, requests: 0, columns: {}, from: null, to: null, skippedLines: 0 });
  });
});
