/**
 * #12 item 9: `runlens diff --markdown` reads right. A column named
 * `<script>` and one with a backtick and a pipe are shown literally in their
 * code spans; a value `<script>` and a value with a backtick and a pipe are
 * escaped in their table cells, so no HTML gets through and no row splits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeWorkspace, runCli } from '../fixtures/workspace';

test('diff --markdown: hostile column names literal in code spans, hostile values escaped in cells', (t) => {
  const ws = makeWorkspace();
  t.after(ws.cleanup);
  ws.write('a.csv', 'id,v\n1,a\n2,b\n');
  ws.write('b.csv', 'id,v,<script>,x`y|z\n1,<script>,p,q\n2,c`d|e,p,q\n');
  const r = runCli(ws.dir, ['diff', 'a.csv', 'b.csv', '--key', 'id', '--markdown']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes('- Column added: `<script>` (categorical)'), r.stdout);
  assert.ok(lines.includes('- Column added: ``x`y|z`` (categorical)'), r.stdout);
  assert.ok(lines.includes('Rows matched by key `id`.'), r.stdout);
  assert.ok(lines.includes('| change | id | v | &lt;script&gt; | x\\`y\\|z |'), r.stdout);
  assert.ok(lines.includes('| modified | 1 | a → **&lt;script&gt;** | p | q |'), r.stdout);
  assert.ok(lines.includes('| modified | 2 | b → **c\\`d\\|e** | p | q |'), r.stdout);
  // `<script>` appears raw only inside its code span, where Markdown shows it as text.
  assert.deepEqual(lines.filter((l) => l.includes('<script>')), ['- Column added: `<script>` (categorical)']);
});
