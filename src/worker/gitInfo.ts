import { execFile } from 'node:child_process';

export interface GitInfo {
  readonly commit: string;
  readonly dirty: boolean;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      resolve(err ? undefined : stdout);
    });
  });
}

/**
 * The commit checked out at `dir` and whether the work tree differs from it.
 * Undefined outside a git repository or when git is missing: a run is still
 * recorded, just without lineage to a commit.
 */
export async function readGitInfo(dir: string): Promise<GitInfo | undefined> {
  const commit = (await git(dir, ['rev-parse', 'HEAD']))?.trim();
  if (!commit) return undefined;
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: (status ?? '').trim().length > 0 };
}
