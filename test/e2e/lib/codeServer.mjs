// Starts and stops one code-server 4.100.3 (VS Code 1.100.3) for a test run,
// fully offline: fresh user-data/extensions dirs inside a run dir, no auth,
// no marketplace, no telemetry. See test/e2e/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Project root (the folder holding package.json). */
export const projectRoot = resolve(new URL('../../..', import.meta.url).pathname);
/** Where scripts/install-e2e-deps.sh puts code-server. */
export const codeServerDir = process.env.RUNLENS_CODE_SERVER_DIR ?? join(projectRoot, 'test/e2e/.cache/code-server');
const entry = () => join(codeServerDir, 'node_modules/code-server/out/node/entry.js');

const baseSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
};

/**
 * With `workspaceTrust: true`: workspace trust on, and every folder opens in
 * Restricted Mode with no "Do you trust the authors?" modal (VS Code 1.100's
 * own settings; the banner stays so that a screenshot shows the mode).
 */
const restrictedModeSettings = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  // a file from outside the folder opens in this (restricted) window, no dialog
  'security.workspace.trust.untrustedFiles': 'open',
  'security.workspace.trust.emptyWindow': false,
};

/** A free TCP port on 127.0.0.1 (released just before use; start() retries on a clash). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function dirsOf(runDir) {
  return {
    user: join(runDir, 'user'),
    exts: join(runDir, 'exts'),
    config: join(runDir, 'config.yaml'),
    xdgConfig: join(runDir, 'xdg/config'),
    xdgData: join(runDir, 'xdg/data'),
    log: join(runDir, 'code-server.log'),
  };
}

function serverEnv(runDir, extraEnv) {
  const d = dirsOf(runDir);
  return {
    ...process.env,
    // keeps code-server out of ~/.config/code-server and ~/.local/share/code-server
    XDG_CONFIG_HOME: d.xdgConfig,
    XDG_DATA_HOME: d.xdgData,
    // marketplace look-ups fail at once instead of waiting on DNS
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/none' }),
    // lets stop() find every process of this run, even one that left the group
    RUNLENS_E2E_RUNDIR: runDir,
    ...extraEnv,
  };
}

function prepareRunDir(runDir, settings) {
  const d = dirsOf(runDir);
  for (const p of [join(d.user, 'User'), d.exts, d.xdgConfig, d.xdgData]) mkdirSync(p, { recursive: true });
  writeFileSync(join(d.user, 'User/settings.json'), JSON.stringify({ ...baseSettings, ...settings }, null, 2));
  // an explicit config file, or code-server writes one with a password
  writeFileSync(d.config, 'auth: none\ncert: false\n');
}

/**
 * Installs a .vsix into the run dir's extensions folder (call before start()).
 * @param {string} runDir
 * @param {string} vsix absolute path
 */
export function installVsix(runDir, vsix) {
  prepareRunDir(runDir, {});
  const d = dirsOf(runDir);
  const r = spawnSync(process.execPath, [entry(), '--user-data-dir', d.user, '--extensions-dir', d.exts,
    '--config', d.config, '--install-extension', vsix, '--force'],
  { env: serverEnv(runDir, {}), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * @typedef {object} CodeServer
 * @property {number} port
 * @property {number} pid
 * @property {string} url base URL, http://127.0.0.1:PORT
 * @property {string} runDir
 * @property {string} logPath server stdout+stderr
 * @property {(absPath: string) => string} remote vscode-remote:// URI of a server-side path
 * @property {(lines?: number) => string} tailLog last lines of the server log
 * @property {() => number[]} extensionHostPids extension hosts alive under this server
 * @property {() => Promise<void>} killExtensionHosts ends the extension hosts (they outlive a closed tab)
 * @property {() => Promise<void>} stop
 */

/**
 * Starts code-server and waits until /healthz answers.
 * `workspaceTrust: true` leaves out `--disable-workspace-trust` and opens folders in Restricted Mode
 * (the default, false, trusts every folder as before).
 * @param {{ runDir: string, workspace?: string, env?: Record<string,string>, settings?: object, port?: number, timeoutMs?: number, workspaceTrust?: boolean }} opts
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer(opts) {
  if (!existsSync(entry())) throw new Error(`code-server not installed at ${codeServerDir}: run scripts/install-e2e-deps.sh`);
  prepareRunDir(opts.runDir, { ...(opts.workspaceTrust ? restrictedModeSettings : {}), ...(opts.settings ?? {}) });
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? await freePort();
    try {
      return await startOn(port, opts);
    } catch (e) {
      lastErr = e;
      if (opts.port || !/EADDRINUSE/.test(String(e.message))) throw e;
    }
  }
  throw lastErr;
}

async function startOn(port, opts) {
  const { runDir } = opts;
  const d = dirsOf(runDir);
  const args = [entry(), '--user-data-dir', d.user, '--extensions-dir', d.exts, '--config', d.config,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', '--ignore-last-opened'];
  if (!opts.workspaceTrust) args.push('--disable-workspace-trust');
  if (opts.workspace) args.push(opts.workspace);
  const fd = openSync(d.log, 'a');
  // detached: its own process group, so stop() can end the whole tree
  const child = spawn(process.execPath, args, { env: serverEnv(runDir, opts.env ?? {}), stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  const url = `http://127.0.0.1:${port}`;
  const server = {
    port, pid, url, runDir, logPath: d.log,
    remote: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
    tailLog: (n = 40) => tail(d.log, n),
    extensionHostPids: () => descendants(pid).filter((p) => /--type=extensionHost/.test(cmdline(p))),
    killExtensionHosts: async () => killAndWait(server.extensionHostPids()),
    stop: () => stopServer(pid, runDir),
  };
  registerForExit(server);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) {
      unregister(server);
      throw new Error(`code-server exited (${JSON.stringify(exited)}) before it was ready:\n${tail(d.log, 30)}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return server;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`code-server not healthy after ${opts.timeoutMs ?? 60_000} ms:\n${tail(d.log, 30)}`);
}

const live = new Set();
let exitHookInstalled = false;
function registerForExit(server) {
  live.add(server);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // a crash or Ctrl-C of the runner must not leave a server behind
  process.on('exit', () => { for (const s of live) killGroupSync(s.pid, 'SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
}
function unregister(server) { live.delete(server); }

function killGroupSync(pid, sig) {
  try { process.kill(-pid, sig); } catch { /* gone */ }
}

async function stopServer(pid, runDir) {
  for (const s of live) if (s.pid === pid) live.delete(s);
  killGroupSync(pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  killGroupSync(pid, 'SIGKILL');
  // anything of this run that setsid()'d out of the group (found by the env marker)
  await killAndWait(processesOfRun(runDir));
}

async function killAndWait(pids) {
  for (const p of pids) { try { process.kill(p, 'SIGTERM'); } catch { /* gone */ } }
  for (let i = 0; i < 30 && pids.some(alive); i++) await sleep(100);
  for (const p of pids.filter(alive)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
}

function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  // a zombie still answers kill(0): it has ended for our purposes
  try { return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

function cmdline(pid) {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '); } catch { return ''; }
}

/** Every process below pid (children, their children, ...). */
export function descendants(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch { /* exited meanwhile */ }
  }
  const out = [];
  const walk = (p) => { for (const c of children.get(p) ?? []) { out.push(c); walk(c); } };
  walk(root);
  return out;
}

function processesOfRun(runDir) {
  const marker = `RUNLENS_E2E_RUNDIR=${runDir}\0`;
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').includes(marker)) out.push(Number(name));
    } catch { /* not ours or gone */ }
  }
  return out;
}

/** Last n lines of a file ('' when missing). */
export function tail(path, n = 40) {
  try { return readFileSync(path, 'utf8').split('\n').slice(-n - 1).join('\n'); } catch { return ''; }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
