import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { diffCsvFiles } from '../../core/datasetDiff/diffFiles';
import { parseCsvText } from '../../core/data/csvReader';
import { writeDiffCsv } from './diffCsv';

function files(t: TestContext, a: string, b: string): [string, string] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-diffcsv-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.csv'), a);
  fs.writeFileSync(path.join(dir, 'b.csv'), b);
  return [path.join(dir, 'a.csv'), path.join(dir, 'b.csv')];
}

async function exportCsv(a: string, b: string, key: string[] | undefined): Promise<string> {
  const fd = await diffCsvFiles(a, b, key ? { key } : {});
  try {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeDiffCsv(fd, out);
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fd.dispose();
  }
}

test('keyed: one record per changed cell; added and removed rows one per cell; RFC 4180 quoting', async (t) => {
  const [a, b] = files(t,
    'id,name,score\n1,plain,1.5\n2,"has, comma",2\n3,gone,3\n',
    'id,name,score\n1,plain,1.75\n2,"say ""hi""\nthere",2\n4,=SUM(A1),\n',
  );
  const text = await exportCsv(a, b, ['id']);
  assert.ok(text.endsWith('\r\n'));
  const lines = text.split('\r\n');
  assert.equal(lines[0], 'kind,id,column,before,after');
  const records = text.trim().split(/\r\n(?=(?:modified|added|removed),)/).slice(1).sort();
  assert.deepEqual(records, [
    'added,4,id,,4',
    'added,4,name,,\'=SUM(A1)',
    'added,4,score,,',
    'modified,1,score,1.5,1.75',
    'modified,2,name,"has, comma","say ""hi""\nthere"',
    'removed,3,id,3,',
    'removed,3,name,gone,',
    'removed,3,score,3,',
  ].sort());
  // Read back with the project's own CSV reader: quoting must round-trip.
  const frame = parseCsvText(text, 'export.csv');
  const name = frame.columns.find((c) => c.name === 'after')!;
  assert.equal(name.type, 'categorical');
  assert.ok((name.values as (string | null)[]).includes('say "hi"\nthere'), 'embedded quote and newline survive a re-read');
});

test('unkeyed: rows identified by line', async (t) => {
  const [a, b] = files(t, 'x,y\n1,a\n2,b\n', 'x,y\n1,a\n2,c\n');
  const text = await exportCsv(a, b, undefined);
  const lines = text.trim().split('\r\n');
  assert.equal(lines[0], 'kind,line,column,before,after');
  assert.deepEqual(lines.slice(1).sort(), ['added,3,x,,2', 'added,3,y,,c', 'removed,3,x,2,', 'removed,3,y,b,'].sort());
});

test('no changes: just the header', async (t) => {
  const [a, b] = files(t, 'x\n1\n', 'x\n1\n');
  assert.equal(await exportCsv(a, b, ['x']), 'kind,x,column,before,after\r\n');
});

test('waits for drain on a slow stream', async (t) => {
  const rows = Array.from({ length: 3000 }, (_, i) => `${i},${'v'.repeat(30)}${i}`);
  const [a, b] = files(t, `id,v\n${rows.join('\n')}\n`, `id,v\n${rows.map((r) => r.replace('v', 'w')).join('\n')}\n`);
  const fd = await diffCsvFiles(a, b, { key: ['id'] });
  t.after(() => fd.dispose());
  let bytes = 0;
  let writes = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      writes++;
      setImmediate(cb);
    },
  });
  await writeDiffCsv(fd, slow);
  assert.equal(fd.diff.rows.modified, 3000);
  assert.ok(writes > 1 && writes < 100, `batched writes: ${writes}`);
  assert.ok(bytes > 3000 * 40);
});
