import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { SpoolEvent } from './spoolEvents';
import { decodeNumber, encodeNumber, readSpoolLines, spoolLine } from './spoolEvents';

function tempFile(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-spool-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'events.jsonl');
}

const beat = (id: string, at: number): SpoolEvent => ({ t: 'heartbeat', id, at });

test('complete lines are read from an offset; a last line without its newline waits', (t) => {
  const file = tempFile(t);
  const a = spoolLine(beat('a', 1));
  const b = spoolLine(beat('b', 2));
  fs.writeFileSync(file, a + b + '{"t":"heartbeat","id":"c"');
  const first = readSpoolLines(file, 0);
  assert.deepEqual(first.lines.map((l) => l.event), [beat('a', 1), beat('b', 2)]);
  assert.deepEqual(first.lines.map((l) => l.offset), [0, Buffer.byteLength(a)]);
  assert.equal(first.nextOffset, Buffer.byteLength(a + b));
  assert.equal(first.malformed, 0);
  assert.deepEqual(readSpoolLines(file, first.nextOffset).lines, [], 'the incomplete line is not read');
  fs.appendFileSync(file, ',"at":3}\n');
  const second = readSpoolLines(file, first.nextOffset);
  assert.deepEqual(second.lines.map((l) => l.event), [beat('c', 3)]);
  assert.equal(second.nextOffset, fs.statSync(file).size);
});

test('maxBytes bounds a read, but at least one line is read; reads resume exactly where they stopped', (t) => {
  const file = tempFile(t);
  const events = Array.from({ length: 50 }, (_, i) => beat(`run-é-${i}`, i));
  fs.writeFileSync(file, events.map(spoolLine).join(''));
  const seen: SpoolEvent[] = [];
  let offset = 0;
  let reads = 0;
  for (;;) {
    const r = readSpoolLines(file, offset, 100);
    if (r.lines.length === 0) break;
    reads++;
    seen.push(...r.lines.map((l) => l.event));
    offset = r.nextOffset;
  }
  assert.deepEqual(seen, events);
  assert.ok(reads > 10, `read in small pieces (${reads})`);
  assert.equal(readSpoolLines(file, 0, 1).lines.length, 1);
});

test('lines longer than the read chunk, with multi-byte characters across chunk edges, come back whole', (t) => {
  const file = tempFile(t);
  const big: SpoolEvent = { t: 'tags', id: 'x', tags: { note: 'ü'.repeat(900_000) } };
  fs.writeFileSync(file, spoolLine(big) + spoolLine(beat('x', 1)));
  const r = readSpoolLines(file, 0);
  assert.deepEqual(r.lines.map((l) => l.event), [big, beat('x', 1)]);
});

test('a complete line that is not an event (a torn line ended by a restarted writer) is skipped and counted', (t) => {
  const file = tempFile(t);
  fs.writeFileSync(file, `${spoolLine(beat('a', 1))}{"t":"metrics","id":"a","poi\n{"t":"nonsense"}\n${spoolLine(beat('a', 2))}`);
  const r = readSpoolLines(file, 0);
  assert.deepEqual(r.lines.map((l) => l.event), [beat('a', 1), beat('a', 2)]);
  assert.equal(r.malformed, 2);
  assert.equal(r.nextOffset, fs.statSync(file).size);
});

test('a missing spool reads as empty; NaN and infinities survive JSON', (t) => {
  const file = tempFile(t);
  assert.deepEqual(readSpoolLines(file, 0), { lines: [], nextOffset: 0, malformed: 0 });
  for (const v of [0, -1.5, NaN, Infinity, -Infinity, 1e-300]) {
    const back = decodeNumber(JSON.parse(JSON.stringify(encodeNumber(v))));
    assert.ok(Object.is(back, v), String(v));
  }
});

test('stopAfter ends a read right after the line it picks; the next read goes on from there', (t) => {
  const file = tempFile(t);
  const big: SpoolEvent = { t: 'artifact', id: 'a', path: 'ckpt.pt', sha256: 'f'.repeat(64), size: 10, kind: 'file' };
  fs.writeFileSync(file, [beat('a', 1), big, beat('a', 2)].map(spoolLine).join('') + 'torn\n');
  const first = readSpoolLines(file, 0, undefined, (e) => e.t === 'artifact');
  assert.deepEqual(first.lines.map((l) => l.event.t), ['heartbeat', 'artifact']);
  const second = readSpoolLines(file, first.nextOffset, undefined, (e) => e.t === 'artifact');
  assert.deepEqual(second.lines.map((l) => l.event), [beat('a', 2)]);
  assert.deepEqual([first.malformed, second.malformed], [0, 1], 'a malformed line is counted by the read that passes it');
});
