import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { DatasetError } from './datasetError';

/** A commit that touched a file. */
export interface GitRevision {
  /** Full commit hash. */
  readonly rev: string;
  readonly shortRev: string;
  /** Commit time, ms since the epoch. */
  readonly date: number;
  readonly subject: string;
}

interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where git runs for a file and how it names the file: a `./`-relative path from there. */
interface GitPlace {
  readonly cwd: string;
  /** `./`-prefixed, '/'-separated; git resolves it against `cwd` in `<rev>:<path>`. */
  readonly rel: string;
}

const MAX_TEXT_OUTPUT = 16 * 1024 * 1024;

/** Binary output handling: each stdout chunk goes to `onChunk`, then to `sink` when given. */
interface GitOutput {
  readonly onChunk: (chunk: Buffer) => void;
  readonly sink?: Writable;
}

/**
 * Runs git with an argument array (never a shell string). Text output is
 * collected unless `output` takes the bytes; with a sink, the result resolves
 * once the sink has flushed. `git` missing becomes a DatasetError.
 */
function git(cwd: string, args: readonly string[], output?: GitOutput): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // core.fsmonitor names a program git would start: never from a repository's config (an untrusted workspace).
    const child = spawn('git', ['-c', 'core.fsmonitor=false', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    let stdout = '';
    let stderr = '';
    let sinkDone = output?.sink === undefined;
    let exitCode: number | undefined;
    let failed = false;
    const finish = () => {
      if (!failed && exitCode !== undefined && sinkDone) resolve({ code: exitCode, stdout, stderr });
    };
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      child.kill();
      reject(e);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      fail(e.code === 'ENOENT' ? new DatasetError('git is not installed or not on PATH (needed to read a file at a git revision)') : e);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
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
      exitCode = code ?? 1;
      finish();
    });
  });
}

/** git runs in the nearest existing folder of the file, so a deleted file's history still resolves. */
function placeOf(absPath: string): GitPlace {
  let dir = path.dirname(absPath);
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const rel = path.relative(dir, absPath).split(path.sep).join('/');
  return { cwd: dir, rel: `./${rel}` };
}

async function isInsideWorkTree(cwd: string): Promise<boolean> {
  const r = await git(cwd, ['rev-parse', '--is-inside-work-tree']);
  return r.code === 0 && r.stdout.trim() === 'true';
}

/**
 * Commits that changed the file, newest first (`git log -- <file>`).
 * Empty when the folder is not in a git repository, the file was never
 * committed, or git is missing: callers offer git revisions only when there are some.
 */
export async function listGitRevisions(root: string, file: string, limit = 50): Promise<GitRevision[]> {
  const place = placeOf(path.resolve(root, file));
  try {
    if (!(await isInsideWorkTree(place.cwd))) return [];
    const r = await git(place.cwd, ['log', `-n${Math.max(1, Math.floor(limit))}`, '--format=%H%x1f%h%x1f%ct%x1f%s', '--', place.rel]);
    if (r.code !== 0) return [];
    return r.stdout
      .split('\n')
      .filter((line) => line.includes('\x1f'))
      .map((line) => {
        const [rev, shortRev, ct, subject] = line.split('\x1f');
        return { rev: rev!, shortRev: shortRev!, date: Number(ct) * 1000, subject: subject ?? '' };
      });
  } catch (e) {
    if (e instanceof DatasetError) return [];
    throw e;
  }
}

/** A file's content at a revision, located: the commit, the blob id and the path git knows it by. */
export interface GitBlob {
  readonly commit: string;
  readonly blob: string;
  readonly cwd: string;
  readonly spec: string;
}

/**
 * Resolves `<rev>:<file>` to a blob, with one clear error for each way it
 * can fail: not a repository, unknown revision, file not in that revision.
 */
export async function resolveGitBlob(absPath: string, rev: string, label: string): Promise<GitBlob> {
  if (rev.startsWith('-')) throw new DatasetError(`"${rev}" is not a git revision`);
  const place = placeOf(absPath);
  if (!(await isInsideWorkTree(place.cwd))) {
    throw new DatasetError(`${label}: ${place.cwd} is not inside a git repository, so "@${rev}" cannot be read`);
  }
  const commit = await git(place.cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (commit.code !== 0 || !commit.stdout.trim()) {
    throw new DatasetError(`${label}: unknown git revision "${rev}"`);
  }
  const sha = commit.stdout.trim();
  const spec = `${sha}:${place.rel}`;
  const blob = await git(place.cwd, ['rev-parse', '--verify', '--quiet', spec]);
  const type = blob.code === 0 ? await git(place.cwd, ['cat-file', '-t', blob.stdout.trim()]) : undefined;
  if (!type || type.stdout.trim() !== 'blob') {
    throw new DatasetError(`${label}: ${path.basename(absPath)} does not exist in revision ${rev} (${sha.slice(0, 10)})`);
  }
  return { commit: sha, blob: blob.stdout.trim(), cwd: place.cwd, spec };
}

/** Resolves to undefined instead of throwing when the file is not at that commit. */
export async function findGitBlob(absPath: string, commit: string): Promise<GitBlob | undefined> {
  try {
    return await resolveGitBlob(absPath, commit, absPath);
  } catch (e) {
    if (e instanceof DatasetError) return undefined;
    throw e;
  }
}

/**
 * Streams the blob's bytes (`git show <commit>:<path>`; the work tree is
 * never touched) into the file `dest`, hashing them on the way; returns the sha256.
 */
export async function writeGitBlob(b: GitBlob, dest: string): Promise<string> {
  const hash = createHash('sha256');
  const r = await git(b.cwd, ['show', '--no-textconv', b.spec], { onChunk: (c) => hash.update(c), sink: createWriteStream(dest) });
  if (r.code !== 0) throw new DatasetError(`git show ${b.spec} failed: ${firstLine(r.stderr)}`);
  const sha = hash.digest('hex');
  blobHashes.set(b.blob, sha);
  return sha;
}

/** sha256 of git blobs already read, by blob id (content-addressed, so never stale). */
const blobHashes = new Map<string, string>();

/** The sha256 of a blob's bytes, read once per blob id per process. */
export async function gitBlobSha256(b: GitBlob): Promise<string> {
  const known = blobHashes.get(b.blob);
  if (known) return known;
  const hash = createHash('sha256');
  const r = await git(b.cwd, ['show', '--no-textconv', b.spec], { onChunk: (c) => hash.update(c) });
  if (r.code !== 0) throw new DatasetError(`git show ${b.spec} failed: ${firstLine(r.stderr)}`);
  const sha = hash.digest('hex');
  blobHashes.set(b.blob, sha);
  return sha;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? 'unknown error';
}
