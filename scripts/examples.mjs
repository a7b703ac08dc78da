#!/usr/bin/env node
// The main job: trains every example config into the examples workspace's
// store (examples/.runlens) through the real CLI, then prints the runs table.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const examples = join(root, 'examples');
const cli = join(root, 'bin', 'runlens.js');

if (!existsSync(join(root, 'dist', 'cli.js')) || process.argv.includes('--build')) {
  const b = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const configs = readdirSync(examples).filter((f) => /\.train\.(ya?ml|json)$/.test(f)).sort();
let failures = 0;
for (const config of configs) {
  process.stderr.write(`\n== runlens train ${config}\n`);
  const r = spawnSync(process.execPath, [cli, 'train', config], { cwd: examples, stdio: 'inherit' });
  if (r.status !== 0) failures++;
}

// examples/python: command runs of Python scripts, with the Python that
// {{python}} names ($RUNLENS_PYTHON, else python3); skipped when it lacks what they need.
const python = process.env.RUNLENS_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
const pythonHas = (module) => spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
for (const [config, module] of [['python/loop.train.yaml', 'sys'], ['python/sklearn.train.yaml', 'sklearn']]) {
  if (!pythonHas(module)) {
    const why = module === 'sys' ? `${python} was not found` : `${python} has no ${module}`;
    process.stderr.write(`\n== skipped ${config}: ${why} (set RUNLENS_PYTHON to a Python that has it)\n`);
    continue;
  }
  process.stderr.write(`\n== runlens train ${config}\n`);
  const r = spawnSync(process.execPath, [cli, 'train', config], { cwd: examples, stdio: 'inherit' });
  if (r.status !== 0) failures++;
}
// Every top-level run (sweeps and trained configs); the footer counts the sweep trials and CV folds left out.
process.stderr.write('\n== runlens runs\n');
spawnSync(process.execPath, [cli, 'runs'], { cwd: examples, stdio: 'inherit' });
if (failures > 0) {
  process.stderr.write(`${failures} example(s) failed\n`);
  process.exit(1);
}
