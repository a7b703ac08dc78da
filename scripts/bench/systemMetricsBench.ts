/**
 * The system-metrics sampler's own cost (#19): CPU time of one sample (a scan
 * of /proc for the tree, the machine's CPU and memory, statfs of /), as a
 * share of one core at the default 5 s interval. Measured with
 * process.cpuUsage (user + system time of this process) over many samples, for
 * a lone process and for a tree of 16 children (a data loader's workers); the
 * Python helper's sampler the same way with time.process_time. nvidia-smi is
 * not on these machines: on a GPU machine each sample also starts it once.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SYSTEM_METRICS_INTERVAL_S } from '../../src/worker/system/systemMetricsSettings';
import { SystemSampler } from '../../src/worker/system/systemSampler';
import type { BenchResult } from './types';

const SAMPLES = 300;
const GOAL = '< 1% of one core';

async function cpuMsPerSample(rootPid: number): Promise<number> {
  const sampler = new SystemSampler({ rootPid });
  await sampler.sample(); // warm: getconf's units are asked once per process
  const before = process.cpuUsage();
  for (let i = 0; i < SAMPLES; i++) await sampler.sample();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / SAMPLES;
}

function shareOfCore(msPerSample: number): number {
  return (msPerSample / (DEFAULT_SYSTEM_METRICS_INTERVAL_S * 1000)) * 100;
}

function pythonMsPerSample(): number {
  const script = [
    'import os, sys, time, runlens_system',
    's = runlens_system.SystemSampler(lambda values, step: None, 5.0, environ={"PATH": ""})',
    's.sample_once()',
    't = time.process_time()',
    `for _ in range(${SAMPLES}): s.sample_once()`,
    `print((time.process_time() - t) * 1000 / ${SAMPLES})`,
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.resolve(__dirname, '../../python') } });
  return r.status === 0 ? Number(r.stdout.trim()) : Number.NaN;
}

export async function benchSystemMetrics(): Promise<BenchResult[]> {
  const processes = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
  const alone = await cpuMsPerSample(process.pid);
  const parent = spawn(process.execPath, ['-e', "const {spawn} = require('child_process'); for (let i = 0; i < 16; i++) spawn('sleep', ['600']); console.log('up'); setInterval(() => {}, 1e6)"], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  try {
    await new Promise<void>((resolve) => parent.stdout!.once('data', () => resolve()));
    const tree = await cpuMsPerSample(parent.pid!);
    const python = pythonMsPerSample();
    const note = (ms: number) => `${ms.toFixed(2)} ms of CPU per sample, ${processes} processes on the machine`;
    return [
      { name: 'sampler at the default 5 s interval: one process', value: shareOfCore(alone), unit: '% of one core', goal: GOAL, note: note(alone) },
      { name: 'sampler at the default 5 s interval: a tree of 17 processes', value: shareOfCore(tree), unit: '% of one core', goal: GOAL, note: note(tree) },
      { name: 'Python helper sampler (/proc, no psutil) at 5 s', value: Number.isNaN(python) ? python : shareOfCore(python), unit: '% of one core', goal: GOAL, note: Number.isNaN(python) ? '/usr/bin/python3 did not run' : note(python) },
    ];
  } finally {
    process.kill(-parent.pid!, 'SIGKILL');
  }
}
