/**
 * The Deploy panel's smoke test: start the model server from a build
 * context's own files (what the image would run), send it a sample of rows
 * of the model's data and put its predictions next to the labels. No vscode
 * import: tested under plain Node with a real server process and real HTTP.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCsv } from '../../core/data/csvReader';
import type { Frame } from '../../core/data/frame';
import { columnByName, isMissing, rowLine } from '../../core/data/frame';
import { UserError } from '../../core/util/errors';
import { writeBuildContext } from '../../deploy/build/buildContext';
import { detectContainerCli, shellQuote } from '../../deploy/build/containerCli';
import { RUNTIME_FILES } from '../../deploy/build/dockerfile';
import { resolveModel } from '../../deploy/registry/resolveModel';
import { materializeDataset } from '../../datasets/materialize';
import type { SmokeRow, SmokeView } from '../../protocol/deploy';
import type { RunStore } from '../../store/runStore';

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
  const frame = await readCsv(file, { displayPath });
  const missing = [...inputColumns, target].filter((c) => !columnByName(frame, c));
  if (missing.length > 0) throw new UserError(`${displayPath} has no column ${missing.map((c) => `"${c}"`).join(', ')} (the model needs ${[...inputColumns, target].join(', ')})`);
  if (frame.rows === 0) throw new UserError(`${displayPath} has no rows`);
  const n = Math.min(count, frame.rows);
  const rows = Array.from({ length: n }, (_, i) => Math.floor((i * frame.rows) / n));
  return {
    columns: [...inputColumns],
    data: rows.map((r) => inputColumns.map((c) => cell(frame, c, r))),
    expected: rows.map((r) => String(cell(frame, target, r) ?? '')),
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

/** A server started from a build context's files. */
export interface ContextServer {
  readonly url: string;
  /** The command as run, for the panel. */
  readonly command: string;
  stop(): Promise<void>;
}

/**
 * Runs `node server/serve.js model/model.json --port 0` inside the context
 * folder (the image's ENTRYPOINT, with a free loopback port), waiting for its
 * "at http://…/invocations" line. `execPath` is the Node to use; inside VS
 * Code's Electron it runs as Node through ELECTRON_RUN_AS_NODE.
 */
export function startContextServer(contextDir: string, execPath: string, timeoutMs = 30_000): Promise<ContextServer> {
  const [server, model] = RUNTIME_FILES.map((f) => join(contextDir, f.context));
  for (const f of [server!, model!]) if (!existsSync(f)) throw new UserError(`the build context ${contextDir} lacks ${f}; build it again`);
  const args = [server!, model!, '--port', '0', '--host', '127.0.0.1'];
  const child = spawn(execPath, args, { cwd: contextDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new UserError(`the model server did not start within ${timeoutMs / 1000} s: ${out.trim().split('\n').pop() ?? ''}`));
    }, timeoutMs);
    const collect = (t: Buffer): void => {
      out += t.toString('utf8');
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, command: `node ${args.map((a) => a.replace(`${contextDir}/`, '')).join(' ')}`, stop });
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new UserError(`could not start ${execPath}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new UserError(`the model server exited (${signal ?? `code ${code}`}) before it listened: ${out.trim().split('\n').pop() ?? ''}`));
    });
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

export interface SmokeTestInput {
  readonly store: RunStore;
  /** The workspace folder (relative dataset paths resolve against it). */
  readonly root: string;
  readonly ref: string;
  readonly buildsDir: string;
  /** Node.js to run the server with. */
  readonly execPath: string;
  readonly rows?: number;
}

/**
 * The whole smoke test: resolve the version, (re)write its build context,
 * start the server from the context's files, send a sample of the recorded
 * data's rows (the exact bytes of the version the run read: from the file
 * if unchanged, else the store's snapshot), stop the server.
 */
export async function runSmokeTest(input: SmokeTestInput): Promise<SmokeView> {
  const started = performance.now();
  const model = resolveModel(input.store, input.ref);
  const data = smokeDataset(model.datasets);
  const materialized = await materializeDataset({ kind: 'version', fingerprint: data.fingerprint }, { store: input.store, root: input.root });
  try {
    const sample = await sampleRows(materialized.file, data.path, model.pkg.inputColumns, model.pkg.target, input.rows);
    const context = writeBuildContext(model, { buildsDir: input.buildsDir, workspaceDir: input.root });
    const server = await startContextServer(context.dir, input.execPath);
    try {
      const rows = await scoreSample(server.url, sample, model.pkg.task);
      const image = await imageNote(context.tag);
      return {
        ref: input.ref,
        source: data.source,
        how: `${server.command} in ${context.dir} (the image's own files, on this machine's Node); ${image}`,
        url: server.url,
        rows,
        matches: rows.filter((r) => r.match).length,
        task: model.pkg.task,
        ms: Math.round(performance.now() - started),
      };
    } finally {
      await server.stop();
    }
  } finally {
    materialized.dispose();
  }
}

/**
 * Why the image itself was not what answered: with a working docker or podman
 * (their probe passes), the command to run it; else what each one lacked
 * (buildah builds images but does not run servers).
 */
async function imageNote(tag: string): Promise<string> {
  const reasons: string[] = [];
  for (const cli of ['docker', 'podman'] as const) {
    const d = await detectContainerCli({ cli, timeoutMs: 5000 });
    if (d.cli) return `to test the image itself: ${cli} run --rm -p 127.0.0.1:8080:8080 ${shellQuote(tag)}`;
    reasons.push(...d.rejected.map((r) => `${r.cli}: ${r.reason}`));
  }
  return `the image was not run: this machine cannot run containers (${reasons.join('; ')})`;
}
