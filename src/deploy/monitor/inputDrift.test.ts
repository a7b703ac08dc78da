import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCsv } from '../../core/data/csvReader';
import { fingerprintFrame } from '../../core/data/fingerprint';
import type { DatasetFingerprint } from '../../core/data/fingerprint';
import { psiFromCounts } from '../../core/datasetDiff/drift';
import { Rng } from '../../core/util/rng';
import { histogramBin, inputDrift } from './inputDrift';
import type { LiveValues } from './inputDrift';

/** The seeded generator (core/util/rng), so the samples are the same on every run. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

interface Shift { readonly mean: number; readonly city: readonly number[]; readonly member: number }
const SAME: Shift = { mean: 0, city: [0.5, 0.3, 0.15, 0.05], member: 0.3 };
const CITIES = ['paris', 'lyon', 'nice', 'lille'];

/** Rows of (income ~ normal, age ~ uniform, city, member, label). */
function sample(n: number, seed: number, s: Shift): Record<string, number | string | boolean>[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const normal = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    let u = r();
    let k = 0;
    while (k < s.city.length - 1 && u >= s.city[k]) u -= s.city[k++];
    return { income: 50 + 10 * (normal + s.mean), age: 20 + 50 * r(), city: CITIES[k], member: r() < s.member, label: r() < 0.5 ? 'yes' : 'no' };
  });
}

function columns(rows: readonly Record<string, number | string | boolean>[], names: readonly string[]): Record<string, LiveValues> {
  return Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])]));
}

const FEATURES = ['income', 'age', 'city', 'member'];

describe('inputDrift against the fingerprint of a training CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-drift-'));
  let fp: DatasetFingerprint;
  before(async () => {
    const rows = sample(5000, 1, SAME);
    const csv = [['income', 'age', 'city', 'member', 'label'].join(','), ...rows.map((r) => `${(r.income as number).toFixed(3)},${(r.age as number).toFixed(2)},${r.city},${r.member},${r.label}`)].join('\n');
    writeFileSync(join(dir, 'train.csv'), `${csv}\n`);
    const frame = await readCsv(join(dir, 'train.csv'), { hash: true });
    fp = fingerprintFrame(frame, frame.sha256!);
    // Through JSON, as the store hands it back.
    fp = JSON.parse(JSON.stringify(fp)) as DatasetFingerprint;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds no drift in new rows from the same distribution', () => {
    const live = sample(2000, 2, SAME);
    const d = inputDrift(fp.stats, fp.rows, FEATURES, columns(live, FEATURES), live.length);
    assert.deepEqual(d.features.map((f) => [f.feature, f.type, f.live]),
      [['income', 'numeric', 2000], ['age', 'numeric', 2000], ['city', 'categorical', 2000], ['member', 'boolean', 2000]]);
    for (const f of d.features) assert.ok(f.psi!.value < 0.1 && f.psi!.verdict === 'none', `${f.feature}: PSI ${f.psi!.value}`);
    assert.equal(d.verdict, 'none');
    assert.deepEqual(d.warnings, []);
  });

  it('finds large drift in shifted inputs and lists them as warnings', () => {
    const live = sample(2000, 3, { mean: 1.5, city: [0.1, 0.2, 0.2, 0.5], member: 0.3 });
    const d = inputDrift(fp.stats, fp.rows, FEATURES, columns(live, FEATURES), live.length);
    const by = Object.fromEntries(d.features.map((f) => [f.feature, f.psi!]));
    assert.equal(by.income.verdict, 'large');
    assert.ok(by.income.value > 1, `income PSI ${by.income.value}`);
    assert.equal(by.city.verdict, 'large');
    assert.equal(by.age.verdict, 'none');
    assert.equal(by.member.verdict, 'none');
    assert.equal(d.verdict, 'large');
    assert.deepEqual(d.warnings.map((w) => w.split(':')[0]), ['income', 'city']);
    assert.match(d.warnings[0], /^income: large drift \(PSI \d+\.\d{3} over 2000 live values\)$/);
  });

  it('bins numeric values on the baseline edges with outliers in the edge bins, categories with "other"', () => {
    const income = fp.stats.find((s) => s.name === 'income');
    assert.ok(income?.type === 'numeric');
    const { edges, counts } = income.histogram;
    const live = [edges[0] - 100, edges[0], edges[20] + 100, edges[20], (edges[3] + edges[4]) / 2, edges[5]];
    const want = new Array<number>(20).fill(0);
    want[0] = 2;
    want[19] = 2;
    want[3] = 1;
    want[5] = 1;
    const d = inputDrift(fp.stats, fp.rows, ['income'], { income: live }, live.length);
    assert.equal(d.features[0].psi!.value, psiFromCounts(counts, want));
    assert.match(d.features[0].note!, /only 6 live values; the PSI is noisy/);

    const city = fp.stats.find((s) => s.name === 'city');
    assert.ok(city?.type === 'categorical');
    const liveCity = ['paris', 'rome', 'rome', null, 'nice'];
    const c = inputDrift(fp.stats, fp.rows, ['city'], { city: liveCity }, liveCity.length).features[0];
    assert.equal(c.missing, 1);
    assert.equal(c.live, 4);
    const top = city.top.map((t) => t.value);
    const liveCounts = [...top.map((v) => liveCity.filter((x) => x === v).length), 2];
    assert.equal(c.psi!.value, psiFromCounts([...city.top.map((t) => t.count), 0], liveCounts));
  });

  it('says why a feature has no PSI', () => {
    const d = inputDrift(fp.stats, fp.rows, ['income', 'height', 'age'], { income: [], age: [12, 'old'] }, 2);
    assert.deepEqual(d.features.map((f) => [f.feature, f.psi, f.note]), [
      ['income', null, 'no live values yet'],
      ['height', null, 'not in the training dataset\'s statistics'],
      ['age', null, 'live value "old" is not a number'],
    ]);
    assert.equal(d.verdict, 'none');
  });

  it('histogramBin keeps numpy\'s right-open bins with the last one closed', () => {
    const edges = [0, 1, 2, 3];
    assert.deepEqual([-5, 0, 0.5, 1, 1.99, 2, 3, 9].map((x) => histogramBin(edges, x)), [0, 0, 0, 1, 1, 2, 2, 2]);
  });
});
