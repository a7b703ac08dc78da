#!/usr/bin/env node
// Runs the test pyramid: unit tests (node:test under tsx, next to the code), then system tests (the node
// tests listed in scripts/systemTests.mjs: child servers, container builds, real MLflow/PostgreSQL), then
// the real-VS-Code suites under test/e2e. Ends with the closing line `N passed, N failed` over everything
// that ran.
// The full run and --unit begin with the static checks: tsc --noEmit and eslint (layer rules included).
//   --unit     the static checks and the unit tests (npm run test:unit)
//   --system   the system tests only (npm run test:system)
//   --hostile  the hostile-input suite only (test/hostile: corrupt stores, bad CSVs and configs, git traps, HTTP abuse)
//   files…     just these test files
//   --no-install  skip the apt/pip set-up scripts
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SYSTEM_TESTS } from './systemTests.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const systemOnly = args.includes('--system');
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

let passed = 0;
let failed = 0;
let skipped = 0;

// A listed system test that does not exist (moved or renamed) fails the run, so the list stays true.
const systemPaths = new Set(SYSTEM_TESTS.map((t) => t.path));
for (const path of systemPaths) {
  if (!existsSync(join(root, path))) {
    console.error(`scripts/systemTests.mjs lists ${path}, which does not exist: update the list (moved or renamed?)`);
    failed += 1;
  }
}

const hostileFiles = existsSync(join(root, 'test/hostile')) ? findTests(join(root, 'test/hostile')) : [];
const webviewFiles = existsSync(join(root, 'webview')) ? findTests(join(root, 'webview')) : [];
const allFiles = [...findTests(join(root, 'src')), ...findTests(join(root, 'scripts')), ...webviewFiles, ...hostileFiles];
const unitFiles = allFiles.filter((f) => !systemPaths.has(f));
const systemFiles = allFiles.filter((f) => systemPaths.has(f));

const runsUnit = explicit.length === 0 && !hostileOnly && !systemOnly;
const runsSystem = explicit.length > 0 || hostileOnly || (!unitOnly && systemFiles.length > 0);
const runsE2e = explicit.length === 0 && !hostileOnly && !unitOnly && !systemOnly && existsSync(join(root, 'test/e2e/run.mjs'));

if (!args.includes('--no-install')) {
  // python3-sklearn (with pandas): the reference the models and metrics are checked against (unit tests).
  spawnSync('bash', [join(root, 'scripts/install-test-deps.sh')], { cwd: root, stdio: 'inherit' });
  // buildah + debootstrap for the real image build (src/deploy/build/imageBuild.test.ts): system tests.
  if (runsSystem) spawnSync('bash', [join(root, 'scripts/install-build-deps.sh')], { cwd: root, stdio: 'inherit' });
  // python3-ipykernel, python3-jupyter-client, python3-nbclient for the notebook tests (real kernels): system tests.
  if (runsSystem) spawnSync('bash', [join(root, 'scripts/install-notebook-deps.sh')], { cwd: root, stdio: 'inherit' });
}
// The real MLflow server and client (and PostgreSQL) for the team-tracking system tests: the script prints
// the PYTHONPATH under which /usr/bin/python3 imports mlflow (src/tracking/testing/realMlflow.ts reads it).
if (runsSystem && !process.env.RUNLENS_MLFLOW_PYTHONPATH) {
  const r = args.includes('--no-install') && !process.env.RUNLENS_MLFLOW_INSTALL
    ? { stdout: '' }
    : spawnSync('bash', [join(root, 'scripts/install-mlflow.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const dir = (r.stdout ?? '').trim().split('\n').pop();
  if (dir) process.env.RUNLENS_MLFLOW_PYTHONPATH = dir;
}

/**
 * Files in flight at once. Unit tests spend much of their time waiting on the child processes they start
 * (the CLI, the worker, git), so 4 keep 2 cores busy (about 1:40 for the unit set on an idle 2-core machine,
 * against about 2:30 at 2); system tests start servers and image builds, which want a core each.
 */
function runNodeTests(label, files, concurrency = 2) {
  if (files.length === 0) return;
  const started = performance.now();
  const tapFile = join(root, '.test-summary.tap');
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, `--test-concurrency=${concurrency}`, ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, RUNLENS_TEST: '1' } },
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped') + count('todo');
  if (res.status !== 0 && count('fail') === 0) failed += 1; // the runner itself broke
  console.log(`# ${label}: ${files.length} files, ${count('pass')} passed, ${count('fail') + count('cancelled')} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * The static checks CI runs before any test: the type check (tsx strips types without checking them) and
 * lint over every folder with code, which includes the layer rules (eslint.config.mjs). Each counts as one
 * test in the closing line.
 */
function runStaticChecks() {
  const checks = [
    ['typecheck', [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit']],
    ['lint', [join(root, 'node_modules/eslint/bin/eslint.js'), 'src', 'webview', 'scripts', 'test']],
  ];
  for (const [label, argv] of checks) {
    const started = performance.now();
    const res = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit' });
    const ok = res.status === 0;
    if (ok) passed += 1;
    else failed += 1;
    console.log(`# ${label}: ${ok ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (explicit.length === 0 && !hostileOnly && !systemOnly) runStaticChecks();

if (explicit.length > 0) runNodeTests('tests', explicit);
else if (hostileOnly) runNodeTests('hostile tests', hostileFiles);
else {
  if (runsUnit) runNodeTests('unit tests', unitFiles, 4);
  if (runsSystem) runNodeTests('system tests', systemFiles);
}

if (runsE2e) {
  const res = spawnSync(process.execPath, [join(root, 'test/e2e/run.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(res.stdout ?? '');
  const m = (res.stdout ?? '').match(/^e2e: (\d+) passed, (\d+) failed/m);
  if (m) { passed += Number(m[1]); failed += Number(m[2]); } else { failed += 1; }
  if (res.status !== 0 && (!m || Number(m[2]) === 0)) failed += 1;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
