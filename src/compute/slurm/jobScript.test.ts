import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { JobScriptError, renderJobScript, sbatchDirectives } from './jobScript';
import type { SlurmProfileOptions } from './jobScript';

const HOSTILE = ["it's", '"double"', '$(touch pwned)', '`touch pwned`', '$HOME', 'two\nlines', '; exit 7 #', '', ' lead', '\\'];

test('a profile becomes #SBATCH lines in a fixed order, values quoted where needed', () => {
  const profile: SlurmProfileOptions = { name: 'gpu-a100', partition: 'gpu', time: '1:00:00', cpus_per_task: 8, mem: '32G', gres: 'gpu:a100:1', account: 'proj 42', qos: 'high', constraint: 'a100&ib', requeue: true, extra: ['--exclusive', '--comment=two words'] };
  assert.deepEqual(sbatchDirectives(profile), [
    '#SBATCH --partition=gpu',
    '#SBATCH --time=1:00:00',
    '#SBATCH --cpus-per-task=8',
    '#SBATCH --mem=32G',
    '#SBATCH --gres=gpu:a100:1',
    "#SBATCH --account='proj 42'",
    '#SBATCH --qos=high',
    "#SBATCH --constraint='a100&ib'",
    '#SBATCH --requeue',
    '#SBATCH --exclusive',
    "#SBATCH '--comment=two words'",
  ]);
  assert.deepEqual(sbatchDirectives({ name: 'p', time: '1', requeue: false }), ['#SBATCH --time=1', '#SBATCH --no-requeue']);
  assert.deepEqual(sbatchDirectives({ name: 'bare' }), []);
});

test('the script: directives first, set -euo pipefail, exports, setup as written after set +u, exec of the command', () => {
  const script = renderJobScript({
    profile: { name: 'gpu', partition: 'gpu', env: { CUDA_VISIBLE_DEVICES: '0' }, setup: ['module load cuda/12', 'source "$HOME/venv/bin/activate"'] },
    command: ['node', '/opt/runlens/cli.js', 'job-task', '/shared/jobs/r 1/manifest.json'],
    outputPath: '/shared/jobs/r 1/%a/output.log',
    array: { count: 4, parallel: 2 },
    jobName: 'runlens-sweep',
  });
  assert.equal(script, [
    '#!/bin/bash',
    '#SBATCH --job-name=runlens-sweep',
    "#SBATCH --output='/shared/jobs/r 1/%a/output.log'",
    "#SBATCH --error='/shared/jobs/r 1/%a/output.log'",
    '#SBATCH --array=0-3%2',
    '#SBATCH --partition=gpu',
    '# Written by RunLens for compute profile gpu.',
    'set -euo pipefail',
    'export CUDA_VISIBLE_DEVICES=0',
    'set +u',
    '# setup (compute profile gpu), as written there:',
    'module load cuda/12',
    'source "$HOME/venv/bin/activate"',
    "exec node /opt/runlens/cli.js job-task '/shared/jobs/r 1/manifest.json'",
    '',
  ].join('\n'));
  assert.match(renderJobScript({ profile: { name: 'p' }, command: ['true'], outputPath: '/o', array: { count: 3, parallel: 5 } }), /^#SBATCH --array=0-2$/m);
});

test('hostile values reach the command and its environment unchanged, and none runs as code', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-jobscript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = Object.fromEntries(HOSTILE.map((v, i) => [`V${i}`, v]));
  const script = renderJobScript({
    profile: { name: 'p', env, setup: ['echo "setup sees ${NOT_SET_ANYWHERE:-nothing}" >&2'] },
    // node prints its argv and the exported values as JSON
    command: [process.execPath, '-e', 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), env: Object.keys(process.env).filter((k) => /^V\\d+$/.test(k)).sort((a, b) => a.slice(1) - b.slice(1)).map((k) => process.env[k]) }))', ...HOSTILE],
    outputPath: path.join(dir, "out 'put'.log"),
  });
  const file = path.join(dir, 'job.sh');
  writeFileSync(file, script);
  const r = spawnSync('bash', [file], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { argv: HOSTILE, env: HOSTILE });
  assert.match(r.stderr, /setup sees nothing/, 'a setup line reading an unset variable is not stopped by set -u');
  assert.equal(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.includes('pwned'), false, 'no command substitution ran');
});

test('a failing setup line stops the job before the command', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-jobscript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'job.sh');
  writeFileSync(file, renderJobScript({ profile: { name: 'p', setup: ['false'] }, command: ['touch', path.join(dir, 'ran')], outputPath: '/dev/null' }));
  const r = spawnSync('bash', [file], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(spawnSync('ls', [dir], { encoding: 'utf8' }).stdout.includes('ran'), false);
});

test('a line break in an #SBATCH value, or an env name a shell cannot export, is refused by name', () => {
  assert.throws(() => sbatchDirectives({ name: 'p', partition: 'gpu\nrm -rf ~' }), (e: unknown) => e instanceof JobScriptError && /compute profile "p": partition .* line break/.test(e.message));
  assert.throws(() => sbatchDirectives({ name: 'p', extra: ['--exclusive\n#'] }), JobScriptError);
  assert.throws(() => renderJobScript({ profile: { name: 'p' }, command: ['x'], outputPath: '/a\n/b' }), /output .* line break/);
  assert.throws(() => renderJobScript({ profile: { name: 'p', env: { 'A-B': '1' } }, command: ['x'], outputPath: '/o' }), /env name "A-B" is not a shell variable name/);
  assert.throws(() => renderJobScript({ profile: { name: 'p' }, command: [], outputPath: '/o' }), /no command/);
});
