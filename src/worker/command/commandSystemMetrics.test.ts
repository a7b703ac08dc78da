import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpuMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import type { RunStore } from '../../store/runStore';
import { runCommand } from './commandRunner';
import { baseEnv, tempStore, waitFor } from './commandTesting';

/**
 * A real command run, sampled every 0.2 s: `sh` starts python3 (so the work
 * happens in a child of the command's process, as with a launcher script),
 * which waits for `go`, then holds 300 MB and spins one core for 3 s of its
 * own CPU time, then waits for `release`. The test signals each step once
 * the store shows what it needs, so nothing depends on timing; under load the
 * spin takes longer on the clock but the same 3 CPU seconds.
 */
const SCRIPT = `
import os, sys, time
folder = sys.argv[1]
def wait_for(name):
    while not os.path.exists(os.path.join(folder, name)):
        time.sleep(0.01)
print('runlens: metric phase=0', flush=True)
wait_for('go')
block = bytearray(300 * 1000 * 1000)
for i in range(0, len(block), 4096):
    block[i] = 1  # calloc'd pages are not resident until written
start = time.process_time()
while time.process_time() - start < 3.0:
    pass
print('runlens: metric phase=1', flush=True)
wait_for('release')
del block
print('runlens: metric phase=2', flush=True)
`;

const WAIT_MS = 120_000; // a loaded 2-core machine: bounded generously, never asserted

function latest(store: RunStore, id: string, key: string): { value: number; timestamp: number } | undefined {
  const h = store.getMetricHistory(id, key);
  const n = h.values.length;
  return n === 0 ? undefined : { value: h.values[n - 1]!, timestamp: h.timestamps[n - 1]! };
}

describe('system metrics of a command run', () => {
  let t: ReturnType<typeof tempStore>;
  before(() => (t = tempStore()));
  after(() => t.cleanup());

  test('300 MB held and 3 CPU seconds spun by a child of the command show in its tree, with the summaries', async (tc) => {
    const id = t.store.createRun({ experiment: 'system', status: 'running', pid: process.pid }).id;
    const script = join(t.dir, 'work.py');
    writeFileSync(script, SCRIPT);
    const env = { ...baseEnv(), RUNLENS_SYSTEM_METRICS: '1' };
    const result = runCommand({
      store: t.store, runId: id, systemMetrics: { interval: 0.2 },
      plan: { argv: ['sh', '-c', 'python3 "$0" "$1"; exit $?', script, t.dir], cwd: t.dir, env },
    });
    await waitFor(() => latest(t.store, id, 'phase') !== undefined, 'the script to be ready', WAIT_MS);
    // The baseline: a sample of the tree taken after python3 is up and before it allocates.
    const ready = Date.now();
    await waitFor(() => (latest(t.store, id, M.processMemory)?.timestamp ?? 0) > ready, 'a sample after the script is ready', WAIT_MS);
    const baseline = latest(t.store, id, M.processMemory)!.value;
    writeFileSync(join(t.dir, 'go'), '');
    await waitFor(() => latest(t.store, id, 'phase')?.value === 1, 'the spin to end', WAIT_MS);
    const spun = Date.now();
    await waitFor(() => (latest(t.store, id, M.processMemory)?.timestamp ?? 0) > spun, 'a sample while the 300 MB are held', WAIT_MS);
    writeFileSync(join(t.dir, 'release'), '');
    const outcome = await result;
    assert.equal(outcome.status, 'finished', outcome.error);
    assert.ok(existsSync(join(t.dir, 'release')));

    const memory = t.store.getMetricHistory(id, M.processMemory);
    const peak = Math.max(...memory.values);
    const above = peak - baseline;
    assert.ok(above > 240 && above < 360, `peak ${peak.toFixed(1)} MB is ${above.toFixed(1)} MB above the start (${baseline.toFixed(1)} MB): within 20% of 300`);
    assert.deepEqual([...memory.steps], [...memory.steps].map((_, i) => memory.steps[0]! + i), 'step = the sample index');

    // CPU: each sample's % of one core times its interval is the CPU time the tree used in it. The spin alone is
    // 3 CPU seconds (the script's own clock), so the sampler must have seen at least 80% of one core for 3 s,
    // however long the spin took on a busy machine.
    const cpu = t.store.getMetricHistory(id, M.processCpu);
    const cpuStep = new Map([...cpu.steps].map((s, i) => [s, cpu.values[i]!]));
    let cpuSeconds = 0;
    for (let i = 1; i < memory.steps.length; i++) {
      const v = cpuStep.get(memory.steps[i]!);
      if (v !== undefined) cpuSeconds += (v / 100) * ((memory.timestamps[i]! - memory.timestamps[i - 1]!) / 1000);
    }
    assert.ok(cpuSeconds >= 0.8 * 3, `the tree used ${cpuSeconds.toFixed(2)} CPU seconds by the samples; the spin alone is 3`);

    tc.diagnostic(`peak ${above.toFixed(1)} MB above the start; ${cpuSeconds.toFixed(2)} CPU s seen; highest interval ${Math.max(...cpu.values).toFixed(0)}% of one core`);
    const summary = Object.fromEntries(t.store.getMetricSummaries(id).map((m) => [m.key, m.latest]));
    assert.equal(summary[M.peakMemory], peak);
    assert.equal(summary[M.peakCpu], Math.max(...cpu.values));
    assert.ok(summary[M.meanCpu]! > 0 && summary[M.meanCpu]! <= summary[M.peakCpu]!);
    assert.ok(summary[M.machineMemoryUsed]! > 0 && summary[M.machineCpu] !== undefined, 'the machine is sampled too');
    assert.equal(summary[gpuMetric.utilization(0)] === undefined, !existsSync('/dev/nvidiactl'), 'GPU series only where there is a GPU');
  });

  test('RUNLENS_SYSTEM_METRICS=0 in the environment records no system series', async () => {
    const id = t.store.createRun({ experiment: 'system', status: 'running', pid: process.pid }).id;
    const outcome = await runCommand({
      store: t.store, runId: id,
      plan: { argv: [process.execPath, '-e', "console.log('runlens: metric m=1')"], cwd: t.dir, env: { ...baseEnv(), RUNLENS_SYSTEM_METRICS: '0' } },
    });
    assert.equal(outcome.status, 'finished');
    assert.deepEqual(t.store.getMetricSummaries(id).map((m) => m.key), ['m']);
  });

  test("a config's system_metrics.enabled: false records none either", async () => {
    const id = t.store.createRun({ experiment: 'system', status: 'running', pid: process.pid }).id;
    const outcome = await runCommand({
      store: t.store, runId: id, systemMetrics: { enabled: false },
      plan: { argv: [process.execPath, '-e', "console.log('runlens: metric m=1')"], cwd: t.dir, env: baseEnv() },
    });
    assert.equal(outcome.status, 'finished');
    assert.deepEqual(t.store.getMetricSummaries(id).map((m) => m.key), ['m']);
  });
});
