/**
 * Test support for the build tests: a real store with a registered model
 * (iris, trained in-process), and the model server bundled the way
 * esbuild.mjs bundles dist/serve.js.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import assert from 'node:assert/strict';
import { makeWorkspace, runCli } from '../../../../test/fixtures/workspace';
import { fingerprintFile } from '../../../core/data/fingerprint';
import { RunStore } from '../../../store/runStore';
import { resolveModel } from '../../registry/resolveModel';
import type { ResolvedModel } from '../../registry/resolveModel';
import { trainFixture } from '../../serve/servingFixtures';
import type { TrainedFixture } from '../../serve/servingFixtures';

const REPO = join(__dirname, '..', '..', '..', '..');

export interface RegisteredFixture {
  readonly dir: string;
  readonly store: RunStore;
  readonly fixture: TrainedFixture;
  readonly resolved: ResolvedModel;
  cleanup(): void;
}

/**
 * A store in a temp folder holding one finished iris run, registered as `iris-classifier` v1 with alias `production`.
 * With `withData`, examples/data/iris.csv is copied to `data/iris.csv` in the folder and the run read it (role train),
 * so the version has rows to smoke-test with.
 */
export async function registeredIris(options: { readonly withData?: boolean } = {}): Promise<RegisteredFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-build-'));
  const store = RunStore.open(join(dir, '.runlens'));
  const fixture = await trainFixture('iris');
  const run = store.createRun({ experiment: 'iris', name: 'iris-tree', gitCommit: '0123456789abcdef0123456789abcdef01234567', gitDirty: false });
  const pkg = { ...fixture.pkg, runId: run.id };
  store.logArtifact(run.id, 'model/model.json', JSON.stringify(pkg), 'model');
  if (options.withData) {
    mkdirSync(join(dir, 'data'));
    copyFileSync(join(REPO, 'examples', 'data', 'iris.csv'), join(dir, 'data', 'iris.csv'));
    const fingerprint = await fingerprintFile(join(dir, 'data', 'iris.csv'));
    store.datasets.logInput(run.id, { fingerprint, path: 'data/iris.csv', rows: 150, columns: 5 }, 'train');
  }
  store.setStatus(run.id, 'finished');
  store.registry.registerModel(run.id, 'iris-classifier', { alias: 'production' });
  const resolved = resolveModel(store, 'iris-classifier@production');
  return {
    dir, store, fixture: { ...fixture, pkg }, resolved,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Bundles src/deploy/serve/serveMain.ts to `<outDir>/serve.js` with the
 * options esbuild.mjs uses for dist/serve.js, so the tests ship a real
 * bundle without depending on (or rewriting) the repository's dist/.
 */
export async function bundleServer(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: { serve: join(REPO, 'src/deploy/serve/serveMain.ts') },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // As esbuild.mjs: serving never loads TensorFlow.js (an MLP predicts in plain JS), so it stays out.
    external: ['vscode', 'better-sqlite3', '@tensorflow/tfjs-node', 'tsx', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
    define: { __RUNLENS_VERSION__: JSON.stringify('0.0.0-test') },
    logLevel: 'silent',
  });
  return join(outDir, 'serve.js');
}

/** A temp folder outside the repository (no node_modules above it), removed by the returned function. */
export function isolatedDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A server started as a child process, once it printed its URL. */
export interface StartedServer {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGKILL to its process group. */
  kill(): void;
}

/**
 * Spawns a model server (`node serve.js ...`, or `buildah run ... node ...`)
 * in its own process group and waits for its "at http://.../invocations" line.
 */
export function startServerProcess(command: string, args: readonly string[], cwd?: string, timeoutMs = 30_000): Promise<StartedServer> {
  const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (out += t));
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`the server did not start in ${timeoutMs / 1000} s: ${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${out}`));
    });
    child.stdout!.on('data', () => {
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, output: () => out, kill });
      }
    });
  });
}

/** POSTs JSON records to /invocations; the status and the predictions. */
export async function invoke(url: string, records: readonly Record<string, unknown>[]): Promise<{ status: number; predictions: unknown[] }> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: records }) });
  const body = (await res.json()) as { predictions?: unknown[] };
  return { status: res.status, predictions: body.predictions ?? [] };
}

/**
 * For CLI tests: a copy of examples/ where `runlens train iris.train.yaml`
 * ran and `runlens model register` made the run `iris` v1 @production, and
 * the environment that points the CLI at a freshly bundled model server.
 */
export async function registeredCliWorkspace(): Promise<{ readonly dir: string; readonly env: NodeJS.ProcessEnv; cleanup(): void }> {
  const ws = makeWorkspace();
  const bundle = isolatedDir('runlens-serve-bundle-');
  const env = { RUNLENS_SERVE_BUNDLE: await bundleServer(bundle.dir) };
  const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const runId = (JSON.parse(trained.stdout) as { id: string }).id;
  const reg = runCli(ws.dir, ['model', 'register', runId, 'iris', '--alias', 'production']);
  assert.equal(reg.code, 0, reg.stderr);
  return {
    dir: ws.dir,
    env,
    cleanup: () => {
      ws.cleanup();
      bundle.cleanup();
    },
  };
}
