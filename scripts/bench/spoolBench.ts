/**
 * Job spool benchmarks (issue #16), called by the bench harness (`benchSpool()`),
 * or run directly: `node --import tsx scripts/bench/spoolBench.ts`.
 * - ingest throughput: the spool of a run with 500,000 points (5 series, logged
 *   in batches of 1,000) applied to a workspace store by ingestSpool, against
 *   the same batches logged straight into a store with `store.logMetrics`
 *   (what a local run's trainer does); points/s, median of 3;
 * - ship throughput: the SpoolShipper reading those points from the scratch
 *   store and appending them to the spool (fsync per flush), same reference.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestSpool } from '../../src/compute/spool/ingestSpool';
import { SpoolShipper } from '../../src/compute/spool/spoolShipper';
import { RunStore } from '../../src/store/runStore';
import type { MetricPoint } from '../../src/store/types';
import type { BenchResult } from './types';

const KEYS = 5;
const TOTAL = 500_000;
const BATCH = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function batches(): MetricPoint[][] {
  const out: MetricPoint[][] = [];
  for (let i = 0; i < TOTAL; i += BATCH) {
    const b: MetricPoint[] = [];
    for (let j = i; j < i + BATCH; j++) b.push({ key: `m${j % KEYS}`, value: Math.sin(j), step: Math.floor(j / KEYS), timestamp: 1_700_000_000_000 + j });
    out.push(b);
  }
  return out;
}

/** One round: direct logging, shipping and ingesting the same points; seconds each. */
function once(data: MetricPoint[][]): { direct: number; ship: number; ingest: number; spoolBytes: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-spool-'));
  try {
    const direct = RunStore.open(path.join(dir, 'direct'));
    const d = direct.createRun({ experiment: 'bench' });
    let t0 = performance.now();
    for (const b of data) direct.logMetrics(d.id, b);
    const directS = (performance.now() - t0) / 1000;
    direct.close();

    const scratch = RunStore.open(path.join(dir, 'scratch'));
    const root = scratch.createRun({ experiment: 'bench' });
    for (const b of data) scratch.logMetrics(root.id, b);
    const taskDir = path.join(dir, 'jobs', 'r', '0');
    t0 = performance.now();
    const shipper = new SpoolShipper({ store: scratch, rootRunId: root.id, taskDir });
    shipper.finish({ status: 'finished', exitCode: 0 });
    const shipS = (performance.now() - t0) / 1000;
    const spoolBytes = shipper.bytesWritten;
    scratch.close();

    const ws = RunStore.open(path.join(dir, 'ws'));
    const run = ws.createRun({ experiment: 'bench', status: 'queued', tags: { 'runlens.compute': 'slurm' } });
    t0 = performance.now();
    const r = ingestSpool(ws, taskDir, run.id);
    const ingestS = (performance.now() - t0) / 1000;
    if (r.points !== TOTAL) throw new Error(`ingested ${r.points} points, not ${TOTAL}`);
    ws.close();
    return { direct: directS, ship: shipS, ingest: ingestS, spoolBytes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSpool(): Promise<BenchResult[]> {
  const data = batches();
  const rounds = [once(data), once(data), once(data)];
  const direct = TOTAL / median(rounds.map((r) => r.direct));
  const ingest = TOTAL / median(rounds.map((r) => r.ingest));
  const ship = TOTAL / median(rounds.map((r) => r.ship));
  const mb = rounds[0]!.spoolBytes / 2 ** 20;
  return [
    {
      name: `ingest a spool of ${TOTAL.toLocaleString('en')} points (${KEYS} series) into the workspace store`, value: ingest, unit: 'points/s',
      reference: direct, referenceName: `store.logMetrics, the same ${BATCH}-point batches`, goal: '≥ 0.5× direct logging',
      note: `spool ${mb.toFixed(1)} MB (${(rounds[0]!.spoolBytes / TOTAL).toFixed(0)} B/point); one transaction per 4 MiB of lines, the offset in it; median of 3`,
    },
    {
      name: 'ship the same points from the scratch store to the spool (SpoolShipper)', value: ship, unit: 'points/s',
      reference: direct, referenceName: 'store.logMetrics', note: 'reads by position, 1,000 points a line, fsync at the end; median of 3',
    },
  ];
}

if (require.main === module) {
  void benchSpool().then((r) => console.log(JSON.stringify(r, null, 2)));
}
