/**
 * Node side of scripts/sklearn/reference.py: finds Debian's python3 with
 * scikit-learn, runs the script, and moves data through CSV files that both
 * sides read back bit-exactly. Used by the parity tests and the model bench.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DenseMatrix } from '../../src/core/data/frame';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'reference.py');

/** True when /usr/bin/python3 can import scikit-learn, numpy and pandas. */
export function sklearnAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, numpy, pandas'], { stdio: 'ignore' });
  return r.status === 0;
}

/** Runs `reference.py <command> <arg>` and parses its JSON output. */
export function runReference<T>(command: 'datasets' | 'fit' | 'metrics', arg: string): T {
  const out = execFileSync(PYTHON, [SCRIPT, command, arg], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return JSON.parse(out) as T;
}

/** Writes X and y as CSV with columns f0..f{p-1}, target. String(x) round-trips doubles exactly. */
export function writeCsv(path: string, X: DenseMatrix, y: Float64Array): void {
  const { rows, cols, data } = X;
  const header = Array.from({ length: cols }, (_, j) => `f${j}`).join(',') + ',target\n';
  const chunks: string[] = [header];
  let buf = '';
  for (let i = 0; i < rows; i++) {
    let line = '';
    for (let j = 0; j < cols; j++) line += String(data[i * cols + j]) + ',';
    buf += line + String(y[i]) + '\n';
    if (buf.length > 1 << 20) {
      chunks.push(buf);
      buf = '';
    }
  }
  chunks.push(buf);
  writeFileSync(path, chunks.join(''));
}

/** Reads a numeric CSV written by `writeCsv` or reference.py. */
export function readCsv(path: string): { X: DenseMatrix; y: Float64Array } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const target = header.indexOf('target');
  if (target !== header.length - 1) throw new Error(`${path}: expected the last column to be "target"`);
  const rows = lines.length - 1;
  const cols = header.length - 1;
  const data = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const cells = lines[i + 1].split(',');
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(cells[j]);
    y[i] = Number(cells[cols]);
  }
  return { X: { data, rows, cols }, y };
}

/** One result of `reference.py fit`. */
export interface ReferenceFit {
  readonly name: string;
  readonly fit_seconds: number;
  /** Process CPU time (all threads) of the fastest fit, in seconds. */
  readonly fit_cpu_seconds: number;
  readonly coef?: number[] | number[][];
  readonly intercept?: number[];
  readonly n_iter?: number[];
  /** The warnings the last fit raised, as `Category: message`. */
  readonly warnings?: string[];
  readonly tree_nodes?: number;
  readonly tree_depth?: number;
  readonly feature_importances?: number[];
  readonly tree_feature?: number[];
  readonly tree_threshold?: number[];
  readonly pred?: number[];
  readonly proba?: number[][];
  readonly accuracy?: number;
  readonly log_loss?: number;
  readonly r2?: number;
}

export interface ReferenceJob {
  readonly name: string;
  readonly model: 'linear_regression' | 'ridge' | 'logistic_regression' | 'decision_tree_classifier' | 'decision_tree_regressor';
  readonly params?: Record<string, unknown>;
  readonly train: string;
  readonly test?: string;
  readonly repeats?: number;
}

export function runReferenceFits(dir: string, jobs: readonly ReferenceJob[]): ReferenceFit[] {
  const path = join(dir, 'jobs.json');
  writeFileSync(path, JSON.stringify(jobs));
  return runReference<ReferenceFit[]>('fit', path);
}
