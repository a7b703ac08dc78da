/**
 * Dataset diff speed and memory: two CSVs of ROWS x 20 (an `id` key, 15
 * numeric and 4 categorical columns) where 1% of the rows have one changed
 * cell, written to a temp dir; `diffCsv` with key `id` is timed once and the
 * peak RSS of the process (resourceUsage().maxRSS, which includes file
 * generation and anything that ran before in the process) is reported.
 * No daff comparison: daff is not installed.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffCsv } from '../../src/core/datasetDiff/datasetDiff';
import { createRng } from '../../src/core/util/rng';
import type { BenchResult } from './types';

/** Rows per file; DIFF_BENCH_ROWS overrides (the size is 1,000,000). */
const ROWS = Number(process.env.DIFF_BENCH_ROWS ?? 1_000_000);
const NUMERIC = 15;
const CATEGORICAL = 4;
const CHANGED_FRACTION = 0.01;
const CATEGORIES = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow'];

/** Writes A and B; B equals A except for one cell in every 100th row. Returns the changed row count. */
async function writeBenchPair(pathA: string, pathB: string, rows: number): Promise<number> {
  const rng = createRng(11);
  const outA = createWriteStream(pathA);
  const outB = createWriteStream(pathB);
  const header = ['id', ...Array.from({ length: NUMERIC }, (_, i) => `x${i}`), ...Array.from({ length: CATEGORICAL }, (_, i) => `c${i}`)].join(',') + '\n';
  let chunkA = header;
  let chunkB = header;
  let changed = 0;
  const every = Math.round(1 / CHANGED_FRACTION);
  const flush = async (): Promise<void> => {
    const waits: Promise<void>[] = [];
    if (!outA.write(chunkA)) waits.push(new Promise((r) => outA.once('drain', () => r())));
    if (!outB.write(chunkB)) waits.push(new Promise((r) => outB.once('drain', () => r())));
    chunkA = '';
    chunkB = '';
    await Promise.all(waits);
  };
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [String(r)];
    for (let c = 0; c < NUMERIC; c++) cells.push(String(Math.round(rng.normal() * 1e6) / 1e3));
    for (let c = 0; c < CATEGORICAL; c++) cells.push(CATEGORIES[rng.int(CATEGORIES.length)]);
    chunkA += cells.join(',') + '\n';
    if (r % every === 0) {
      cells[1 + rng.int(NUMERIC)] = '12345.678';
      changed++;
    }
    chunkB += cells.join(',') + '\n';
    if (chunkA.length > 1 << 20) await flush();
  }
  await flush();
  const done = (s: ReturnType<typeof createWriteStream>) => new Promise<void>((resolve, reject) => s.on('finish', resolve).on('error', reject).end());
  await Promise.all([done(outA), done(outB)]);
  return changed;
}

export async function benchDiff(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-'));
  try {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const changed = await writeBenchPair(a, b, ROWS);
    const t = performance.now();
    const diff = await diffCsv(a, b, { key: ['id'] });
    const seconds = (performance.now() - t) / 1000;
    if (diff.rows.modified !== changed || diff.rows.added + diff.rows.removed !== 0) {
      throw new Error(`diff bench: expected ${changed} modified rows, got ${diff.rows.modified} (+${diff.rows.added} / -${diff.rows.removed})`);
    }
    const peakMb = process.resourceUsage().maxRSS / 1024;
    const size = `${ROWS.toLocaleString('en-US')} x 20, ${changed.toLocaleString('en-US')} rows changed`;
    return [
      { name: `diffCsv keyed (${size})`, value: seconds, unit: 's', goal: '< 30 s', note: 'no daff reference: daff is not installed' },
      { name: `diffCsv peak RSS (${size})`, value: Math.round(peakMb), unit: 'MB', note: 'process maxRSS, in-memory implementation (both files loaded whole)' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
