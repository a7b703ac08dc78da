import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError } from '../data/dataError';
import { TextDictionary } from './cellHash';
import { openCsvSource } from './csvSource';
import type { CsvSource, OpenCsvOptions } from './csvSource';
import { diffCsvFiles } from './diffFiles';
import { INLINE_TEXT, NO_TEXT } from './partitions';

interface Row { line: number; values: number[]; texts: (string | undefined)[] }

/** Every row of a source, texts resolved through the dictionary when the source interned them. */
async function rowsOf(source: CsvSource, dict?: TextDictionary): Promise<Row[]> {
  const rows: Row[] = [];
  try {
    const batches = source.batches();
    for (let next = await batches.next(); next.done !== true; next = await batches.next()) {
      const s = next.value.scanner;
      for (let r = 0; r < s.rows; r++) {
        rows.push({
          line: s.lines[r],
          values: s.values.map((v) => v[r]),
          texts: s.texts.map((t, c) => {
            const id = s.ids?.[c]?.[r];
            if (id === undefined || id === INLINE_TEXT) return t?.[r];
            return id === NO_TEXT ? undefined : dict?.texts[id];
          }),
        });
      }
    }
  } finally {
    source.close();
  }
  return rows;
}

function withDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-source-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const MIXED = 'id,x,label,flag\n1,1.5,red,yes\n2,,"blue, dark",no\n\n3,NaN,"multi\nline",true\n4,7e3,red,\n5,-0,green,false\n';

test('a worker source yields the rows, lines, numbers and texts the in-thread reader does', withDir(async (dir) => {
  const path = join(dir, 'mixed.csv');
  writeFileSync(path, MIXED);
  const plain = await rowsOf(await openCsvSource(path, 'mixed.csv', { workers: 'never' }));
  assert.equal(plain.length, 5);
  assert.deepEqual(plain[2].texts, [undefined, undefined, 'multi\nline', 'true']);
  assert.equal(plain[3].line, 7, 'the blank line and the embedded newline are counted');
  const dict = new TextDictionary(100);
  for (const options of [
    { workers: 'always' },
    { workers: 'always', intern: (t: string) => dict.id(t) },
    // Texts past the worker's table travel inline; texts the dictionary refuses stay strings.
    { workers: 'always', textTableLimit: 1 },
    { workers: 'always', textTableLimit: 1, intern: (t: string) => (t === 'red' ? dict.id(t) : -1) },
  ] satisfies OpenCsvOptions[]) {
    const source = await openCsvSource(path, 'mixed.csv', options);
    assert.deepEqual(source.header, ['id', 'x', 'label', 'flag']);
    assert.deepEqual(await rowsOf(source, dict), plain, JSON.stringify({ ...options, intern: options.intern !== undefined }));
  }
}));

test('type counts add up over the batches consumed, as the in-thread reader counts them', withDir(async (dir) => {
  const path = join(dir, 'types.csv');
  const lines = ['n,b,t'];
  for (let i = 0; i < 50_000; i++) lines.push(`${i},${i % 3 === 0 ? 'yes' : 'no'},${i % 1000 === 0 ? 'x' : i}`);
  writeFileSync(path, lines.join('\n') + '\n');
  const counts = async (workers: 'always' | 'never'): Promise<unknown> => {
    const source = await openCsvSource(path, 'types.csv', { workers });
    await rowsOf(source);
    const { missing, bools, others } = source.counts;
    return { missing: [...missing], bools: [...bools], others: [...others] };
  };
  assert.deepEqual(await counts('always'), await counts('never'));
  assert.deepEqual(await counts('always'), { missing: [0, 0, 0], bools: [0, 50_000, 0], others: [0, 0, 50] });
}));

test('a malformed row fails with the same file:line:column message on a worker', withDir(async (dir) => {
  const path = join(dir, 'bad.csv');
  const good = Array.from({ length: 30_000 }, (_, i) => `${i},${i * 2}`);
  writeFileSync(path, `a,b\n${good.join('\n')}\n1,2,3\n`);
  const errorOf = async (workers: 'always' | 'never'): Promise<CsvError> => {
    const source = await openCsvSource(path, 'data/bad.csv', { workers });
    const e = await rowsOf(source).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof CsvError, `${workers}: ${String(e)}`);
    return e;
  };
  const inThread = await errorOf('never');
  const onWorker = await errorOf('always');
  assert.equal(onWorker.message, inThread.message);
  assert.match(onWorker.message, /^data\/bad\.csv:30002:3: /);
  assert.deepEqual([onWorker.file, onWorker.line, onWorker.column], ['data/bad.csv', 30002, 3]);
}));

test('header problems and missing files reject the open with a CsvError naming the file', withDir(async (dir) => {
  writeFileSync(join(dir, 'dup.csv'), 'a,b,a\n1,2,3\n');
  writeFileSync(join(dir, 'empty.csv'), '\n\n');
  for (const workers of ['always', 'never'] as const) {
    await assert.rejects(openCsvSource(join(dir, 'dup.csv'), 'dup.csv', { workers }), (e: unknown) =>
      e instanceof CsvError && e.message === 'dup.csv:1:3 (column "a"): duplicate column name "a" (columns 1 and 3)');
    await assert.rejects(openCsvSource(join(dir, 'empty.csv'), 'empty.csv', { workers }), /empty\.csv:1: the file is empty/);
    await assert.rejects(openCsvSource(join(dir, 'nope.csv'), 'nope.csv', { workers }), /nope\.csv: file not found/);
  }
}));

test('closing a worker source mid-file ends its iteration instead of leaving it waiting', withDir(async (dir) => {
  const path = join(dir, 'big.csv');
  writeFileSync(path, 'a,b\n' + Array.from({ length: 200_000 }, (_, i) => `${i},${i}`).join('\n') + '\n');
  const source = await openCsvSource(path, 'big.csv', { workers: 'always' });
  const batches = source.batches();
  const first = await batches.next();
  assert.equal(first.done, false);
  source.close();
  await assert.rejects(async () => {
    for (let next = await batches.next(); next.done !== true; next = await batches.next()) { /* drain what was queued */ }
  }, /closed/);
}));

test('an aborted diff on worker threads rejects with the reason and leaves no temp files', withDir(async (dir) => {
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  const body = Array.from({ length: 100_000 }, (_, i) => `${i},${i % 7},c${i % 5}`).join('\n');
  writeFileSync(a, `id,x,c\n${body}\n`);
  writeFileSync(b, `id,x,c\n${body}\n`);
  const temp = join(dir, 'tmp');
  const { mkdirSync, readdirSync } = await import('node:fs');
  mkdirSync(temp);
  const controller = new AbortController();
  const diff = diffCsvFiles(a, b, {
    key: ['id'], workers: 'always', tempDir: temp, signal: controller.signal,
    onProgress: (p) => {
      if (p.done > 0) controller.abort(new Error('stop'));
    },
  });
  await assert.rejects(diff, /stop/);
  assert.deepEqual(readdirSync(temp), []);
}));
