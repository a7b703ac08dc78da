import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempStore } from '../../store/testing/tempStore';
import { LocalRunSource } from '../../tracking/localRunSource';
import { REPORT_SECTIONS } from './reportBlocks';
import { reportCsp } from './reportHtml';
import { collectReport } from './reportModel';
import { EVIL, threeRuns } from './testing/threeRuns';
import { renderReport, writeReport } from './writeReport';

async function model(t: Parameters<typeof tempStore>[0]) {
  const { store } = tempStore(t);
  const ids = threeRuns(store);
  const m = await collectReport(ids.map((runId) => ({ source: new LocalRunSource(store), runId })), { columnsOf: (fp) => store.datasets.getDataset(fp)?.columns ?? null, now: () => Date.UTC(2026, 11, 7) });
  return { m, ids };
}

test('the model: differing params only, best metrics by direction, curves, artifacts, data and git', async (t) => {
  const { m } = await model(t);
  assert.deepEqual(m.params.map((p) => p.key), ['max_depth'], 'model and seed are the same in all three');
  const acc = m.metrics.find((r) => r.key === 'test_accuracy');
  const loss = m.metrics.find((r) => r.key === 'test_log_loss');
  assert.deepEqual([acc?.best, loss?.best], [[1], [1]], 'highest accuracy, lowest log loss');
  assert.deepEqual(m.curves.map((c) => [c.key, c.series.length, c.series[0].steps.length]), [['train_loss', 3, 50]]);
  assert.ok(m.runs.every((r) => r.confusion && r.importances && r.permutation && r.slices));
  assert.deepEqual(m.runs[1].data, [{ role: 'train', path: 'data/iris.csv', fingerprint: `1${'f'.repeat(63)}`, rows: 150, columns: 5 }]);
  assert.deepEqual(m.runs.map((r) => r.gitDirty), [false, true, false]);
});

test('HTML: every section, the hostile name as text, a strict CSP, nothing that loads or runs', async (t) => {
  const { m } = await model(t);
  const html = await renderReport(m, 'html');
  for (const id of REPORT_SECTIONS) assert.match(html, new RegExp(`<h2 id="${id}">`), id);
  assert.ok(!html.includes(EVIL), 'the raw name never appears');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'it appears escaped');
  assert.equal((html.match(/<img/gi) ?? []).length, 0);
  // Every tag (text has no raw "<": it is escaped): none that runs or loads anything.
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  assert.ok(tags.length > 100);
  // Attribute names only: a quoted value is text (the charts' aria-labels carry the escaped run name, " onerror=" and all).
  const names = tags.map((tag) => tag.replace(/"[^"]*"/g, '""'));
  assert.deepEqual(names.filter((tag) => /^<(script|iframe|object|embed|link|img|image|use|foreignobject)\b|\son\w+=|\s(src|href|xlink:href)=/i.test(tag)), []);
  assert.doesNotMatch(html, /url\(|@import/i);
  // The only URLs are the SVG and XLink namespace names, which load nothing.
  assert.deepEqual([...new Set(html.match(/https?:\/\/[^"'\s<>]+/g) ?? [])], ['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${reportCsp().replace(/'/g, '&#39;')}">`));
  assert.match(reportCsp(), /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src data:; base-uri 'none'; form-action 'none'/);
  assert.doesNotMatch(html, /\sstyle=/, 'no style attributes (the CSP allows only the hashed sheet)');
  assert.match(html, /<td class="best">0\.9300 ★<\/td>/);
  assert.match(html, /1abcdef01234 \(dirty: uncommitted changes\)/);
  assert.match(html, /small group: unreliable/);
  assert.match(html, /slice_sex_demographic_parity_difference = /);
});

test('Markdown: escaped names, bold best values, charts written beside the file and linked', async (t) => {
  const { m } = await model(t);
  const dir = mkdtempSync(join(tmpdir(), 'runlens-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = await writeReport(m, 'md', join(dir, 'pr report.md'));
  assert.deepEqual(readdirSync(join(dir, 'pr report-files')), ['curve-1.svg']);
  assert.equal(files.length, 2);
  const md = readFileSync(join(dir, 'pr report.md'), 'utf8');
  assert.ok(md.includes('![train\\_loss by step](pr%20report-files/curve-1.svg)'), md);
  assert.ok(!md.includes(EVIL), 'the raw name never appears');
  assert.ok(md.includes('| &lt;img src=x onerror=alert(1)&gt; |'), 'it appears as escaped text');
  assert.match(md, /\| test\\_accuracy \| 0\.9000 \| \*\*0\.9300 ★\*\* \| 0\.8700 \|/);
  for (const h of ['## Runs', '## Params that differ', '## Metrics', '## Metric curves', '## Confusion matrices', '## Feature importance', '## Permutation importance', '## Slices', '## Data']) assert.ok(md.includes(h), h);
  const svg = readFileSync(join(dir, 'pr report-files', 'curve-1.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<g class="mark-line /g) ?? []).length, 3, 'a line per run');
  assert.ok(svg.includes('>&lt;img src=x onerror') && !svg.includes('<img'), 'the legend escapes the name');
  // To stdout, Markdown says where the charts went instead of linking files that do not exist.
  assert.match(await renderReport(m, 'md'), /1 chart left out: write the report to a file \(--out FILE\)/);
});
