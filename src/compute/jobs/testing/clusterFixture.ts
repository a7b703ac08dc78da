/** A workspace for the Slurm job tests: a copy of the examples, its store, and sync until a condition holds. */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SlurmProfile } from '../../../core/compute/computeProfile';
import { RunStore } from '../../../store/runStore';
import type { RealSlurm } from '../../testing/realSlurm';
import { syncJobs } from '../syncJobs';
import { COMPUTE_TAG, FINAL_TAG, JOB_ID_TAG, SLURM_COMPUTE } from '../clusterTags';
import { spawnSync } from 'node:child_process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface ClusterWorkspace {
  readonly dir: string;
  readonly storeDir: string;
  readonly store: RunStore;
  readonly profile: SlurmProfile;
  write(name: string, text: string): string;
  /** Syncs (one squeue round each time) until `check` holds; fails after `timeoutMs` saying `what`. */
  syncUntil(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Syncs until the run's end was confirmed by Slurm (tag slurm.final). */
  syncUntilFinal(runId: string, timeoutMs?: number): Promise<void>;
  cleanup(): void;
}

export function clusterWorkspace(slurm: RealSlurm): ClusterWorkspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-slurm-ws-'));
  cpSync(path.join(REPO_ROOT, 'examples'), dir, { recursive: true, filter: (src) => !src.includes('.runlens') && !src.includes('notebooks') });
  const storeDir = path.join(dir, '.runlens');
  const store = RunStore.open(storeDir);
  const profile: SlurmProfile = { name: 'test-cluster', backend: 'slurm', partition: slurm.partition, time: '15' };
  const syncUntil = async (check: () => boolean, what: string, timeoutMs = 10 * 60_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await syncJobs(store, { storeDir, slurm: { env: slurm.env, binDir: slurm.binDir } });
      if (check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      // Slurm has no events to wait on: a poll, as RunLens's own sync does.
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  return {
    dir, storeDir, store, profile,
    write: (name, text) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    syncUntil,
    syncUntilFinal: (runId, timeoutMs) => syncUntil(() => store.getTags(runId)[FINAL_TAG] === '1', `run ${runId} to end on Slurm`, timeoutMs),
    cleanup: () => {
      // A failed test must not leave its jobs holding the cluster's cores for the next suites.
      const jobs = [...new Set(store.findRunIdsByTag(COMPUTE_TAG, SLURM_COMPUTE).map((id) => store.getTags(id)[JOB_ID_TAG]).filter((j): j is string => j !== undefined))];
      if (jobs.length > 0) spawnSync(path.join(slurm.binDir, 'scancel'), jobs, { env: slurm.env });
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
