import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

/** startRealSlurm() in a fresh process (it runs the start script once per process), with `env` added. */
function startInChild(env: NodeJS.ProcessEnv): string {
  const code = `const { startRealSlurm } = require(${JSON.stringify(path.join(__dirname, 'realSlurm.ts'))});
startRealSlurm().then((r) => console.log(JSON.stringify(r)), (e) => console.log(JSON.stringify({ threw: e.message })));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test("no cluster and a start script that fails: skipped with the script's own words, or failed under CI", (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-realslurm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'start-slurm.sh');
  writeFileSync(script, 'echo "E: Unable to locate package slurmctld" >&2\nexit 100\n');
  // a slurm.conf that does not exist: sinfo cannot reach a cluster, so the helper runs the start script
  const noCluster = { SLURM_CONF: path.join(dir, 'missing.conf'), RUNLENS_SLURM_START: script };
  if (process.getuid?.() === 0) {
    assert.deepEqual(JSON.parse(startInChild({ ...noCluster, CI: '' })), { skip: `${script} exited with 100: E: Unable to locate package slurmctld` });
    assert.deepEqual(JSON.parse(startInChild({ ...noCluster, CI: 'true' })), { threw: `CI is set and there is no Slurm cluster for this test: ${script} exited with 100: E: Unable to locate package slurmctld` });
  } else {
    assert.match(JSON.parse(startInChild({ ...noCluster, CI: '' })).skip, /starting it needs root/);
  }
});
