/**
 * Slices on 1,200 random rows against the same definitions computed
 * independently with pandas/NumPy (scripts/fairness/sliceReference.py).
 * Fairlearn is what the definitions come from (MetricFrame's
 * `difference(method='between_groups')`, `demographic_parity_difference`,
 * `equalized_odds_difference`), but it is not installable here: it is not
 * packaged for Debian 12 and there is no pip registry, so the script writes
 * them out instead, and the hand-worked cases are in sliceReport.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PYTHON, sklearnAvailable } from '../../../../scripts/sklearn/referenceRunner';
import { missingTool } from '../../../../test/fixtures/requiredTool';
import type { Frame } from '../../data/frame';
import { Rng } from '../../util/rng';
import { groupRows } from './sliceGroups';
import type { SliceOutcomes, SliceReport } from './sliceReport';
import { sliceReport } from './sliceReport';

const SCRIPT = join(__dirname, '../../../../scripts/fairness/sliceReference.py');

interface Reference {
  column: string;
  edges: number[] | null;
  groups: { count: number; metrics: Record<string, number> }[];
  disparities: Record<string, number>;
}

const close = (what: string, a: number, b: number): void =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs pandas ${b}`);

/** 1,200 rows: sex F/M with a rare X (a small group), integer ages with ties on the quartile edges and a few missing. */
function rows(rng: Rng) {
  const n = 1200;
  const sex = Array.from({ length: n }, () => { const u = rng.next(); return u < 0.02 ? 'X' : u < 0.47 ? 'F' : 'M'; });
  const age = Float64Array.from({ length: n }, () => (rng.next() < 0.02 ? NaN : 18 + rng.int(63)));
  return { n, sex, age };
}

function check(task: SliceOutcomes['task'], nClasses: number, make: (rng: Rng, sex: string) => [number, number]): void {
  const rng = new Rng(1802);
  const { n, sex, age } = rows(rng);
  const pairs = sex.map((s) => make(rng, s));
  const outcomes: SliceOutcomes = { task, nClasses, positiveIndex: 1, yTrue: pairs.map((p) => p[0]), yPred: pairs.map((p) => p[1]) };
  const frame: Frame = { columns: [{ name: 'sex', type: 'categorical', values: sex }, { name: 'age', type: 'numeric', values: age }], rows: n };
  const specs = [{ column: 'sex' }, { column: 'age', bins: 4 }, { column: 'age', bins: 7 }];
  // A column is sliced once per run: the two binnings of age are two reports.
  const reports: SliceReport[] = [sliceReport([groupRows(frame, specs[0], true), groupRows(frame, specs[1], true)], outcomes), sliceReport([groupRows(frame, specs[2], true)], outcomes)];
  const ours = { columns: reports.flatMap((r) => r.columns) };

  const dir = mkdtempSync(join(tmpdir(), 'runlens-slices-'));
  let refs: Reference[];
  try {
    // String(x) round-trips doubles exactly; an empty cell is pandas' NaN.
    const csv = ['sex,age,y_true,y_pred', ...sex.map((s, i) => `${s},${Number.isNaN(age[i]) ? '' : age[i]},${pairs[i][0]},${pairs[i][1]}`)].join('\n');
    writeFileSync(join(dir, 'rows.csv'), csv + '\n');
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ task, n_classes: nClasses, slices: specs }));
    refs = JSON.parse(execFileSync(PYTHON, [SCRIPT, join(dir, 'rows.csv'), join(dir, 'spec.json')], { encoding: 'utf8' })) as Reference[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  assert.equal(ours.columns.length, refs.length);
  ours.columns.forEach((col, c) => {
    const ref = refs[c];
    const at = `${col.column}${col.bins ? `/${col.bins} bins` : ''}`;
    if (ref.edges) assert.deepEqual(col.edges, ref.edges, `${at}: edges`);
    assert.deepEqual(col.groups.map((g) => g.count), ref.groups.map((g) => g.count), `${at}: group sizes`);
    col.groups.forEach((g, i) => {
      assert.deepEqual(Object.keys(g.metrics).sort(), Object.keys(ref.groups[i].metrics).sort(), `${at} ${g.group}: metric names`);
      for (const [k, v] of Object.entries(ref.groups[i].metrics)) close(`${at} ${g.group} ${k}`, g.metrics[k], v);
      assert.equal(g.small, g.count < 30, `${at} ${g.group}: small flag`);
    });
    assert.deepEqual(Object.keys(col.disparities).sort(), Object.keys(ref.disparities).sort());
    for (const [k, v] of Object.entries(ref.disparities)) close(`${at} ${k}`, col.disparities[k], v);
  });
  // The rare group is there and flagged, not dropped.
  const x = ours.columns[0].groups.find((g) => g.group === 'X');
  assert.ok(x && x.small && x.count > 0, 'the rare group X is reported and flagged');
}

const skip = missingTool(sklearnAvailable(), 'pandas/NumPy for /usr/bin/python3', 'sklearn');

test('binary classification slices equal pandas/NumPy with Fairlearn\'s definitions', { skip }, () => {
  // Errors depend on the group, so the disparities are not zero.
  check('classification', 2, (rng, sex) => {
    const t = rng.next() < (sex === 'F' ? 0.3 : 0.5) ? 1 : 0;
    const flip = rng.next() < (sex === 'M' ? 0.3 : sex === 'F' ? 0.15 : 0.4);
    return [t, flip ? 1 - t : t];
  });
});

test('multiclass slices equal pandas/NumPy (macro over the classes present in each group)', { skip }, () => {
  check('classification', 3, (rng, sex) => {
    const t = rng.int(sex === 'X' ? 2 : 3);
    return [t, rng.next() < 0.3 ? rng.int(3) : t];
  });
});

test('regression slices equal pandas/NumPy', { skip }, () => {
  check('regression', 0, (rng, sex) => {
    const t = 10 * rng.normal();
    return [t, t + (sex === 'M' ? 4 : 1) * rng.normal()];
  });
});
