/**
 * The notebook parts of the Python helper that need no kernel (plain /usr/bin/python3): the Run's HTML
 * (escaping, the sparkline's downsampling, NaN) and `notebook=` from a script, read back through the TS store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RunStore } from './runStore';
import { tempDir } from './testing/tempStore';
import { printedId, runPy, tsStore } from './testing/pythonHelperProcess';

const HTML_SCRIPT = String.raw`
import json, runlens
run = runlens.start_run(experiment="<exp>&", name='"quoted" <b>name</b>')
for i in range(1000):
    runlens.log_metric("loss", 1000.0 - i, step=i)
runlens.log_metric("has_nan", 1.0, step=0)
runlens.log_metric("has_nan", float("nan"), step=1)
runlens.log_metric("has_nan", 3.0, step=2)
runlens.log_metric("<key>", 0.5)
runlens.log_params({"p": "</td><script>alert(1)</script>"})
live = run._repr_html_()
runlens.end_run("failed", error="ValueError: <bad> & worse")
print(json.dumps({"live": live, "ended": run._repr_html_()}))
print(run.id)
`;

function points(svg: string): number[][] {
  return svg.match(/points="([^"]+)"/)![1]!.split(' ').map((p) => p.split(',').map(Number));
}

test("the Run's HTML: every value escaped, at most 120 points per sparkline, NaN left out, the status as it is now", { timeout: 60_000 }, (t) => {
  const root = tempDir(t);
  const dir = tsStore(root);
  const r = runPy(HTML_SCRIPT, root);
  const id = printedId(r);
  const { live, ended } = JSON.parse(r.stdout.trim().split('\n').at(-2)!) as { live: string; ended: string };

  assert.match(live, /&quot;quoted&quot; &lt;b&gt;name&lt;\/b&gt;/);
  assert.match(live, /&lt;exp&gt;&amp;/);
  assert.match(live, /&lt;key&gt;/);
  assert.match(live, /&lt;\/td&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(live, /<script|<b>name|<key>/, 'nothing from the data is markup');
  assert.match(live, /● running/);
  assert.match(ended, /● failed/, 'rendered again after the end: the stored status');
  assert.match(ended, /ValueError: &lt;bad&gt; &amp; worse/, 'the error, escaped');

  const svgs = live.match(/<svg[^>]*>.*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 3, 'one sparkline per metric');
  const [keySvg, nanSvg, lossSvg] = svgs as [string, string, string]; // metrics sorted by key: <key>, has_nan, loss
  const loss = points(lossSvg);
  assert.ok(loss.length <= 120 && loss.length >= 100, `1,000 points drawn as ${loss.length}`);
  assert.ok(loss.every(([x, y], i) => i === 0 || (x! > loss[i - 1]![0]! && y! >= loss[i - 1]![1]!)), 'a falling series drawn left to right, falling');
  assert.equal(points(nanSvg).length, 2, 'the NaN point is left out');
  assert.equal(points(keySvg).length, 2, 'a single point is a flat line');

  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.getMetricSummaries(id).find((m) => m.key === 'loss')?.count, 1000, 'rendering flushed the buffer, nothing lost');
});

test('notebook= from a script: tagged, its store found from its folder, snapshotted at the end; a script without it never loads the notebook module', { timeout: 60_000 }, (t) => {
  const ws = tempDir(t);
  fs.writeFileSync(path.join(ws, 'package.json'), '{}');
  const dir = tsStore(ws);
  const nb = path.join(ws, 'nb', 'report.ipynb');
  fs.mkdirSync(path.dirname(nb));
  const bytes = Buffer.from('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}\n');
  fs.writeFileSync(nb, bytes);
  const elsewhere = tempDir(t);

  const plain = runPy('import runlens, sys\nwith runlens.start_run() as run:\n    pass\nprint("runlens_notebook" in sys.modules)\nprint(run.id)', elsewhere);
  assert.equal(plain.stdout.trim().split('\n')[0], 'False');
  printedId(plain);

  const id = printedId(runPy(`import runlens\nwith runlens.start_run(notebook=${JSON.stringify(nb)}) as run:\n    runlens.log_metric("m", 1)\nprint(run.id)`, elsewhere));
  const store = RunStore.open(dir);
  t.after(() => store.close());
  assert.equal(store.getTags(id)['runlens.notebook'], nb);
  const [snap] = store.listArtifacts(id);
  assert.equal(snap?.path, 'notebook/report.ipynb');
  assert.equal(snap.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(store.getRun(id).status, 'finished', "in the notebook's workspace store, not the working directory's");
});
