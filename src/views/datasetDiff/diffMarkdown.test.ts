import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { diffCsvFiles } from '../../core/datasetDiff/diffFiles';
import type { FileDiff } from '../../core/datasetDiff/diffFiles';
import type { ColumnDrift } from '../../core/datasetDiff/types';
import { diffSummaryLine, diffToMarkdown, sortDriftBySeverity } from './diffMarkdown';
import { diffToText } from './diffText';

async function diffOf(t: TestContext, a: string, b: string, key?: string[]): Promise<FileDiff> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-diffmd-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'a.csv'), a);
  fs.writeFileSync(path.join(dir, 'b.csv'), b);
  const fd = await diffCsvFiles(path.join(dir, 'a.csv'), path.join(dir, 'b.csv'), { ...(key ? { key } : {}), labels: { a: 'v1|a.csv', b: 'b.csv' } });
  t.after(() => fd.dispose());
  return fd;
}

const rows = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n');

test('markdown: summary, schema changes, changed rows with old → new, stats, escaped cells', async (t) => {
  const fd = await diffOf(t,
    'id,name,score,old\n1,a,1,x\n2,b|pipe,2,y\n3,c,3,z\n',
    'id,name,score,new\n1,a,1.5,q\n2,<b>|pipe,2,r\n4,d,4,s\n',
    ['id'],
  );
  const page = await fd.page(0, 10);
  const md = diffToMarkdown(fd.diff, { changes: page.rows, maxRows: 10 });
  assert.match(md, /^## Dataset diff\n/);
  assert.match(md, /- \*\*A:\*\* v1\\\|a\.csv/);
  assert.match(md, /\*\*1 row added, 1 removed, 2 modified \(2 cells\); 1 column added, 1 removed; /);
  assert.match(md, /\| rows \| 3 \| 3 \|/);
  assert.match(md, /\| rows modified \| 2 \|/);
  assert.match(md, /- Column added: `new` \(categorical\)/);
  assert.match(md, /- Column removed: `old` \(categorical\)/);
  assert.match(md, /### Changed rows \(all 4\)/);
  assert.match(md, /\| change \| id \| name \| score \| new \|/);
  assert.match(md, /\| modified \| 1 \| a \| 1 → \*\*1\.5\*\* \| q \|/);
  assert.match(md, /\| modified \| 2 \| b\\\|pipe → \*\*&lt;b&gt;\\\|pipe\*\* \| 2 \| r \|/, 'cell values are escaped');
  assert.match(md, /\| added \| 4 \| d \| 4 \| s \|/);
  assert.match(md, /### Statistic changes\n\n\| column \| statistic \| A \| B \| change \|/);
  assert.match(md, /\| score \| mean \| 2 \| 2\.5 \| \+0\.5 \|/);
  assert.doesNotMatch(md, /<b>/);
});

test('markdown without a page uses the diff\'s own examples, capped by maxRows', async (t) => {
  const fd = await diffOf(t, `k,v\n${rows(30, (i) => `${i},${i}`)}\n`, `k,v\n${rows(30, (i) => `${i},${i + 1}`)}\n`, ['k']);
  const md = diffToMarkdown(fd.diff, { maxRows: 5 });
  assert.match(md, /### Changed rows \(first 5 of 30\)/);
  assert.equal(md.match(/^\| modified \|/gm)?.length, 5);
  assert.doesNotMatch(diffToMarkdown(fd.diff, { maxRows: 0 }), /Changed rows/);
});

test('drift: sorted by severity with plain words; identical files say so', async (t) => {
  const shifted = await diffOf(t,
    // n repeats (i % 100): one whole number per row would be ID-like and not drift-tested.
    `n,c,s\n${rows(200, (i) => `${i % 100},${i % 2 ? 'x' : 'y'},${i % 10}`)}\n`,
    `n,c,s\n${rows(200, (i) => `${i % 100 + 75},${i % 2 ? 'x' : 'y'},${i % 10}`)}\n`,
  );
  const md = diffToMarkdown(shifted.diff, { maxRows: 0 });
  const driftRows = md.split('### Drift')[1]!.split('\n').filter((l) => /^\| [a-z] \|/.test(l));
  assert.equal(driftRows[0]!.split('|')[1]!.trim(), 'n', 'the shifted column first');
  assert.match(driftRows[0]!, /\| large shift \|/);
  assert.ok(driftRows.slice(1).every((l) => l.includes('| no shift |')));
  assert.match(md, /PSI under 0\.1 is no shift/);

  const same = await diffOf(t, 'a,b\n1,2\n', 'b,a\n2,1\n');
  assert.equal(diffSummaryLine(same.diff), 'No differences.');
  assert.match(diffToMarkdown(same.diff), /\*\*No differences\.\*\*/);
  assert.doesNotMatch(diffToMarkdown(same.diff), /### /);
});

test('sortDriftBySeverity: large, moderate, none, then by PSI', () => {
  const d = (column: string, verdict: ColumnDrift['verdict'], psi: number): ColumnDrift => ({ column, kind: 'numeric', psi: { value: psi, verdict }, verdict });
  assert.deepEqual(
    sortDriftBySeverity([d('a', 'none', 0.05), d('b', 'large', 0.3), d('c', 'moderate', 0.2), d('e', 'large', 0.9)]).map((x) => x.column),
    ['e', 'b', 'c', 'a'],
  );
});

test('text summary: sides, counts, key=value rows, old → new, drifted columns only', async (t) => {
  const fd = await diffOf(t, 'id,v,w\n1,a,1\n2,b,2\n', 'id,v,w\n1,a,1\n2,"b\nx",2\n3,c,3\n', ['id']);
  const page = await fd.page(0, 20);
  const text = diffToText(fd.diff, page.rows, page.total);
  assert.match(text, /^A  v1\|a\.csv  \(2 rows\)\nB  b\.csv  \(3 rows\)\n/);
  assert.match(text, /1 row added, 0 removed, 1 modified \(1 cell\)/);
  assert.match(text, /modified +id=2  v: b → b\\nx/, 'newline escaped onto one line');
  assert.match(text, /added +id=3  v=c w=3/);
  assert.doesNotMatch(text, /no shift/);
});

test('markdown reads right: names in code spans are literal (<script>, a backtick and a pipe), values in cells are escaped, nothing becomes HTML', async (t) => {
  const fd = await diffOf(t, 'id,v\n1,a\n2,b\n', 'id,v,<script>,a`b|c\n1,<script>,x,y\n2,x`y|z,x,y\n', ['id']);
  const out = diffToMarkdown(fd.diff, { maxRows: 10 });
  assert.match(out, /^- Column added: `<script>` \(categorical\)$/m);
  assert.match(out, /^- Column added: ``a`b\|c`` \(categorical\)$/m);
  assert.doesNotMatch(out, /`[^`\n]*&lt;/, 'no entity inside a code span');
  // Rendered the way VS Code's preview renders it: the reader sees the names and the value as they are.
  const MarkdownIt = createRequire(__filename)('markdown-it') as new () => { render(src: string): string };
  const html = new MarkdownIt().render(out);
  assert.match(html, /Column added: <code>&lt;script&gt;<\/code>/);
  assert.match(html, /Column added: <code>a`b\|c<\/code>/);
  assert.match(html, /<td>a → <strong>&lt;script&gt;<\/strong><\/td>/);
  assert.match(html, /<td>b → <strong>x`y\|z<\/strong><\/td>/);
  assert.match(out, /^\| modified \| 2 \| b → \*\*x\\`y\\\|z\*\* \|$/m);
  assert.doesNotMatch(html, /<script>/);
});
