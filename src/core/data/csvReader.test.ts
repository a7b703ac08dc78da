import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCsvText, readCsv } from './csvReader';
import type { CsvFrame } from './csvReader';
import type { Column } from './frame';
import { columnByName } from './frame';
import { Rng } from '../util/rng';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

function col(frame: CsvFrame, name: string): Column {
  const c = columnByName(frame, name);
  assert.ok(c, `column ${name}`);
  return c;
}

function nums(frame: CsvFrame, name: string): number[] {
  const c = col(frame, name);
  assert.notEqual(c.type, 'categorical', `${name} should be numeric, is ${c.type}`);
  return Array.from(c.values as Float64Array);
}

function texts(frame: CsvFrame, name: string): (string | null)[] {
  const c = col(frame, name);
  assert.equal(c.type, 'categorical', `${name} should be categorical`);
  return c.values as (string | null)[];
}

test('reads a simple file: header, numeric and categorical columns, row count, lines', async () => {
  const f = await readCsv(write('simple.csv', 'a,b,name\n1,2.5,x\n3,-4e2,y\n'));
  assert.deepEqual(f.columns.map((c) => [c.name, c.type]), [['a', 'numeric'], ['b', 'numeric'], ['name', 'categorical']]);
  assert.equal(f.rows, 2);
  assert.deepEqual(nums(f, 'a'), [1, 3]);
  assert.deepEqual(nums(f, 'b'), [2.5, -400]);
  assert.deepEqual(texts(f, 'name'), ['x', 'y']);
  assert.deepEqual(Array.from(f.lines), [2, 3]);
  assert.equal(f.delimiter, ',');
  assert.equal(f.source, path.join(dir, 'simple.csv'));
});

test('quoted fields: embedded delimiters, line breaks and "" escapes; lines stay physical', () => {
  const text = 'id,comment,v\n1,"hello, world",1\n2,"line one\nline two",2\n3,"she said ""hi""",3\n4,"",4\n5,"a ""b"", c\r\nd",5\n';
  const f = parseCsvText(text, 'q.csv');
  assert.deepEqual(texts(f, 'comment'), ['hello, world', 'line one\nline two', 'she said "hi"', null, 'a "b", c\r\nd']);
  assert.deepEqual(nums(f, 'v'), [1, 2, 3, 4, 5]);
  // Row 3 starts on line 5 because row 2 spans lines 3-4; row 5 spans 7-8.
  assert.deepEqual(Array.from(f.lines), [2, 3, 5, 6, 7]);
});

test('quoted numbers are numbers; text after a closing quote is kept', () => {
  const f = parseCsvText('a,b\n"1.5","x"y\n"2",z\n', 'q.csv');
  assert.deepEqual(nums(f, 'a'), [1.5, 2]);
  assert.deepEqual(texts(f, 'b'), ['xy', 'z']);
});

test('UTF-8 BOM is stripped from the first header name; non-ASCII text survives', async () => {
  const p = write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('größe,stadt\n1,Zürich\n2,東京\n')]));
  const f = await readCsv(p);
  assert.deepEqual(f.columns.map((c) => c.name), ['größe', 'stadt']);
  assert.deepEqual(texts(f, 'stadt'), ['Zürich', '東京']);
});

test('delimiter sniffing: semicolon, tab, and commas inside quotes do not fool it', () => {
  const semi = parseCsvText('a;b;c\n1;2;3\n4;5;6\n', 's.csv');
  assert.equal(semi.delimiter, ';');
  assert.deepEqual(nums(semi, 'c'), [3, 6]);
  const tab = parseCsvText('a\tb\n1,5\t2\n3\t4\n', 't.csv');
  assert.equal(tab.delimiter, '\t');
  assert.deepEqual(texts(tab, 'a'), ['1,5', '3']);
  const quoted = parseCsvText('"x,y";"z,w"\n"1,2";3\n"4,5";6\n', 'q.csv');
  assert.equal(quoted.delimiter, ';');
  assert.deepEqual(quoted.columns.map((c) => c.name), ['x,y', 'z,w']);
  const one = parseCsvText('only\n1\n2\n', 'o.csv');
  assert.equal(one.delimiter, ',');
  assert.deepEqual(nums(one, 'only'), [1, 2]);
  const forced = parseCsvText('a;b\n1;2\n', 'f.csv', { delimiter: ',' });
  assert.deepEqual(forced.columns.map((c) => c.name), ['a;b']);
});

test('CRLF, lone CR and blank lines', () => {
  const crlf = parseCsvText('a,b\r\n1,2\r\n\r\n3,4\r\n', 'crlf.csv');
  assert.deepEqual(nums(crlf, 'b'), [2, 4]);
  assert.deepEqual(Array.from(crlf.lines), [2, 4]);
  const cr = parseCsvText('a,b\r1,2\r3,4', 'cr.csv');
  assert.deepEqual(nums(cr, 'a'), [1, 3]);
  assert.deepEqual(Array.from(cr.lines), [2, 3]);
  const lead = parseCsvText('\n\na,b\n1,2', 'lead.csv');
  assert.deepEqual(Array.from(lead.lines), [4]);
  assert.deepEqual(nums(lead, 'b'), [2]);
});

test('missing markers become NaN / null in every column type', () => {
  const markers = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '  ', ' NA '];
  const lines = markers.map((m, i) => `${i},${m},${m},${m}`);
  const f = parseCsvText(`i,num,cat,flag\n${lines.join('\n')}\n10,1.5,x,true\n`, 'm.csv');
  assert.equal(col(f, 'num').type, 'numeric');
  assert.equal(col(f, 'flag').type, 'boolean');
  assert.ok(nums(f, 'num').slice(0, markers.length).every(Number.isNaN));
  assert.ok(nums(f, 'flag').slice(0, markers.length).every(Number.isNaN));
  assert.deepEqual(texts(f, 'cat'), [...markers.map(() => null), 'x']);
  assert.equal(f.columnInfo.find((c) => c.name === 'num')?.missing, markers.length);
  // Other spellings are data, not missing.
  const g = parseCsvText('c\nNone\nnone\nNa\n', 'g.csv');
  assert.deepEqual(texts(g, 'c'), [null, 'none', 'Na']);
});

test('type inference: numeric, boolean words, 0/1 stays numeric, text, all missing, infinities', () => {
  const f = parseCsvText([
    'n,b,z,t,e,inf',
    '1,True,0,a,,inf',
    '2.5,no,1,1,,-Infinity',
    '-3,YES,1,b,NA,7',
    '4,false,0,c,,8',
  ].join('\n'), 'types.csv');
  assert.deepEqual(f.inferredTypes, { n: 'numeric', b: 'boolean', z: 'numeric', t: 'categorical', e: 'numeric', inf: 'numeric' });
  assert.deepEqual(nums(f, 'b'), [1, 0, 1, 0]);
  assert.deepEqual(nums(f, 'z'), [0, 1, 1, 0]);
  assert.deepEqual(texts(f, 't'), ['a', '1', 'b', 'c']);
  assert.ok(nums(f, 'e').every(Number.isNaN));
  assert.deepEqual(nums(f, 'inf'), [Infinity, -Infinity, 7, 8]);
});

test('categorical columns keep the exact text of numeric-looking cells', () => {
  const f = parseCsvText('code,v\n007,1\nA12,2\n1.50,3\n"00",4\n 5 ,5\n', 'codes.csv');
  assert.deepEqual(texts(f, 'code'), ['007', 'A12', '1.50', '00', ' 5 ']);
});

test('a numeric column with a few stray strings is inferred mostly-numeric, with its first bad cell', () => {
  const rows = Array.from({ length: 60 }, (_, i) => `${i},${i === 17 ? 'oops' : i === 23 ? '?' : i * 1.5}`);
  const f = parseCsvText(`id,x\n${rows.join('\n')}\n`, 'mostly.csv');
  assert.equal(f.inferredTypes.x, 'mostly-numeric');
  const info = f.columnInfo.find((c) => c.name === 'x');
  assert.deepEqual(info?.firstBad, { row: 17, line: 19, text: 'oops' });
  assert.equal(info?.badCells, 2);
  assert.equal(col(f, 'x').type, 'categorical', 'kept as text until the pipeline decides');
  // Mostly text is plain categorical.
  const g = parseCsvText('x\n1\na\nb\nc\n', 'cat.csv');
  assert.equal(g.inferredTypes.x, 'categorical');
  // Small files: one stray cell among at least four numbers still counts.
  assert.equal(parseCsvText('x\n1\n2\nbad\n3\n4\n', 's.csv').inferredTypes.x, 'mostly-numeric');
  assert.equal(parseCsvText('x\n1\n2\nbad\n3\n', 's.csv').inferredTypes.x, 'categorical');
  // A stray boolean word is a bad cell too.
  assert.equal(parseCsvText('x\n1\n2\nyes\n3\n4\n', 's.csv').inferredTypes.x, 'mostly-numeric');
});

test('spaces around numbers are allowed; header names are trimmed; empty names become Unnamed: i', () => {
  const f = parseCsvText(' a , ,c\n 1 ,2, 3.5\n', 'sp.csv');
  assert.deepEqual(f.columns.map((c) => c.name), ['a', 'Unnamed: 1', 'c']);
  assert.deepEqual(nums(f, 'c'), [3.5]);
  assert.deepEqual(nums(f, 'a'), [1]);
});

test('a trailing delimiter means an empty last field', () => {
  const f = parseCsvText('a,b\n1,\n2,3', 'trail.csv');
  assert.ok(Number.isNaN(nums(f, 'b')[0]));
  assert.equal(nums(f, 'b')[1], 3);
});

test('numbers read from a file equal Number() of their text, bit for bit', async () => {
  const rng = new Rng(11);
  const values: string[] = [];
  const lines = ['x,y,z'];
  for (let i = 0; i < 3000; i++) {
    const row = [String(rng.normal() * 1e3), (rng.normal() * 1e-7).toExponential(16), (rng.next() * 1e15).toPrecision(17)];
    values.push(...row);
    lines.push(row.join(','));
  }
  const f = await readCsv(write('exact.csv', lines.join('\n')));
  const got: number[] = [];
  for (let r = 0; r < f.rows; r++) for (const c of f.columns) got.push((c.values as Float64Array)[r]);
  got.forEach((v, i) => assert.ok(Object.is(v, Number(values[i])), `${values[i]} read as ${v}`));
});

test('files bigger than a read chunk: rows and quoted line breaks across chunk edges read the same as in memory', async () => {
  const rng = new Rng(5);
  const lines = ['id,text,value,flag,w'];
  for (let i = 0; i < 120_000; i++) {
    const text = i % 7 === 0 ? `"multi\nline, ""quoted"" ${i}"` : i % 5 === 0 ? '' : `word${i % 13}`;
    lines.push(`${i},${text},${rng.normal()},${i % 2 === 0 ? 'yes' : 'no'},${rng.normal()}`);
  }
  const content = lines.join('\r\n') + '\r\n';
  assert.ok(content.length > 5 * 1024 * 1024, 'spans several chunks');
  const fromFile = await readCsv(write('big.csv', content));
  const inMemory = parseCsvText(content, path.join(dir, 'big.csv'));
  assert.equal(fromFile.rows, 120_000);
  assert.deepEqual(fromFile.columns, inMemory.columns);
  assert.deepEqual(Array.from(fromFile.lines), Array.from(inMemory.lines));
  assert.equal(fromFile.lines[7], 10, 'row 0 spans lines 2-3');
  assert.equal(fromFile.lines[8], 12, 'row 7 spans lines 10-11');
  assert.equal(texts(fromFile, 'text')[14], 'multi\nline, "quoted" 14');
});

test('a categorical column that also holds numbers keeps raw text when read in chunks', async () => {
  const lines = ['k,v'];
  for (let i = 0; i < 200_000; i++) lines.push(`${i === 150_000 ? 'x' : String(i).padStart(6, '0')},${i}`);
  const f = await readCsv(write('codes-big.csv', lines.join('\n')));
  const k = texts(f, 'k');
  assert.equal(k[0], '000000');
  assert.equal(k[149_999], '149999');
  assert.equal(k[150_000], 'x');
});

test('readCsv with hash gives the sha256 of the bytes; displayPath names the file', async () => {
  const g = await readCsv(write('h.csv', 'a\n1\n'), { hash: true, displayPath: 'data/h.csv' });
  assert.equal(g.sha256, '309b0e45a73d3fc5325e2b6ed0a01ef8b9cde6b05a5633c1f893f970d52bfddc');
  assert.equal(g.source, 'data/h.csv');
  const h = await readCsv(write('h2.csv', 'a\n1\n'));
  assert.equal(h.sha256, undefined);
});

test('lines of spaces are blank lines (before the header too); in a one-column file a blank cell is missing', () => {
  const f = parseCsvText('  \n a,b\n1,2\n   \n3,4\n \t \n', 'ws.csv');
  assert.deepEqual(nums(f, 'a'), [1, 3]);
  assert.deepEqual(Array.from(f.lines), [3, 5]);
  const tabs = parseCsvText('a\tb\n1\t2\n\t\n', 'tabs.tsv');
  assert.equal(tabs.rows, 2, 'a line of one tab is a row of two empty fields in a tab-separated file');
  const one = parseCsvText('a\n1\n  \n2\n', 'one.csv');
  assert.equal(one.rows, 3);
  assert.ok(Number.isNaN(nums(one, 'a')[1]));
});

test('a file quoting every cell reads the same numbers as an unquoted one', async () => {
  const rng = new Rng(12);
  const rowsPlain: string[] = ['"a","b","c"'];
  const rowsQuoted: string[] = ['a,b,c'];
  for (let i = 0; i < 50_000; i++) {
    const cells = [String(rng.normal()), (rng.normal() * 1e6).toFixed(3), String(i)];
    rowsPlain.push(cells.map((c) => `"${c}"`).join(','));
    rowsQuoted.push(cells.join(','));
  }
  const quoted = await readCsv(write('allq.csv', rowsPlain.join('\n')));
  const plain = await readCsv(write('plain.csv', rowsQuoted.join('\n')));
  assert.deepEqual(quoted.columns, plain.columns);
  assert.deepEqual(quoted.inferredTypes, { a: 'numeric', b: 'numeric', c: 'numeric' });
});
