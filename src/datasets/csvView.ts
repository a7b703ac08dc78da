import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDataFile } from '../core/data/dataFile';
import { writeFrameCsv } from '../core/data/frameCsv';
import type { MaterializedDataset } from './materialize';

/**
 * A materialized dataset as a CSV file, for the diff engine (which streams
 * CSV): a CSV side is itself (its `dispose` is left to its owner), a
 * Parquet or JSON Lines side is read and written as a temporary CSV of the
 * same values, removed by the returned `dispose`.
 */
export async function asCsvFile(m: MaterializedDataset, tempDir?: string): Promise<MaterializedDataset> {
  if ((m.format ?? 'csv') === 'csv') return { ...m, dispose: () => undefined };
  const frame = await readDataFile(m.file, { displayPath: m.label, format: m.format });
  const base = tempDir ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'runlens-csv-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, 'data.csv');
    writeFrameCsv(frame, file);
    return { file, label: m.label, format: 'csv', ...(m.fingerprint !== undefined ? { fingerprint: m.fingerprint } : {}), dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
