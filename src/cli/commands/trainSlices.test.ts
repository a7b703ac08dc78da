/**
 * Issue #18.2 end to end: `evaluate.slices` in a real training (the real CLI,
 * the trainer process, the store): slices.json, the slice metrics, the table
 * after training and a gate on a slice metric.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import { Rng } from '../../core/util/rng';
import type { SliceReport } from '../../core/evaluation/slices/sliceReport';

const ws = makeWorkspace();
after(() => ws.cleanup());

// 480 loan applications: income drives approval and differs by sex; a rare third group (about 2%) is small on the test split.
const rng = new Rng(18);
const lines = ['sex,age,income,approved'];
for (let i = 0; i < 480; i++) {
  const u = rng.next();
  const sex = u < 0.03 ? 'X' : u < 0.5 ? 'F' : 'M';
  const age = 18 + rng.int(60);
  const income = (sex === 'M' ? 52 : 44) + 0.3 * (age - 40) + 12 * rng.normal();
  const approved = income + 6 * rng.normal() > 50 ? 'yes' : 'no';
  lines.push(`${sex},${age},${income.toFixed(2)},${approved}`);
}
ws.write('loans.csv', lines.join('\n') + '\n');
ws.write('loans.train.yaml', [
  'experiment: loans',
  'data:',
  '  path: loans.csv',
  '  target: approved',
  '  positive: "yes"',
  '  split: { test: 0.25, seed: 7 }',
  '  features: { exclude: [sex] }', // a slice column need not be a feature
  'model: { type: logistic_regression }',
  'evaluate:',
  '  slices: [sex, { column: age, bins: 4 }]',
].join('\n') + '\n');

function slicesOf(runId: string): SliceReport {
  const show = runCli(ws.dir, ['show', runId, '--json']);
  assert.equal(show.code, 0, show.stderr);
  const artifacts = (JSON.parse(show.stdout) as { artifacts: { path: string; sha256: string }[] }).artifacts;
  const a = artifacts.find((x) => x.path === 'slices.json');
  assert.ok(a, `slices.json among ${artifacts.map((x) => x.path).join(', ')}`);
  const blob = join(ws.dir, '.runlens', 'artifacts', a.sha256.slice(0, 2), a.sha256);
  return JSON.parse(readFileSync(blob, 'utf8')) as SliceReport;
}

test('a run with evaluate.slices saves slices.json, logs the gaps as metrics and prints a slice table', () => {
  const r = runCli(ws.dir, ['train', 'loans.train.yaml', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const run = JSON.parse(r.stdout) as { id: string; metrics: Record<string, number> };
  const report = slicesOf(run.id);
  assert.equal(report.positive, 'yes');
  assert.deepEqual(report.columns.map((c) => c.column), ['sex', 'age']);
  const [sex, age] = report.columns;
  assert.deepEqual(sex.groups.map((g) => g.group), ['F', 'M', 'X']);
  assert.equal(sex.groups.reduce((n, g) => n + g.count, 0), 120, 'every test row is in one group');
  assert.equal(age.groups.reduce((n, g) => n + g.count, 0), 120);
  assert.equal(age.groups.length, 4);
  const x = sex.groups[2];
  assert.ok(x.count < 30 && x.small && x.note === 'small group: unreliable', JSON.stringify(x));
  for (const col of report.columns) {
    for (const [name, value] of Object.entries(col.disparities)) assert.equal(run.metrics[`slice_${col.metricKey}_${name}`], value, name);
  }
  const dpd = run.metrics.slice_sex_demographic_parity_difference;
  const rates = sex.groups.map((g) => g.metrics.selection_rate);
  assert.equal(dpd, Math.max(...rates) - Math.min(...rates));
  assert.ok(dpd > 0, 'income differs by sex, so approvals do');
  assert.equal(typeof run.metrics.slice_age_equalized_odds_difference, 'number');

  const text = runCli(ws.dir, ['train', 'loans.train.yaml']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /slices of the test rows \(positive class: yes\)/);
  assert.match(text.stdout, /^sex\s+count\s+accuracy\s+precision\s+recall \(TPR\)\s+selection rate\s+FPR\s+FNR\s+note$/m);
  assert.match(text.stdout, new RegExp(`^X\\s+${x.count}\\s.*small group: unreliable$`, 'm'));
  assert.match(text.stdout, /^F\s+\d+\s+[\d.]+(\s+[\d.]+){5}$/m, 'a group of 30 rows or more has no note');
  assert.match(text.stdout, /^gaps: slice_sex_accuracy_gap=[\d.]+ {2}slice_sex_demographic_parity_difference=[\d.]+ {2}slice_sex_equalized_odds_difference=[\d.]+$/m);
  assert.match(text.stdout, /^age\s+count\s/m);
});

test('--gate on a slice metric passes and fails on its value', () => {
  const first = runCli(ws.dir, ['train', 'loans.train.yaml', '--json']);
  const dpd = (JSON.parse(first.stdout) as { metrics: Record<string, number> }).metrics.slice_sex_demographic_parity_difference;
  assert.ok(dpd > 0);
  const pass = runCli(ws.dir, ['train', 'loans.train.yaml', '--gate', `metrics.slice_sex_demographic_parity_difference <= ${dpd}`]);
  assert.equal(pass.code, 0, pass.stderr);
  assert.match(pass.stderr, /gate passed/);
  const fail = runCli(ws.dir, ['train', 'loans.train.yaml', '--gate', `metrics.slice_sex_demographic_parity_difference <= ${dpd / 2}`]);
  assert.equal(fail.code, 1, fail.stdout);
  assert.match(fail.stderr, /gate failed: .*slice_sex_demographic_parity_difference/);
});

test('a slice column that is not in the data fails the run before the fit, naming it', () => {
  ws.write('typo.train.yaml', readFileSync(join(ws.dir, 'loans.train.yaml'), 'utf8').replace('slices: [sex,', 'slices: [gender,'));
  const r = runCli(ws.dir, ['train', 'typo.train.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /evaluate\.slices: no column "gender" in the data \(columns: sex, age, income, approved\)/);
  assert.doesNotMatch(r.stderr, /fitting/);
});
