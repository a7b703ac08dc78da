import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { WASM_BINARIES, wasmDirectory } from './tfjsRuntime';

const root = resolve(__dirname, '..', '..', '..', '..');

/** A fresh process: imports the registry, fits a tiny mlp, prints what it saw as one JSON line. */
const CHILD = `
const tensorflowLoaded = () => Object.keys(require.cache).some((k) => k.includes('@tensorflow'));
const { createModel } = require('./src/core/models/registry');
const atImport = tensorflowLoaded();
(async () => {
  const m = createModel('mlp', { hidden_layers: [4], epochs: 2 }, 'classification');
  await m.fit({ data: Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]), rows: 4, cols: 2 }, Float64Array.from([0, 1, 1, 0]), { task: 'classification' });
  process.stdout.write(JSON.stringify({ atImport, afterFit: tensorflowLoaded(), tags: m.runTags() }));
})();
`;

/** Runs CHILD with RUNLENS_TFJS_BACKEND set to `backend`, or unset. */
function runChild(backend: string | undefined): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.RUNLENS_TFJS_BACKEND;
  if (backend) env.RUNLENS_TFJS_BACKEND = backend;
  return new Promise((ok, fail) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', CHILD], { cwd: root, env, encoding: 'utf8' }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : ok({ stdout, stderr }),
    );
  });
}

test('tfjs loads on the first fit, not at import, and prints nothing (no banner, no warnings)', async () => {
  // The cpu backend is the one whose first use prints the "install tfjs-node" banner.
  const [cpu, auto] = await Promise.all([runChild('cpu'), runChild(undefined)]);
  for (const [name, r] of [['cpu', cpu], ['default', auto]] as const) {
    assert.equal(r.stderr, '', `${name}: stderr`);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, `${name}: stdout is only the child's JSON:\n${r.stdout}`);
    const seen = JSON.parse(lines[0]) as { atImport: boolean; afterFit: boolean; tags: Record<string, string> };
    assert.equal(seen.atImport, false, `${name}: @tensorflow modules loaded by importing the registry`);
    assert.equal(seen.afterFit, true);
    assert.equal(seen.tags['runlens.tfjs.backend'], name === 'cpu' ? 'cpu' : 'wasm');
  }
});

test('the .wasm binaries are found in node_modules when no wasm/ folder sits beside the code', () => {
  const dir = wasmDirectory();
  assert.ok(dir, 'a folder holding the SIMD binary');
  for (const file of WASM_BINARIES) assert.ok(existsSync(join(dir, file)), file);
  assert.ok(dir.includes(join('node_modules', '@tensorflow', 'tfjs-backend-wasm')), dir);
  assert.equal(wasmDirectory('no-such-binary.wasm'), undefined);
});
