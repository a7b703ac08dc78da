/**
 * Issue #19 through the real CLI (tsx): a command run's system metrics are
 * summed up after `train`'s table, printed by `show`, and usable by `--gate`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';

const ws = makeWorkspace();
after(() => ws.cleanup());
// 50 MB held while the first samples are taken: a run the sampler has something to say about.
ws.write('hold.train.yaml', [
  `command: [${JSON.stringify(process.execPath)}, -e, "const b = Buffer.alloc(50e6, 1); console.log('runlens: metric loss=0.5 held=' + b.length)"]`,
  'system_metrics: { interval: 0.2 }',
  '',
].join('\n'));

test('train sums the system metrics up in one line, show prints them apart from the run\'s own, --gate reads them', () => {
  const ok = runCli(ws.dir, ['train', 'hold.train.yaml', '--gate', 'metrics.system/peak_memory_megabytes > 0']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^system: peak memory \d+ MB/m);
  assert.doesNotMatch(ok.stdout, /system\/process_memory_usage_megabytes/, 'the series stay out of the table');
  assert.match(ok.stderr, /gate passed/);
  const id = /\(([0-9a-f]{32})\) finished/.exec(ok.stdout)?.[1];
  assert.ok(id, ok.stdout);

  const show = runCli(ws.dir, ['show', id]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^system {6}peak memory \d+ MB/m);
  assert.match(show.stdout, /^system metric +latest +min +max +samples$/m);
  assert.match(show.stdout, /^system\/process_memory_usage_megabytes /m);
  const own = show.stdout.slice(show.stdout.indexOf('metric '), show.stdout.indexOf('\nsystem '));
  assert.match(own, /^loss /m);
  assert.doesNotMatch(own, /system\//, "the run's own metrics table has no system series");

  const json = JSON.parse(runCli(ws.dir, ['show', id, '--json']).stdout) as { metrics: { key: string }[] };
  assert.ok(json.metrics.some((m) => m.key === 'system/peak_memory_megabytes'), '--json keeps every metric');

  const gated = runCli(ws.dir, ['train', 'hold.train.yaml', '--gate', 'metrics.system/peak_memory_megabytes > 10000000']);
  assert.equal(gated.code, 1);
  assert.match(gated.stderr, /gate failed/);
});
