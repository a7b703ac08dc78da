/**
 * The smoke test's data side: a sample of rows of the model's recorded data,
 * sent to a model server as `dataframe_split`, each prediction paired with
 * the row's label. No server start here: see contextServer.ts and
 * imageServer.ts for what answers.
 */
import { readDataFile, sniffDataFormat } from '../../core/data/dataFile';
import type { Frame } from '../../core/data/frame';
import { columnByName, isMissing, rowLine } from '../../core/data/frame';
import { cellLabel, labelColumn } from '../../core/data/targetEncoding';
import { UserError } from '../../core/util/errors';
import type { SmokeRow } from '../../protocol/deploy';

/** Rows sent by default: enough to see every class of a small dataset, small enough to read. */
export const SMOKE_ROWS = 20;

/** A sample of rows: inputs by column (JSON values) and the label of each row. */
export interface SmokeSample {
  readonly columns: readonly string[];
  readonly data: (number | string | boolean | null)[][];
  readonly expected: string[];
  readonly lines: (number | null)[];
}

function cell(frame: Frame, name: string, row: number): number | string | null {
  const col = columnByName(frame, name)!;
  if (isMissing(col, row)) return null;
  return col.values[row]!;
}

/**
 * `count` rows spread evenly over the file (data sorted by label, as iris
 * is, still gives every label), the model's input columns in its order.
 * A column the model needs that the file lacks is an error naming it.
 */
export async function sampleRows(file: string, displayPath: string, inputColumns: readonly string[], target: string, count = SMOKE_ROWS): Promise<SmokeSample> {
  // The data a run used may be Parquet or JSON Lines (a snapshot blob's name does not say which).
  const frame = await readDataFile(file, { displayPath, format: sniffDataFormat(file, displayPath) });
  const missing = [...inputColumns, target].filter((c) => !columnByName(frame, c));
  if (missing.length > 0) throw new UserError(`${displayPath} has no column ${missing.map((c) => `"${c}"`).join(', ')} (the model needs ${[...inputColumns, target].join(', ')})`);
  if (frame.rows === 0) throw new UserError(`${displayPath} has no rows`);
  const n = Math.min(count, frame.rows);
  const rows = Array.from({ length: n }, (_, i) => Math.floor((i * frame.rows) / n));
  // The label as written ("yes", not the boolean 1 the reader made of it), as the model's classes are.
  const labels = labelColumn(columnByName(frame, target)!);
  return {
    columns: [...inputColumns],
    data: rows.map((r) => inputColumns.map((c) => cell(frame, c, r))),
    expected: rows.map((r) => String(cellLabel(labels, r, true) ?? '')),
    lines: rows.map((r) => rowLine(frame, r) ?? null),
  };
}

/** Classification: the same label; regression: within 10% of the label (or 1e-9 of zero). */
export function predictionMatches(task: string, expected: string, predicted: unknown): boolean {
  if (task === 'regression') {
    const e = Number(expected);
    const p = Number(predicted);
    if (!Number.isFinite(e) || !Number.isFinite(p)) return false;
    return Math.abs(p - e) <= Math.max(1e-9, Math.abs(e) * 0.1);
  }
  // A numeric label read from CSV ("1") and a predicted class (1) are the same class.
  return String(predicted) === expected || (expected !== '' && Number(expected) === Number(predicted) && !Number.isNaN(Number(expected)));
}

/** POSTs the sample as `dataframe_split` and pairs each prediction with its label. */
export async function scoreSample(url: string, sample: SmokeSample, task: string): Promise<SmokeRow[]> {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataframe_split: { columns: sample.columns, data: sample.data } }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: { predictions?: unknown[]; message?: string; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new UserError(`${url}/invocations answered ${res.status} with a body that is not JSON: ${text.slice(0, 120)}`);
  }
  if (res.status !== 200 || !Array.isArray(body.predictions)) {
    throw new UserError(`${url}/invocations answered ${res.status}: ${body.message ?? body.error ?? text.slice(0, 200)}`);
  }
  const predictions = body.predictions;
  if (predictions.length !== sample.expected.length) throw new UserError(`the server gave ${predictions.length} predictions for ${sample.expected.length} rows`);
  return predictions.map((p, i) => {
    const predicted = typeof p === 'number' && task === 'regression' ? String(Number(p.toPrecision(6))) : String(p);
    return { line: sample.lines[i] ?? null, expected: sample.expected[i]!, predicted, match: predictionMatches(task, sample.expected[i]!, p) };
  });
}

/** Where a smoke test takes its rows: the run's test file, else its training file (said so). */
export function smokeDataset(datasets: readonly { readonly role: string; readonly fingerprint: string; readonly path: string }[]): { fingerprint: string; path: string; source: string } {
  const test = datasets.find((d) => d.role === 'test');
  if (test) return { fingerprint: test.fingerprint, path: test.path, source: `${test.path} (the run's test data)` };
  const train = datasets.find((d) => d.role === 'train') ?? datasets[0];
  if (!train) throw new UserError('the source run recorded no dataset, so there are no rows to send');
  return { fingerprint: train.fingerprint, path: train.path, source: `${train.path} (the run's training data: it recorded no separate test file)` };
}
