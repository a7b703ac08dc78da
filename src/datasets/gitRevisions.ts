import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import type { GitOutput, GitResult } from '../git/gitCommand';
import { GitNotFoundError, runGit } from '../git/gitCommand';
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

/** Where git runs for a file and how it names the file: a `./`-relative path from there. */
interface GitPlace {
  readonly cwd: string;
  /** `./`-prefixed, '/'-separated; git resolves it against `cwd` in `<rev>:<path>`. */
  readonly rel: string;
}

/**
 * Runs git through the one guarded entry (src/git/gitCommand.ts: nothing a
 * repository's config names is started); `git` missing becomes a DatasetError.
 */
async function git(cwd: string, args: readonly string[], output?: GitOutput): Promise<GitResult> {
  try {
    return await runGit(cwd, args, { output });
  } catch (e) {
    if (e instanceof GitNotFoundError) throw new DatasetError('git is not installed or not on PATH (needed to read a file at a git revision)');
    throw e;
  }
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
 * Streams the blob's bytes (`git cat-file blob`, plumbing: no textconv, no filter; the work tree is
 * never touched) into the file `dest`, hashing them on the way; returns the sha256.
 */
export async function writeGitBlob(b: GitBlob, dest: string): Promise<string> {
  const hash = createHash('sha256');
  const r = await git(b.cwd, ['cat-file', 'blob', b.blob], { onChunk: (c) => hash.update(c), sink: createWriteStream(dest) });
  if (r.code !== 0) throw new DatasetError(`reading ${b.spec} from git failed: ${firstLine(r.stderr)}`);
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
  const r = await git(b.cwd, ['cat-file', 'blob', b.blob], { onChunk: (c) => hash.update(c) });
  if (r.code !== 0) throw new DatasetError(`reading ${b.spec} from git failed: ${firstLine(r.stderr)}`);
  const sha = hash.digest('hex');
  blobHashes.set(b.blob, sha);
  return sha;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? 'unknown error';
}
