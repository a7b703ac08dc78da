/**
 * The profile checks against the real sbatch: a time or memory size the
 * schema accepts is one sbatch accepts (so a profile that passes never fails
 * at submit on its format), and every one sbatch refuses is refused here
 * first, at its line. `sbatch --test-only` parses the options and asks the
 * controller for a start estimate; nothing is queued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runlensFileIssues } from '../../core/compute/computeProfile';
import type { NoSlurm, RealSlurm } from '../testing/realSlurm';
import { startRealSlurm } from '../testing/realSlurm';

let cluster: RealSlurm | NoSlurm | undefined;

async function slurm(t: { skip: (why: string) => void }): Promise<RealSlurm | undefined> {
  cluster ??= await startRealSlurm();
  if ('skip' in cluster) {
    t.skip(cluster.skip);
    return undefined;
  }
  return cluster;
}

/** Whether sbatch takes `--<option>=<value>` (its answer when not). */
function sbatchTakes(c: RealSlurm, option: string, value: string): { ok: boolean; said: string } {
  const r = spawnSync(join(c.binDir, 'sbatch'), ['--test-only', `--${option}=${value}`, '--wrap', 'true'], { env: c.env, encoding: 'utf8', timeout: 120_000 });
  const said = `${r.stdout}${r.stderr}`.trim();
  // A refused format is an "Invalid --<option> specification" before anything reaches the controller;
  // a valid one may still not fit this one-node cluster (1T of memory): that is not about the format.
  return { ok: !/Invalid --\S+ specification/i.test(said), said };
}

const schemaTakes = (key: string, value: string) => runlensFileIssues({ compute: { p: { backend: 'slurm', [key]: value } } }).length === 0;

/** Forms sbatch takes that the schema refuses on purpose: undocumented, and surely a typo in a profile. */
const STRICTER: Readonly<Record<string, readonly string[]>> = { time: ['1-', '-1'] };

const CASES: Readonly<Record<string, readonly string[]>> = {
  time: ['30', '0', '5:30', '4:00:00', '1-12', '2-12:30', '2-00:00:00', 'UNLIMITED', 'infinite', '1:75:00',
    '1h', '4:00:00:00', '1-', '-1', ' 30', '1.5', '1-2-3', 'forever', '90m', '1:2:3:4'],
  mem: ['16G', '16g', '512', '16GB', '16gb', '0', '16K', '1T', '16M', '1.5G', '16Gi', '16 G', 'lots', '-1', 'G'],
};

for (const [option, values] of Object.entries(CASES)) {
  test(`the schema and the real sbatch agree on ${option} formats`, async (t) => {
    const c = await slurm(t);
    if (!c) return;
    const disagree: string[] = [];
    for (const value of values) {
      const ours = schemaTakes(option, value);
      const theirs = sbatchTakes(c, option, value);
      const stricter = STRICTER[option]?.includes(value) ?? false;
      if (stricter ? ours || !theirs.ok : ours !== theirs.ok) {
        disagree.push(`${JSON.stringify(value)}: schema ${ours ? 'takes' : 'refuses'} it, sbatch said: ${theirs.said}`);
      }
    }
    assert.deepEqual(disagree, []);
  });
}
