import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareData } from './prepareData';
import { Preprocessor } from './preprocessor';
import type { PreprocessorJSON } from './preprocessor';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-inf-'));
  // Line 1 header; x holds inf on line 4, 1e400 on line 7 and -Infinity on line 9.
  const lines = ['x,z,y'];
  for (let i = 0; i < 30; i++) lines.push(`${i},${i % 3},${i % 2 === 0 ? 'a' : 'b'}`);
  lines[3] = '1,inf,b';
  lines[6] = '1e400,4,a';
  lines[8] = '-Infinity,2,a';
  fs.writeFileSync(path.join(dir, 'inf.csv'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'target.csv'), 'x,y\n1,1.5\n2,2.5\n3,inf\n4,4.5\n5,5.5\n6,6.5\n7,7.5\n8,8.5\n9,9.5\n10,10.5\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const DATA = { path: 'inf.csv', target: 'y', split: { test: 0.2, seed: 1 } };

test('by default the earliest infinite cell is an error at its file, line and column', async () => {
  await assert.rejects(prepareData(DATA, dir), (e: Error) => e.message ===
    'inf.csv:4:2 (column "z"): Infinity is not a usable value (inf, Infinity, or a number too large for a double such as 1e400); ' +
    'set data.clean.infinite to drop, clip or missing');
});

test('infinite: drop removes the three rows and counts them', async () => {
  const p = await prepareData({ ...DATA, clean: { infinite: 'drop' } }, dir);
  assert.equal(p.Xtrain.rows + p.Xtest.rows, 27);
  assert.equal(p.dropped.infiniteValues, 3);
  assert.ok(p.Xtrain.data.every(Number.isFinite) && p.Xtest.data.every(Number.isFinite));
});

test('infinite: missing makes them missing, so missing: constant fills them', async () => {
  const p = await prepareData({ ...DATA, clean: { infinite: 'missing', missing: 'constant', fill: -7 } }, dir);
  assert.equal(p.Xtrain.rows + p.Xtest.rows, 30);
  const all = [...p.Xtrain.data, ...p.Xtest.data];
  assert.equal(all.filter((v) => v === -7).length, 3);
  assert.ok(all.every(Number.isFinite));
});

test('infinite: clip clips to the training min/max, and serving clips the same way', async () => {
  const p = await prepareData({ ...DATA, clean: { infinite: 'clip' } }, dir);
  const spec = p.preprocessor.state.specs.find((s) => s.column === 'x');
  assert.ok(spec?.kind === 'numeric' && spec.finiteRange);
  const [lo, hi] = spec.finiteRange;
  const all = [...p.Xtrain.data, ...p.Xtest.data];
  assert.ok(all.every(Number.isFinite));
  // Served: "inf" and "-inf" come out as the ends of the range (the package round-trips through JSON).
  const served = Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.preprocessor.toJSON())) as PreprocessorJSON);
  const m = served.transformRecords([{ x: 'inf', z: '-inf' }]);
  const zSpec = served.state.specs.find((s) => s.column === 'z');
  assert.ok(zSpec?.kind === 'numeric' && zSpec.finiteRange);
  assert.deepEqual(Array.from(m.data), [hi, zSpec.finiteRange[0]]);
  assert.ok(lo < hi);
});

test('an infinite target is not clipped: an error under clip, a dropped row under drop', async () => {
  const data = { path: 'target.csv', target: 'y', split: { test: 0.2, seed: 1 } };
  await assert.rejects(prepareData({ ...data, clean: { infinite: 'clip' } }, dir), (e: Error) =>
    /^target\.csv:4:2 \(column "y"\): Infinity is not a usable value .*a target cannot be clipped; use data\.clean\.infinite: drop or missing$/.test(e.message));
  const p = await prepareData({ ...data, clean: { infinite: 'drop' } }, dir, { task: 'regression' });
  assert.equal(p.ytrain.length + p.ytest.length, 9);
});

test('serving: the default refuses an infinite input naming the record; a package from before the setting passes it on', async () => {
  const p = await prepareData({ ...DATA, clean: { infinite: 'drop' } }, dir);
  const strict = new Preprocessor({ ...p.preprocessor.state, infinite: 'error' });
  assert.throws(() => strict.transformRecords([{ x: 1, z: 'inf' }]), (e: Error) => e.message ===
    'row 1, column "z": Infinity is not a usable value (inf, Infinity, or a number too large for a double); set data.clean.infinite to drop, clip or missing');
  const json = p.preprocessor.toJSON() as unknown as Record<string, unknown>;
  delete json.infinite;
  const legacy = Preprocessor.fromJSON(json as unknown as PreprocessorJSON);
  assert.deepEqual(Array.from(legacy.transformRecords([{ x: 1, z: 'inf' }]).data), [1, Infinity]);
});
