import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuMetric, SYSTEM_METRICS as M } from '../../core/metrics/systemMetricNames';
import { nvidiaSmiQuery } from './gpuQuery';
import { NVIDIA_SMI_ARGS } from './procText';
import type { ProcSnapshot } from './procReader';
import { readProcSnapshot } from './procReader';
import { SystemSampler } from './systemSampler';

const GB = 1e9;

function snapshot(over: Partial<ProcSnapshot>): ProcSnapshot {
  return {
    pids: [10], treeCpuSeconds: 0, treeRssBytes: 0, treeReadBytes: 0, treeWriteBytes: 0,
    machineCpu: { total: 0, idle: 0 }, memory: { totalBytes: 8 * GB, availableBytes: 6 * GB }, ...over,
  };
}

test('CPU figures are the change between samples; disk bytes count from the first sample and never go down', async () => {
  const looks = [
    snapshot({ treeCpuSeconds: 4, treeRssBytes: 100e6, treeReadBytes: 5e6, treeWriteBytes: 1e6, machineCpu: { total: 1000, idle: 800 } }),
    snapshot({ treeCpuSeconds: 7, treeRssBytes: 400e6, treeReadBytes: 9e6, treeWriteBytes: 3e6, machineCpu: { total: 1400, idle: 900 } }),
    // A child that wrote left the tree: its bytes go with it, the series keeps the total.
    snapshot({ treeCpuSeconds: 7.5, treeRssBytes: 300e6, treeReadBytes: 6e6, treeWriteBytes: 2e6, machineCpu: { total: 1800, idle: 1300 } }),
  ];
  const times = [0, 2000, 4000];
  let i = 0;
  let t = 0;
  const sampler = new SystemSampler({ rootPid: 10, readProc: () => looks[i++]!, now: () => times[t++]!, diskPath: null });
  const first = await sampler.sample();
  assert.deepEqual(first.values, {
    [M.processMemory]: 100, [M.processDiskRead]: 0, [M.processDiskWrite]: 0,
    [M.machineMemoryUsed]: 2000, [M.machineMemoryAvailable]: 6000, [M.machineMemoryPercent]: 25,
  });
  const second = await sampler.sample();
  assert.equal(second.values[M.processCpu], 150, '3 CPU seconds in 2 s: one and a half cores');
  assert.equal(second.values[M.machineCpu], 75, '300 of 400 ticks busy');
  assert.equal(second.values[M.processMemory], 400);
  assert.equal(second.values[M.processDiskRead], 4);
  assert.equal(second.values[M.processDiskWrite], 2);
  const third = await sampler.sample();
  assert.equal(third.values[M.processCpu], 25);
  assert.equal(third.values[M.processDiskRead], 4);
  assert.equal(third.values[M.processDiskWrite], 2);
});

test('a tree that is gone has no process series, the machine still has its own', async () => {
  let i = 0;
  const looks = [snapshot({ treeCpuSeconds: 1 }), snapshot({ pids: [], machineCpu: { total: 100, idle: 50 } })];
  const sampler = new SystemSampler({ rootPid: 10, readProc: () => looks[i++]!, diskPath: null });
  await sampler.sample();
  const gone = await sampler.sample();
  assert.equal(gone.treeAlive, false);
  assert.deepEqual(Object.keys(gone.values).sort(), [M.machineCpu, M.machineMemoryAvailable, M.machineMemoryPercent, M.machineMemoryUsed].sort());
});

test('the tree read from the real /proc: a shell and the two children it started, with their memory', async (t) => {
  const sh = spawn('sh', ['-c', 'sleep 600 & sleep 600 & echo started; wait'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  t.after(() => process.kill(-sh.pid!, 'SIGKILL'));
  await new Promise<void>((resolve) => sh.stdout!.once('data', () => resolve()));
  const snap = readProcSnapshot(sh.pid!);
  assert.equal(snap.pids[0], sh.pid);
  assert.equal(snap.pids.length, 3, `sh and two sleeps, got ${snap.pids.join(',')}`);
  assert.ok(snap.treeRssBytes > 0);
  assert.ok(snap.memory && snap.memory.availableBytes > 0 && snap.memory.totalBytes >= snap.memory.availableBytes);
  assert.ok(snap.machineCpu && snap.machineCpu.total > 0);
  assert.deepEqual(readProcSnapshot(2 ** 22 + 12345).pids, [], 'no such process: an empty tree');
});

test('the file system of / is recorded as MLflow records it', async () => {
  const sampler = new SystemSampler({ rootPid: process.pid });
  const { values } = await sampler.sample();
  assert.ok(values[M.diskUsed]! > 0);
  assert.ok(values[M.diskPercent]! > 0 && values[M.diskPercent]! <= 100);
  assert.ok(values[M.diskAvailable]! >= 0);
});

// The real nvidia-smi cannot run on the test machines (no NVIDIA GPU or driver): a script of that name prints its CSV.
test('a fake nvidia-smi on PATH gives exactly its values as GPU series', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-smi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const args = join(dir, 'args');
  writeFileSync(join(dir, 'nvidia-smi'), `#!/bin/sh\necho "$@" > '${args}'\nprintf '0, 37, 1024, 16384, 71.52\\n1, 88, 15000, 16000, 250.00\\n'\n`);
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  const gpus = nvidiaSmiQuery({ PATH: dir });
  assert.ok(gpus, 'found on PATH');
  const { values } = await new SystemSampler({ rootPid: process.pid, gpus, diskPath: null }).sample();
  const gpuValues = Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith('system/gpu_')));
  assert.deepEqual(gpuValues, {
    [gpuMetric.utilization(0)]: 37, [gpuMetric.memoryUsed(0)]: 1024 * 1.048576, [gpuMetric.memoryPercent(0)]: 6.25, [gpuMetric.power(0)]: 71.52,
    [gpuMetric.utilization(1)]: 88, [gpuMetric.memoryUsed(1)]: 15000 * 1.048576, [gpuMetric.memoryPercent(1)]: 93.75, [gpuMetric.power(1)]: 250,
  });
  assert.equal(readFileSync(args, 'utf8').trim(), NVIDIA_SMI_ARGS.join(' '), 'asked as an argument array, the query RunLens parses');
});

test('no nvidia-smi on PATH: no GPU reader, so no GPU series and nothing to fail', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-nosmi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(nvidiaSmiQuery({ PATH: dir }), undefined);
  const { values } = await new SystemSampler({ rootPid: process.pid, diskPath: null }).sample();
  assert.deepEqual(Object.keys(values).filter((k) => k.includes('gpu')), []);
});

test('an nvidia-smi that fails reads as no GPUs for that sample', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-badsmi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA-SMI has failed" >&2\nexit 9\n');
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  assert.deepEqual(await nvidiaSmiQuery({ PATH: dir })!(), []);
});
