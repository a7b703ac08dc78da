import { runGit } from '../git/gitCommand';

export interface GitInfo {
  readonly commit: string;
  readonly dirty: boolean;
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const r = await runGit(cwd, args, { timeoutMs: 5000 });
    return r.code === 0 ? r.stdout : undefined;
  } catch {
    return undefined; // git missing
  }
}

/**
 * The commit checked out at `dir` and whether the work tree differs from it.
 * Undefined outside a git repository or when git is missing: a run is still
 * recorded, just without lineage to a commit. git runs through
 * src/git/gitCommand.ts, so the repository's fsmonitor, hooks and clean
 * filters are never started; a submodule's own uncommitted edits are not
 * looked into (that would start git inside it, with its own config), a
 * submodule moved to another commit still counts.
 */
export async function readGitInfo(dir: string): Promise<GitInfo | undefined> {
  const commit = (await git(dir, ['rev-parse', 'HEAD']))?.trim();
  if (!commit) return undefined;
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no', '--ignore-submodules=dirty']);
  return { commit, dirty: (status ?? '').trim().length > 0 };
}
