#!/usr/bin/env node
// The integration suites (test/integration/**/*.test.ts) in DESKTOP VS Code,
// through @vscode/test-electron: for machines that can download VS Code
// (this project's own machines cannot: there `node test/e2e/run.mjs` runs the
// same suites in code-server). Downloads VS Code stable and the oldest
// version the manifest supports (1.100.0), and runs the compiled suites
// (out/test/integration/index.js from test/e2e/buildIntegration.mjs) in
// each, on a fresh copy of test/integration/workspace.
//
// The native module. Desktop VS Code runs extensions in Electron's Node, whose
// ABI differs from the system Node that `npm ci` built better-sqlite3 for
// (NODE_MODULE_VERSION 115 on Node 20; Electron 34 is 132, ...). Rebuilding it
// in the work tree would break the unit tests, the CLI and the code-server
// tests, so this script
//   1. asks the downloaded VS Code for its Electron version (it runs as Node
//      with ELECTRON_RUN_AS_NODE=1, as VS Code's own `code` CLI does);
//   2. builds better-sqlite3 for that Electron into a cache folder, once per
//      Electron version: the prebuilt binary from better-sqlite3's releases
//      (prebuild-install --runtime electron), else compiled against Electron's
//      headers (node-gyp --runtime=electron --dist-url=https://electronjs.org/headers,
//      needs python3, make and a C++ compiler); then loads it in that Electron;
//   3. lays out an extension folder that is the project's build (package.json,
//      dist/, bin/, media/, schemas/, examples/ and the compiled suites, copied
//      fresh each run) with that better-sqlite3 and links to the project's
//      other packages, and runs VS Code with it as extensionDevelopmentPath.
//      Copies, not links, for what loads better-sqlite3: Node resolves a
//      module from its real path, so a linked dist/ would find the project's
//      Node build again.
//
// usage: node test/electron/runTest.mjs [VERSION...]   default: stable 1.100.0
//        (package.json script "test:electron")
// env:   RUNLENS_VSCODE_VERSIONS="stable 1.100.0"  same as the arguments
//        RUNLENS_E2E_GREP=text                     only mocha tests whose title matches
// Linux without a display: run it under `xvfb-run -a`.
// Cache (git-ignored): test/e2e/.cache/vscode-test (VS Code builds, user data,
// the better-sqlite3 builds, the extension folders). Results: test-results/electron/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildIntegration, integrationDir, integrationOut } from '../e2e/buildIntegration.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const cache = join(root, 'test/e2e/.cache/vscode-test');
const resultsRoot = join(root, 'test-results/electron');
const require = createRequire(join(root, 'package.json'));
const log = (m) => process.stderr.write(`test-electron: ${m}\n`);

const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const versions = args.length > 0 ? args : (process.env.RUNLENS_VSCODE_VERSIONS ?? 'stable 1.100.0').split(/\s+/).filter(Boolean);

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  log('no display: desktop VS Code needs one. Run `xvfb-run -a node test/electron/runTest.mjs` (apt-get install xvfb).');
  process.exit(1);
}

/** Runs a command, its output to stderr; throws with its exit status. */
function sh(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: ['ignore', 'inherit', 'inherit'], shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** Runs JavaScript in the Electron of a VS Code build, as Node (what its `code` CLI does). */
function inElectron(vscodeExe, code) {
  const r = spawnSync(vscodeExe, ['-e', code], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${vscodeExe} as Node failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

/**
 * better-sqlite3 built for one Electron version, in the cache; returns its
 * package folder. Built once, then reused while it still loads.
 */
function betterSqliteFor(vscodeExe, electron) {
  const pkgDir = join(cache, `better-sqlite3-electron-${electron}`, 'node_modules', 'better-sqlite3');
  const probe = `const D=require(${JSON.stringify(join(pkgDir, 'lib', 'index.js'))});console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)`;
  if (existsSync(join(pkgDir, 'build/Release/better_sqlite3.node'))) {
    try {
      log(`better-sqlite3 for Electron ${electron} (cached): sqlite ${inElectron(vscodeExe, probe)}`);
      return pkgDir;
    } catch { /* stale or broken: build again */ }
  }
  rmSync(pkgDir, { recursive: true, force: true });
  const src = join(root, 'node_modules/better-sqlite3');
  // sources and package.json, not the Node build
  cpSync(src, pkgDir, { recursive: true, filter: (p) => !/^build([/\\]|$)/.test(relative(src, p)) });
  // its own dependency, so `bindings` resolves from the copy's real path
  for (const dep of ['bindings', 'file-uri-to-path']) linkDir(join(root, 'node_modules', dep), join(pkgDir, '..', dep));
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electron, npm_config_disturl: 'https://electronjs.org/headers' };
  try {
    log(`better-sqlite3 for Electron ${electron}: prebuilt binary (prebuild-install)`);
    sh(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electron, '--arch', process.arch, '--verbose'], { cwd: pkgDir, env });
  } catch (e) {
    log(`${e.message}; compiling against Electron ${electron}'s headers (node-gyp)`);
    sh('npx', ['--yes', 'node-gyp', 'rebuild', '--release', '--runtime=electron', `--target=${electron}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'], { cwd: pkgDir, env });
  }
  log(`better-sqlite3 for Electron ${electron}: sqlite ${inElectron(vscodeExe, probe)}`);
  return pkgDir;
}

function linkDir(target, path) {
  rmSync(path, { recursive: true, force: true });
  // a junction needs no privilege on Windows
  symlinkSync(target, path, process.platform === 'win32' ? 'junction' : 'dir');
}

/** The extension folder for one Electron version: the project's build with that better-sqlite3. */
function extensionFolder(electron, sqliteDir) {
  const dir = join(cache, `extension-electron-${electron}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  for (const entry of ['package.json', 'dist', 'bin', 'media', 'schemas', 'examples', 'README.md', 'LICENSE']) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dir, entry), { recursive: true, filter: (p) => !relative(root, p).split(/[/\\]/).includes('.runlens') });
  }
  cpSync(integrationOut, join(dir, 'out/test/integration'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === 'better-sqlite3' || name.startsWith('.')) continue;
    linkDir(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
  // what loads at run time: lib/, package.json, the binary (not the C sources and build leftovers)
  const leftOut = /^(deps|src)([/\\]|$)|(^|[/\\])(obj(\.target)?|\.deps)([/\\]|$)|sqlite3\.a$|test_extension\.node$/;
  cpSync(sqliteDir, join(dir, 'node_modules/better-sqlite3'), { recursive: true, filter: (p) => !leftOut.test(relative(sqliteDir, p)) });
  return dir;
}

// --- build once: the extension (dist/) and the suites (out/test/integration) ---
sh(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root });
const suites = await buildIntegration();
if (!suites) {
  log('no suites under test/integration');
  process.exit(1);
}

const failed = [];
for (const version of versions) {
  const t0 = Date.now();
  try {
    const vscodeExe = await downloadAndUnzipVSCode({ version, cachePath: cache });
    const electron = inElectron(vscodeExe, 'process.stdout.write(process.versions.electron)');
    log(`VS Code ${version}: ${vscodeExe} (Electron ${electron})`);
    const ext = extensionFolder(electron, betterSqliteFor(vscodeExe, electron));
    const workspace = mkdtempSync(join(tmpdir(), 'runlens-electron-ws-'));
    // fresh user data each run, in a short path (macOS limits the IPC socket path to 103 bytes)
    const userData = mkdtempSync(join(tmpdir(), 'rl-vsc-'));
    if (existsSync(join(integrationDir, 'workspace'))) cpSync(join(integrationDir, 'workspace'), workspace, { recursive: true });
    const resultsDir = join(resultsRoot, version);
    mkdirSync(resultsDir, { recursive: true });
    try {
      const code = await runTests({
        vscodeExecutablePath: vscodeExe,
        extensionDevelopmentPath: ext,
        extensionTestsPath: join(ext, 'out/test/integration/index.js'),
        // the workspace first: VS Code opens it; other installed extensions stay off
        launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userData}`, `--extensions-dir=${join(cache, 'extensions')}`],
        extensionTestsEnv: {
          RUNLENS_ROOT: ext,
          RUNLENS_E2E: '1',
          RUNLENS_E2E_RESULTS_DIR: resultsDir,
          ...(process.env.RUNLENS_E2E_GREP ? { RUNLENS_E2E_GREP: process.env.RUNLENS_E2E_GREP } : {}),
        },
      });
      if (code !== 0) throw new Error(`exit code ${code}`);
      log(`VS Code ${version}: passed in ${((Date.now() - t0) / 1000).toFixed(1)}s (results: ${join(resultsDir, 'integration.json')})`);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
      rmSync(userData, { recursive: true, force: true });
    }
  } catch (e) {
    failed.push(version);
    log(`VS Code ${version}: FAILED: ${e.message}`);
  }
}
mkdirSync(resultsRoot, { recursive: true });
writeFileSync(join(resultsRoot, 'summary.txt'), `versions: ${versions.join(' ')}\nfailed: ${failed.join(' ') || 'none'}\n`);
process.stdout.write(`test-electron: ${versions.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}\n`);
process.exit(failed.length > 0 ? 1 : 0);
