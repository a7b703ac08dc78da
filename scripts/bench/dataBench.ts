/**
 * CSV reading speed against pandas: a 200,000 x 20 regression-like CSV of
 * full-precision doubles (shortest round-trip text, ~17 digits) is written
 * to a temp dir, then `readCsv` and pandas' `read_csv` each read it three
 * times; the best time of each counts. Python's start-up is not timed, only
 * `read_csv` inside it. Goal: RunLens <= 2x pandas.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsv } from '../../src/core/data/csvReader';
import { Rng } from '../../src/core/util/rng';
import type { BenchResult } from './types';

const ROWS = 200_000;
const FEATURES = 19;
const REPEATS = 3;

/** Writes the benchmark CSV: 19 normal features at various scales and a noisy linear target `y`. */
export async function writeBenchCsv(path: string, rows = ROWS): Promise<void> {
  const rng = new Rng(7);
  const weights = Array.from({ length: FEATURES }, () => rng.normal());
  const out = createWriteStream(path);
  const header = [...Array.from({ length: FEATURES }, (_, i) => `x${i}`), 'y'].join(',');
  let chunk = header + '\n';
  for (let r = 0; r < rows; r++) {
    let y = 0;
    const cells: string[] = [];
    for (let c = 0; c < FEATURES; c++) {
      const v = rng.normal() * 10 ** ((c % 5) - 2);
      y += weights[c] * v;
      cells.push(String(v));
    }
    cells.push(String(y + 0.1 * rng.normal()));
    chunk += cells.join(',') + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
}

/** A pandas process that times one `read_csv` per request line ("default" or "round_trip") and prints seconds. */
const PANDAS = `
import sys, time
import pandas as pd
for line in sys.stdin:
    fp = line.strip()
    t = time.perf_counter()
    df = pd.read_csv(sys.argv[1], float_precision=None if fp == 'default' else fp)
    dt = time.perf_counter() - t
    assert df.shape == (${ROWS}, ${FEATURES + 1}), df.shape
    del df
    print(dt, flush=True)
`;

/**
 * Times `readCsv` and pandas `read_csv` on the same generated file, in
 * interleaved rounds (pandas, readCsv, pandas exact) so load from other
 * processes hits both alike; best of 3 each.
 */
export async function benchData(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-bench-'));
  const py = spawn('/usr/bin/python3', ['-u', '-c', PANDAS, join(dir, 'regression.csv')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  const pandas = async (mode: 'default' | 'round_trip'): Promise<number> => {
    py.stdin.write(`${mode}\n`);
    const r = await replies.next();
    if (r.done) throw new Error('the pandas process ended early (is pandas installed for /usr/bin/python3?)');
    return Number(r.value);
  };
  try {
    const file = join(dir, 'regression.csv');
    await writeBenchCsv(file);
    const best = { readCsv: Infinity, pandas: Infinity, pandasExact: Infinity };
    for (let i = 0; i < REPEATS; i++) {
      best.pandas = Math.min(best.pandas, await pandas('default'));
      const t0 = performance.now();
      const frame = await readCsv(file);
      best.readCsv = Math.min(best.readCsv, (performance.now() - t0) / 1000);
      if (frame.rows !== ROWS || frame.columns.length !== FEATURES + 1) throw new Error(`readCsv read ${frame.rows} x ${frame.columns.length}`);
      best.pandasExact = Math.min(best.pandasExact, await pandas('round_trip'));
    }
    const note = `best of ${REPEATS}, interleaved; ${ROWS} x ${FEATURES + 1} doubles at full precision (${(statSync(file).size / 1e6).toFixed(0)} MB)`;
    return [
      { name: 'readCsv 200k x 20 numeric CSV', value: best.readCsv, unit: 's', reference: best.pandas, referenceName: 'pandas.read_csv', goal: '<= 2x pandas', note },
      { name: 'pandas.read_csv (default float parser)', value: best.pandas, unit: 's', note },
      { name: 'pandas.read_csv (float_precision="round_trip", exact like readCsv)', value: best.pandasExact, unit: 's', note },
      { name: 'ratio readCsv / pandas.read_csv', value: best.readCsv / best.pandas, unit: 'x', goal: '<= 2' },
    ];
  } finally {
    py.stdin.end();
    py.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchData().then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
