/**
 * The one way RunLens starts git. A workspace is untrusted input: its
 * `.git/config` can name programs (an fsmonitor, hooks, clean filters, a
 * gpg program) that a plain `git status` or `git log` would start. Every
 * call here turns those off, so reading a repository never runs its code.
 * The user's own global and system config stay in force: they are theirs.
 *
 * Node-only (child_process), no vscode: the worker, datasets, deploy, the
 * CLI and the extension all call it. A unit test (gitCallSites.test.ts)
 * keeps git from being spawned anywhere else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** Config given on every call (`-c`, above any repository's own config). */
const SAFE_CONFIG: readonly string[] = [
  // A program git starts to list changed files (`git status`).
  'core.fsmonitor=false',
  // post-index-change and friends: no hook runs for a read.
  'core.hooksPath=/dev/null',
  // Nothing is written back into the repository for a read.
  'core.untrackedCache=false',
  // `git log` would run gpg.program on a signed commit.
  'log.showSignature=false',
];

/** Global options: no pager, and no index refresh written back (it would run post-index-change). */
const GLOBAL_OPTIONS: readonly string[] = ['--no-pager', '--no-optional-locks'];

/** Porcelain that can show diffs or blob contents: external diff programs and textconv filters stay off. */
const DIFFING: ReadonlySet<string> = new Set(['diff', 'show', 'log', 'whatchanged']);

/** Commands that hash work-tree files, running each file's clean filter from `.gitattributes`. */
const HASHES_WORK_TREE: ReadonlySet<string> = new Set(['status', 'diff', 'diff-files', 'diff-index', 'describe']);

/** What a finished git process said. */
export interface GitResult {
  /** Exit code; 1 when git was killed (timeout) or ended by a signal. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** git is not installed or not on PATH. */
export class GitNotFoundError extends Error {
  constructor() {
    super('git is not installed or not on PATH');
    this.name = 'GitNotFoundError';
  }
}

/** Binary output: each stdout chunk goes to `onChunk`, then to `sink` when given. */
export interface GitOutput {
  readonly onChunk: (chunk: Buffer) => void;
  readonly sink?: Writable;
}

/** How one git call runs. */
export interface GitOptions {
  /** Take stdout as bytes instead of collecting it as text. */
  readonly output?: GitOutput;
  /** Kill git after this long (the result then has code 1). */
  readonly timeoutMs?: number;
  /** The environment to start from (default process.env); the protections are added on top. */
  readonly env?: NodeJS.ProcessEnv;
}

const MAX_TEXT_OUTPUT = 16 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;

/** The command git runs: the first argument that is not an option. */
function subcommandOf(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/**
 * The full argument array for `git <args>`: the global options and safe
 * config first, then `--no-ext-diff --no-textconv` right after a command
 * that can show a diff or a blob.
 */
export function safeGitArgs(args: readonly string[]): string[] {
  const sub = subcommandOf(args);
  const at = sub === undefined ? -1 : args.indexOf(sub);
  const rest = at >= 0 && DIFFING.has(sub!) ? [...args.slice(0, at + 1), '--no-ext-diff', '--no-textconv', ...args.slice(at + 1)] : [...args];
  return [...GLOBAL_OPTIONS, ...SAFE_CONFIG.flatMap((c) => ['-c', c]), ...rest];
}

/**
 * The environment git runs with: never prompts, C-locale messages (parsed),
 * no lazy fetch from a partial clone's promisor remote (git >= 2.44), and
 * the filter drivers in `disabledFilters` switched off through
 * GIT_CONFIG_COUNT (a key may hold any character, which `-c` cannot carry).
 */
export function safeGitEnv(base: NodeJS.ProcessEnv, disabledFilters: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1', LC_ALL: 'C' };
  if (disabledFilters.length === 0) return env;
  // Entries the user set themselves come first and stay.
  let n = Number(base.GIT_CONFIG_COUNT ?? 0);
  if (!Number.isInteger(n) || n < 0) n = 0;
  for (const name of disabledFilters) {
    for (const [key, value] of [['clean', ''], ['process', ''], ['required', 'false']] as const) {
      env[`GIT_CONFIG_KEY_${n}`] = `filter.${name}.${key}`;
      env[`GIT_CONFIG_VALUE_${n}`] = value;
      n++;
    }
  }
  env.GIT_CONFIG_COUNT = String(n);
  return env;
}

const FILTER_QUERY = ['config', '--show-scope', '--name-only', '-z', '--get-regexp', '^filter\\..+\\.(clean|process)$'];

/**
 * Filter drivers whose program the repository's own config names (scope
 * local or worktree, includes too), from `git config --show-scope -z` output.
 * The user's global and system drivers (git-lfs) are kept.
 */
export function repositoryFilterDrivers(configOutput: string): string[] {
  const parts = configOutput.split('\0');
  const names = new Set<string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const scope = parts[i]!;
    const key = parts[i + 1]!;
    if (scope !== 'local' && scope !== 'worktree') continue;
    const m = /^filter\.(.+)\.(?:clean|process)$/s.exec(key);
    if (m) names.add(m[1]!);
  }
  return [...names];
}

/**
 * Runs `git <args>` in `cwd` with an argument array (never a shell string)
 * and the protections above. Resolves with the exit code and output
 * (a non-zero exit is a result, not an error); with an output sink it
 * resolves once the sink has flushed. Rejects with GitNotFoundError when
 * git is missing.
 */
export async function runGit(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const base = options.env ?? process.env;
  let filters: string[] = [];
  if (HASHES_WORK_TREE.has(subcommandOf(args) ?? '')) {
    const listed = await spawnGit(cwd, safeGitArgs(FILTER_QUERY), safeGitEnv(base), options.timeoutMs);
    filters = repositoryFilterDrivers(listed.stdout);
  }
  return spawnGit(cwd, safeGitArgs(args), safeGitEnv(base, filters), options.timeoutMs, options.output);
}

/** The synchronous form of runGit, for callers that are synchronous themselves. */
export function runGitSync(cwd: string, args: readonly string[], options: Omit<GitOptions, 'output'> = {}): GitResult {
  const base = options.env ?? process.env;
  let filters: string[] = [];
  if (HASHES_WORK_TREE.has(subcommandOf(args) ?? '')) {
    filters = repositoryFilterDrivers(spawnGitSync(cwd, safeGitArgs(FILTER_QUERY), safeGitEnv(base), options.timeoutMs).stdout);
  }
  return spawnGitSync(cwd, safeGitArgs(args), safeGitEnv(base, filters), options.timeoutMs);
}

/** spawn says ENOENT both for a missing git and a missing working folder. */
function notFound(cwd: string): Error {
  return existsSync(cwd) ? new GitNotFoundError() : new Error(`${cwd} does not exist (git cannot run there)`);
}

function spawnGitSync(cwd: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): GitResult {
  const r = spawnSync('git', argv, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: MAX_TEXT_OUTPUT });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw notFound(cwd);
  return { code: r.error || r.status === null ? 1 : r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function spawnGit(cwd: string, argv: string[], env: NodeJS.ProcessEnv, timeoutMs?: number, output?: GitOutput): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sinkDone = output?.sink === undefined;
    let exitCode: number | undefined;
    let failed = false;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const finish = () => {
      if (!failed && exitCode !== undefined && sinkDone) resolve({ code: exitCode, stdout, stderr });
    };
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      child.kill();
      reject(e);
    };
    child.on('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ENOENT' ? notFound(cwd) : e));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < MAX_STDERR) stderr += d;
    });
    if (output) {
      child.stdout.on('data', (chunk: Buffer) => output.onChunk(chunk));
      const sink = output.sink;
      if (sink) {
        child.stdout.pipe(sink);
        sink.on('finish', () => {
          sinkDone = true;
          finish();
        });
        sink.on('error', fail);
      }
    } else {
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (stdout.length < MAX_TEXT_OUTPUT) stdout += d;
      });
    }
    child.on('close', (code) => {
      clearTimeout(timer);
      exitCode = code ?? 1;
      finish();
    });
  });
}
