/**
 * Loads TensorFlow.js on the first fit, never at import (a process that
 * only validates configs or loads a model for prediction does not pay its
 * ~0.4 s load), and picks the backend: `tensorflow` (tfjs-node) only when the
 * user installed it, else wasm where it loads, else cpu.
 * `RUNLENS_TFJS_BACKEND=cpu|wasm|tensorflow` forces one (cpu stays the
 * fallback).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';

export type TfjsBackend = 'tensorflow' | 'wasm' | 'cpu';

/** The loaded library and the backend it runs on. */
export interface TfjsRuntime {
  readonly tf: typeof Tf;
  readonly backend: TfjsBackend;
  /** Compute threads of the backend, when known. */
  readonly threads?: number;
  /** Whether the wasm binary is the SIMD build. */
  readonly simd?: boolean;
  /** Why a preferred backend did not load, when one did not. */
  readonly fallback?: string;
}

/**
 * The .wasm binaries a bundled build ships in `dist/wasm/` (esbuild copies
 * them; it bundles JS only). Node.js always gets the SIMD build; the plain
 * one is for runtimes without wasm SIMD. The threaded build is not shipped:
 * tfjs disables wasm threads under Node (its pthread workers are blob URLs,
 * which `worker_threads` cannot start).
 */
export const WASM_BINARIES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'] as const;

let loaded: typeof Tf | undefined;
let current: Promise<TfjsRuntime> | undefined;

function loadLibrary(): typeof Tf {
  if (loaded) return loaded;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as typeof Tf;
  // Production mode is tfjs's switch for its own console output: the
  // "install tfjs-node" banner and kernel re-registration warnings go through
  // its logger, which stays quiet in PROD (it disables no computation).
  tf.enableProdMode();
  loaded = tf;
  return tf;
}

/** tfjs-node is optional: loaded only when the user installed it next to RunLens. */
function tryLoadNodeBinding(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

function loadWasmModule(): typeof TfWasm {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs-backend-wasm') as typeof TfWasm;
}

/**
 * The folder holding `file`: `wasm/` beside the running bundle (dist/ in a
 * build), else the package's own dist/ in node_modules (tsx, tests).
 */
export function wasmDirectory(file: string = WASM_BINARIES[0]): string | undefined {
  const candidates = [join(__dirname, 'wasm')];
  try {
    candidates.push(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
  } catch {
    // Not resolvable from here (a bundle shipped without node_modules).
  }
  return candidates.find((dir) => existsSync(join(dir, file)));
}

let wasmPathsSet = false;

async function tryWasm(tf: typeof Tf): Promise<TfjsRuntime | string> {
  const wasm = loadWasmModule();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  if (!wasmPathsSet) {
    const file = simd ? WASM_BINARIES[0] : WASM_BINARIES[1];
    const dir = wasmDirectory(file);
    if (!dir) return `${file} is neither in ${join(__dirname, 'wasm')} nor in node_modules`;
    wasm.setWasmPaths(dir + '/');
    wasmPathsSet = true;
  }
  try {
    if (!(await tf.setBackend('wasm'))) return 'the wasm backend did not initialise';
  } catch (e) {
    return `the wasm backend did not initialise: ${(e as Error).message}`;
  }
  return { tf, backend: 'wasm', threads: wasm.getThreadsCount(), simd };
}

/**
 * Sets the first backend of `wanted` that initialises. A missing tfjs-node is
 * only worth a `fallback` note when it was asked for by name.
 */
async function activate(wanted: readonly TfjsBackend[], nodeAskedFor: boolean): Promise<TfjsRuntime> {
  const tf = loadLibrary();
  const reasons: string[] = [];
  const withReasons = (rt: TfjsRuntime): TfjsRuntime => (reasons.length ? { ...rt, fallback: reasons.join('; ') } : rt);
  for (const name of wanted) {
    if (name === 'tensorflow') {
      if (!tryLoadNodeBinding()) {
        if (nodeAskedFor) reasons.push('@tensorflow/tfjs-node is not installed');
      } else if (await tf.setBackend('tensorflow')) {
        return withReasons({ tf, backend: 'tensorflow' });
      } else {
        reasons.push('the tensorflow backend (tfjs-node) did not initialise');
      }
    } else if (name === 'wasm') {
      const r = await tryWasm(tf);
      if (typeof r !== 'string') return withReasons(r);
      reasons.push(r);
    } else if (await tf.setBackend('cpu')) {
      return withReasons({ tf, backend: 'cpu', threads: 1 });
    }
  }
  throw new Error(`TensorFlow.js has no usable backend: ${reasons.join('; ')}`);
}

/** tensorflow, wasm, cpu; or the backend RUNLENS_TFJS_BACKEND names, then cpu. */
function preferredOrder(): TfjsBackend[] {
  const forced = process.env.RUNLENS_TFJS_BACKEND;
  if (forced === 'cpu' || forced === 'wasm' || forced === 'tensorflow') return forced === 'cpu' ? ['cpu'] : [forced, 'cpu'];
  return ['tensorflow', 'wasm', 'cpu'];
}

/** The runtime every fit uses: loaded once per process, on first call. */
export function tfjsRuntime(): Promise<TfjsRuntime> {
  current ??= activate(preferredOrder(), process.env.RUNLENS_TFJS_BACKEND === 'tensorflow');
  return current;
}

/**
 * Switches the process to one backend (`cpu` as the fallback) for later fits;
 * the benchmark uses it to time each backend in one process.
 */
export function useTfjsBackend(name: TfjsBackend): Promise<TfjsRuntime> {
  const previous = current ?? Promise.resolve(undefined);
  current = previous.catch(() => undefined).then(() => activate(name === 'cpu' ? ['cpu'] : [name, 'cpu'], true));
  return current;
}

/** Run tags describing a runtime, e.g. `{ 'runlens.tfjs.backend': 'wasm', 'runlens.tfjs.threads': '1' }`. */
export function runtimeTags(rt: TfjsRuntime): Record<string, string> {
  const tags: Record<string, string> = { 'runlens.tfjs.backend': rt.backend, 'runlens.tfjs.version': rt.tf.version.tfjs ?? rt.tf.version_core };
  if (rt.threads !== undefined) tags['runlens.tfjs.threads'] = String(rt.threads);
  if (rt.simd !== undefined) tags['runlens.tfjs.simd'] = String(rt.simd);
  if (rt.fallback) tags['runlens.tfjs.fallback'] = rt.fallback;
  return tags;
}
