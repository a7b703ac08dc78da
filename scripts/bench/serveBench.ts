/**
 * Model serving: `/invocations` throughput and latency under a loopback load
 * generator (autocannon, programmatic API, 2 connections for 2 cores, each
 * target loaded for RUN_SECONDS in interleaved rounds), for single-row and
 * 1,000-row requests, with the request log off and on.
 *
 * The server is the bundled serve entry (esbuild, as `npm run build` makes
 * dist/serve.js, written under `.bench/`) in a child process on 127.0.0.1,
 * serving a standard-scaled logistic regression on breast_cancer (30
 * numeric features). The reference, started the same way, is a bare
 * `node:http` server that reads the body and answers a constant JSON: the
 * floor any Node server on this machine pays for HTTP alone.
 *
 * Run alone: node --import tsx scripts/bench/index.ts serving
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { prepareData } from '../../src/core/data/prepareData';
import { createModel } from '../../src/core/models/registry';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION } from '../../src/core/package/modelPackage';
import type { ModelPackage } from '../../src/core/package/modelPackage';
import type { BenchResult } from './types';

const ROOT = join(__dirname, '..', '..');
/** Load time per server and request size, split into interleaved rounds (below). */
const RUN_SECONDS = 10;
const ROUNDS = 4;
const CONNECTIONS = 2;

/** The part of autocannon's result used here (the package ships no types). */
interface CannonResult {
  readonly requests: { readonly average: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly '2xx': number;
}
/** A run: a promise of the result that also emits `response` (client, status, bytes, ms). */
type CannonRun = Promise<CannonResult> & { on(event: 'response', f: (client: unknown, status: number, bytes: number, ms: number) => void): void };
type Cannon = (opts: Record<string, unknown>) => CannonRun;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Cannon;

/** The floor: reads the whole body, answers a constant JSON. Passed to `node -e` as one argument. */
const FLOOR_SERVER = `
const http = require('node:http');
const body = JSON.stringify({ predictions: ['benign'] });
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }); res.end(body); });
});
server.listen(0, '127.0.0.1', () => console.log('serving at http://127.0.0.1:' + server.address().port + '/invocations'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function bundleServer(): string {
  const dir = join(ROOT, '.bench', 'serve');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'serve.js');
  buildSync({
    entryPoints: [join(ROOT, 'src', 'deploy', 'serve', 'serveMain.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@tensorflow/tfjs-node'],
    define: { __RUNLENS_VERSION__: JSON.stringify('bench') },
    logLevel: 'warning',
  });
  return outfile;
}

async function trainPackage(): Promise<{ pkg: ModelPackage; rows: Record<string, unknown>[] }> {
  const data = await prepareData({ path: 'data/breast_cancer.csv', target: 'diagnosis', features: { scale: 'standard' } }, join(ROOT, 'examples'), { seed: 7 });
  const model = createModel('logistic_regression', { C: 1, max_iter: 200 }, data.task);
  await model.fit(data.Xtrain, data.ytrain, { task: data.task, nClasses: data.classes?.length, featureNames: data.featureNames });
  const pkg: ModelPackage = {
    format: MODEL_PACKAGE_FORMAT, version: MODEL_PACKAGE_VERSION, task: data.task, target: 'diagnosis',
    ...(data.classes ? { classes: data.classes } : {}),
    inputColumns: data.preprocessor.inputColumns, featureNames: data.featureNames,
    preprocessor: data.preprocessor.toJSON(), model: model.toJSON(), runId: 'bench', createdAt: 0, runlensVersion: 'bench',
  };
  const f = data.testFrame;
  const cols = f.columns.filter((c) => pkg.inputColumns.includes(c.name));
  const rows = Array.from({ length: f.rows }, (_, r) => Object.fromEntries(cols.map((c) => [c.name, c.values[r]])));
  return { pkg, rows };
}

/** Starts a server child (argument array, no shell) and resolves with its URL once it prints it. */
function startChild(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
      if (m) {
        clearTimeout(timer);
        // Keep draining the per-request log lines so the child never blocks on a full pipe.
        out = '';
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ child, url: m[1]! });
      }
    });
  });
}

async function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Load { readonly rps: number; readonly p50: number; readonly p99: number; readonly requests: number }

/** One bounded load run; the exact response times of its 2xx answers are appended to `times`. */
async function loadRound(url: string, body: string, seconds: number, times: number[]): Promise<{ requests: number; seconds: number }> {
  const run = autocannon({
    url: `${url}/invocations`, method: 'POST', headers: { 'content-type': 'application/json' }, body,
    connections: CONNECTIONS, duration: seconds,
  });
  // autocannon's latency histogram keeps whole milliseconds (a single-row request takes less
  // than one), so the percentiles come from the exact response times it reports per response.
  run.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const r = await run;
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`load run had ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts`);
  return { requests: r['2xx'], seconds };
}

/**
 * Runs each target for RUN_SECONDS in ROUNDS interleaved rounds (A B C A B C …): other
 * work on a shared machine then weighs on every target alike instead of on whichever
 * happened to run during a busy spell. Throughput is the median round's.
 */
async function interleaved(targets: readonly { url: string; body: string }[]): Promise<Load[]> {
  const times = targets.map((): number[] => []);
  const rounds = targets.map((): { requests: number; seconds: number }[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let t = 0; t < targets.length; t++) rounds[t]!.push(await loadRound(targets[t]!.url, targets[t]!.body, RUN_SECONDS / ROUNDS, times[t]!));
  }
  return targets.map((_, t) => {
    const sorted = times[t]!.sort((a, b) => a - b);
    const pct = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    const rps = rounds[t]!.map((x) => x.requests / x.seconds).sort((a, b) => a - b);
    const median = rps.length % 2 ? rps[rps.length >> 1]! : (rps[rps.length / 2 - 1]! + rps[rps.length / 2]!) / 2;
    return { rps: median, p50: pct(0.5), p99: pct(0.99), requests: rounds[t]!.reduce((s, x) => s + x.requests, 0) };
  });
}

export async function benchServe(): Promise<readonly BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-serve-bench-'));
  const server = bundleServer();
  try {
    const { pkg, rows } = await trainPackage();
    const modelPath = join(dir, 'model.json');
    writeFileSync(modelPath, JSON.stringify(pkg));
    const thousand = Array.from({ length: 1000 }, (_, i) => rows[i % rows.length]!);
    const bodies = { single: JSON.stringify({ dataframe_records: rows.slice(0, 1) }), thousand: JSON.stringify({ dataframe_records: thousand }) };
    const logFile = join(dir, 'requests.jsonl');
    const children: ChildProcessWithoutNullStreams[] = [];
    let floor: { single: Load; thousand: Load };
    let plain: { single: Load; thousand: Load };
    let logged: { single: Load; thousand: Load };
    try {
      const urls: string[] = [];
      for (const args of [['-e', FLOOR_SERVER], [server, modelPath, '--port', '0'], [server, modelPath, '--port', '0', '--request-log', logFile]]) {
        const { child, url } = await startChild(args);
        children.push(child);
        urls.push(url);
        // A short warm-up so the first numbers are not JIT compilation.
        await autocannon({ url: `${url}/invocations`, method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies.single, connections: CONNECTIONS, amount: 500 });
      }
      const single = await interleaved(urls.map((url) => ({ url, body: bodies.single })));
      const many = await interleaved(urls.map((url) => ({ url, body: bodies.thousand })));
      [floor, plain, logged] = [0, 1, 2].map((i) => ({ single: single[i]!, thousand: many[i]! }));
    } finally {
      for (const child of children) await stopChild(child);
    }
    const logMiB = statSync(logFile).size / 2 ** 20;
    const results: BenchResult[] = [];
    for (const [kind, label] of [['single', 'single-row'], ['thousand', '1,000-row']] as const) {
      const p = plain[kind];
      const l = logged[kind];
      const f = floor[kind];
      results.push(
        { name: `${label} requests: throughput`, value: p.rps, unit: 'req/s', reference: f.rps, referenceName: 'bare node:http', note: `${p.requests} requests in ${RUN_SECONDS} s (${ROUNDS} interleaved rounds, median), ${CONNECTIONS} connections${kind === 'thousand' ? ` (${(p.rps * 1000).toFixed(0)} rows/s, body ${(bodies.thousand.length / 1024).toFixed(0)} KiB; the floor reads the body but does not parse it)` : ''}` },
        { name: `${label} requests: p50 latency`, value: p.p50, unit: 'ms', reference: f.p50, referenceName: 'bare node:http', note: 'exact response times (autocannon\'s histogram keeps whole ms)' },
        { name: `${label} requests: p99 latency`, value: p.p99, unit: 'ms', reference: f.p99, referenceName: 'bare node:http' },
        { name: `${label} requests with the request log: throughput`, value: l.rps, unit: 'req/s', reference: p.rps, referenceName: 'log off', goal: '≥ 0.8 of log off' },
        { name: `${label} requests with the request log: p99 latency`, value: l.p99, unit: 'ms', reference: p.p99, referenceName: 'log off' },
      );
    }
    results.push({ name: 'request log written', value: logMiB, unit: 'MiB', note: 'both load runs with logging on; sample rate 1, at most 200 logged requests/s, 100 rows of inputs per request' });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(server, { force: true });
  }
}

if (process.argv[1]?.endsWith('serveBench.ts')) {
  void benchServe().then((rs) => {
    for (const r of rs) {
      const ref = r.reference !== undefined ? `  (${r.referenceName} ${r.reference.toFixed(2)} ${r.unit})` : '';
      console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}${ref}${r.note ? `  — ${r.note}` : ''}`);
    }
  });
}
