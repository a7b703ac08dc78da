#!/usr/bin/env node
// Runs the test pyramid: unit tests (node:test under tsx, next to the code),
// then, unless --unit, the real-VS-Code suites under test/e2e. Ends with the
// closing line `N passed, N failed` over everything that ran.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
// --hostile: only the hostile-input suite (test/hostile: corrupt stores, bad CSVs and configs, git traps, HTTP abuse).
const hostileOnly = args.includes('--hostile');
const explicit = args.filter((a) => !a.startsWith('--'));

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

if (!args.includes('--no-install')) {
  spawnSync('bash', [join(root, 'scripts/install-test-deps.sh')], { cwd: root, stdio: 'inherit' });
  // buildah + debootstrap for the real image build (src/deploy/build/imageBuild.test.ts); skipped with a reason without them.
  spawnSync('bash', [join(root, 'scripts/install-build-deps.sh')], { cwd: root, stdio: 'inherit' });
}
// The real MLflow server and client (and PostgreSQL) for the team-tracking tests: the script prints the
// PYTHONPATH under which /usr/bin/python3 imports mlflow (src/tracking/testing/realMlflow.ts reads it).
if (!process.env.RUNLENS_MLFLOW_PYTHONPATH) {
  const r = args.includes('--no-install') && !process.env.RUNLENS_MLFLOW_INSTALL
    ? { stdout: '' }
    : spawnSync('bash', [join(root, 'scripts/install-mlflow.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const dir = (r.stdout ?? '').trim().split('\n').pop();
  if (dir) process.env.RUNLENS_MLFLOW_PYTHONPATH = dir;
}

let passed = 0;
let failed = 0;
let skipped = 0;

function runNodeTests(files) {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', '--test-reporter-destination=.test-summary.tap', '--test-concurrency=2', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, RUNLENS_TEST: '1' } },
  );
  const tap = existsSync(join(root, '.test-summary.tap'))
    ? (await_read(join(root, '.test-summary.tap')))
    : '';
  const count = (label) => Number((tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  if (res.status !== 0 && count('fail') === 0) failed += 1; // the runner itself broke
}

function await_read(p) {
  return spawnSync('cat', [p], { encoding: 'utf8' }).stdout;
}

const hostileFiles = existsSync(join(root, 'test/hostile')) ? findTests(join(root, 'test/hostile')) : [];
const unitFiles = explicit.length > 0 ? explicit
  : hostileOnly ? hostileFiles
  : [...findTests(join(root, 'src')), ...findTests(join(root, 'scripts')), ...hostileFiles];
runNodeTests(unitFiles);

if (!unitOnly && !hostileOnly && explicit.length === 0 && existsSync(join(root, 'test/e2e/run.mjs'))) {
  const res = spawnSync(process.execPath, [join(root, 'test/e2e/run.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(res.stdout ?? '');
  const m = (res.stdout ?? '').match(/^e2e: (\d+) passed, (\d+) failed/m);
  if (m) { passed += Number(m[1]); failed += Number(m[2]); } else { failed += 1; }
  if (res.status !== 0 && (!m || Number(m[2]) === 0)) failed += 1;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
