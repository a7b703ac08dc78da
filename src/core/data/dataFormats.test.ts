import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readCsv } from './csvReader';
import { prepareData } from './prepareData';
import { createModel } from '../models/registry';

const EXAMPLES = resolve(__dirname, '../../../examples');

/** Writes wine.csv's values as Parquet (typed columns) and as JSON Lines beside a copy of the CSV. */
async function threeFormats(dir: string): Promise<void> {
  copyFileSync(join(EXAMPLES, 'data/wine.csv'), join(dir, 'wine.csv'));
  const frame = await readCsv(join(dir, 'wine.csv'));
  const columnData = frame.columns.map((c) => c.type === 'categorical'
    ? { name: c.name, data: c.values, type: 'STRING' as const }
    : { name: c.name, data: Array.from(c.values, (v) => (Number.isNaN(v) ? null : v)), type: 'DOUBLE' as const });
  // Small row groups, so the reader joins several.
  writeFileSync(join(dir, 'wine.parquet'), Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize: 50 })));
  const lines: string[] = [];
  for (let r = 0; r < frame.rows; r++) {
    lines.push(JSON.stringify(Object.fromEntries(frame.columns.map((c) => [c.name, c.values[r]]))));
  }
  writeFileSync(join(dir, 'wine.jsonl'), lines.join('\n') + '\n');
}

async function train(dir: string, file: string) {
  const data = await prepareData({ path: file, target: 'cultivar', features: { scale: 'standard' } }, dir, { seed: 7, memory: 'unchecked' });
  const model = createModel('logistic_regression', { max_iter: 200 }, data.task);
  await model.fit(data.Xtrain, data.ytrain, { task: data.task, nClasses: data.classes?.length, featureNames: data.featureNames });
  return { data, model: model.toJSON(), predictions: Array.from(model.predict(data.Xtest)) };
}

test('training from Parquet or JSON Lines gives the same model as from the same data in CSV', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-formats-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await threeFormats(dir);
  const csv = await train(dir, 'wine.csv');
  for (const file of ['wine.parquet', 'wine.jsonl']) {
    const other = await train(dir, file);
    assert.equal(other.data.task, csv.data.task, file);
    assert.deepEqual(other.data.classes, csv.data.classes, file);
    assert.deepEqual(other.data.featureNames, csv.data.featureNames, file);
    assert.deepEqual(other.data.ytest, csv.data.ytest, file);
    assert.deepEqual(other.model, csv.model, file);
    assert.deepEqual(other.predictions, csv.predictions, file);
    const fp = other.data.files[0].fingerprint;
    const csvFp = csv.data.files[0].fingerprint;
    assert.notEqual(fp.sha256, csvFp.sha256, 'the fingerprint hashes the bytes read');
    assert.deepEqual({ ...fp, sha256: '' }, { ...csvFp, sha256: '' }, `${file}: same shape, schema and statistics`);
    assert.equal(other.data.files[0].path, file);
  }
});
