/**
 * System metrics of runs the Python helper starts itself (python/runlens_system.py), with Debian's python3
 * against a real store: through its /proc reader (psutil hidden) and, where python3-psutil is installed,
 * through psutil.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuMetric, isSystemMetric, SYSTEM_METRICS as M } from '../core/metrics/systemMetricNames';
import { RunStore } from './runStore';
import { printedId, runPy, tsStore } from './testing/pythonHelperProcess';

function workspace(t: { after: (fn: () => void) => void }): { root: string; storeDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'runlens-pysys-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return { root, storeDir: tsStore(root) };
}

// 200 MB held from before the run starts (so every sample has it), then 1.5 CPU seconds by the script's own clock.
const WORK = `
import runlens, time
block = bytearray(200 * 1000 * 1000)
for i in range(0, len(block), 4096):
    block[i] = 1
with runlens.start_run(experiment="sys") as run:
    runlens.log_metric("loss", 0.5)
    start = time.process_time()
    while time.process_time() - start < 1.5:
        pass
html = run._repr_html_()
print("sparklines", html.count("<svg "), "system" in html)
print(run.id)
`;

/** Whether Debian's python3 here has psutil (python3-psutil; the notebook packages bring it in). */
const HAS_PSUTIL = spawnSync('/usr/bin/python3', ['-c', 'import psutil'], { stdio: 'ignore' }).status === 0;

for (const reader of ['/proc', 'psutil'] as const) {
  test(`a script run samples its own process through ${reader}: memory, CPU, the machine, a fake nvidia-smi, and the summaries`,
    { skip: reader === 'psutil' && !HAS_PSUTIL && 'python3-psutil is not installed' }, (t) => samplesItsOwnProcess(t, reader));
}

function samplesItsOwnProcess(t: { after: (fn: () => void) => void }, reader: '/proc' | 'psutil'): void {
  const { root, storeDir } = workspace(t);
  // The /proc reader is the one used without psutil: psutil is hidden from the helper for it.
  const hide = reader === '/proc' ? 'import sys\nsys.modules["psutil"] = None\n' : '';
  const which = 'import runlens_system\nprint("reader", "psutil" if runlens_system.psutil else "/proc")\n';
  // The real nvidia-smi cannot run on the test machines (no NVIDIA GPU or driver): a script of that name prints its CSV.
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'nvidia-smi'), "#!/bin/sh\nprintf '0, 37, 1024, 16384, 71.52\\n'\n");
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  const r = runPy(hide + which + WORK, root, {
    RUNLENS_STORE: storeDir, RUNLENS_SYSTEM_METRICS: '1', RUNLENS_SYSTEM_METRICS_INTERVAL: '0.2', PATH: `${bin}:${process.env.PATH ?? ''}`,
  });
  const id = printedId(r);
  assert.match(r.stdout, new RegExp(`^reader ${reader}$`, 'm'));
  assert.match(r.stdout, /^sparklines 1 False$/m, "the Run's notebook HTML shows the run's own metric, not the system series");
  const store = RunStore.open(storeDir);
  try {
    const summary = Object.fromEntries(store.getMetricSummaries(id).map((m) => [m.key, m.latest]));
    assert.equal(summary.loss, 0.5);
    const memory = store.getMetricHistory(id, M.processMemory);
    assert.ok(memory.values.length >= 2, 'a first sample and a last one');
    assert.ok(Math.min(...memory.values) > 200 && Math.max(...memory.values) < 200 * 1.2 + 50, `python3 holding 200 MB: ${[...memory.values].map((v) => v.toFixed(0)).join(', ')} MB`);
    assert.equal(summary[M.peakMemory], Math.max(...memory.values));
    const cpu = store.getMetricHistory(id, M.processCpu);
    let cpuSeconds = 0;
    for (let i = 0; i < cpu.values.length; i++) {
      const j = [...memory.steps].indexOf(cpu.steps[i]!);
      if (j > 0) cpuSeconds += (cpu.values[i]! / 100) * ((memory.timestamps[j]! - memory.timestamps[j - 1]!) / 1000);
    }
    assert.ok(cpuSeconds >= 0.8 * 1.5, `${cpuSeconds.toFixed(2)} CPU seconds seen; the spin alone is 1.5`);
    assert.ok(summary[M.meanCpu]! > 0 && summary[M.machineMemoryUsed]! > 0 && summary[M.diskUsed]! > 0);
    assert.equal(summary[gpuMetric.utilization(0)], 37);
    assert.equal(summary[gpuMetric.memoryUsed(0)], 1024 * 1.048576);
    assert.equal(summary[gpuMetric.memoryPercent(0)], 6.25);
    assert.equal(summary[gpuMetric.power(0)], 71.52);
    assert.equal(summary[gpuMetric.meanUtilization(0)], 37);
    assert.deepEqual([...memory.steps], [...memory.steps].map((_, i) => i), 'step = the sample index');
  } finally {
    store.close();
  }
}

test('off with RUNLENS_SYSTEM_METRICS=0, and no GPU series without nvidia-smi', (t) => {
  const { root, storeDir } = workspace(t);
  const script = 'import runlens\nwith runlens.start_run() as run:\n    runlens.log_metric("m", 1)\nprint(run.id)';
  const off = printedId(runPy(script, root, { RUNLENS_STORE: storeDir, RUNLENS_SYSTEM_METRICS: '0' }));
  const on = printedId(runPy(script, root, { RUNLENS_STORE: storeDir, RUNLENS_SYSTEM_METRICS: '1', PATH: '/usr/bin:/bin' }));
  const store = RunStore.open(storeDir);
  try {
    assert.deepEqual(store.getMetricSummaries(off).map((m) => m.key), ['m']);
    const keys = store.getMetricSummaries(on).map((m) => m.key);
    assert.ok(keys.includes(M.processMemory) && keys.includes(M.peakMemory), keys.join(', '));
    assert.deepEqual(keys.filter((k) => k.includes('gpu')), []);
  } finally {
    store.close();
  }
});

test('a run RunLens launched (RUNLENS_RUN_ID) is not sampled by the helper: its launcher samples the whole tree', (t) => {
  const { root, storeDir } = workspace(t);
  const store = RunStore.open(storeDir);
  try {
    const id = store.createRun({ experiment: 'cmd', status: 'running', pid: process.pid }).id;
    const r = runPy('import runlens\nwith runlens.start_run() as run:\n    runlens.log_metric("m", 1)\nprint(run.id)', root, {
      RUNLENS_STORE: storeDir, RUNLENS_RUN_ID: id, RUNLENS_SYSTEM_METRICS: '1', RUNLENS_SYSTEM_METRICS_INTERVAL: '0.1',
    });
    assert.equal(printedId(r), id);
    assert.deepEqual(store.getMetricSummaries(id).map((m) => m.key).filter(isSystemMetric), []);
  } finally {
    store.close();
  }
});

test("the helper's two /proc tree walks (children files, a scan of every process) find the same tree, children included", (t) => {
  const { root } = workspace(t);
  const r = runPy([
    'import json, os, subprocess, runlens_system as rs',
    "kids = [subprocess.Popen(['sleep', '600']) for _ in range(2)]",
    'try:',
    '    walked, scanned = sorted(rs._tree_by_children(os.getpid())), sorted(rs._tree_by_scan(os.getpid()))',
    '    print(json.dumps({"walked": walked, "scanned": scanned, "me": os.getpid(), "kids": [k.pid for k in kids]}))',
    'finally:',
    '    for k in kids: k.kill()',
  ].join('\n'), root);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { walked: number[]; scanned: number[]; me: number; kids: number[] };
  assert.deepEqual(out.walked, out.scanned);
  assert.deepEqual(out.walked, [out.me, ...out.kids].sort((a, b) => a - b));
});
