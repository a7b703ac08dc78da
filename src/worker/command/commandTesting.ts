/** Shared by the command-run tests: a temp store, artifact text, and whether a process is gone. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../store/runStore';
import { pidAlive } from '../../core/util/pidAlive';

export function tempStore(): { dir: string; storeDir: string; store: RunStore; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-cmd-'));
  const storeDir = join(dir, '.runlens');
  const store = RunStore.open(storeDir);
  return { dir, storeDir, store, cleanup: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** The text of a run's artifact, or undefined when the run has none at `path`. */
export function artifactText(store: RunStore, runId: string, path: string): string | undefined {
  const a = store.listArtifacts(runId).find((x) => x.path === path);
  return a ? readFileSync(store.artifactPath(a.sha256), 'utf8') : undefined;
}

/** A process that no longer runs: gone, or a zombie nobody reaped yet (a container's pid 1 may not reap); the product's rule. */
export function processGone(pid: number): boolean {
  return !pidAlive(pid);
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** This process's environment without unset entries, as a child's env. */
export function baseEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}
