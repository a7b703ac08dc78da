import type { BenchSection } from './types';
import { benchStore } from './storeBench';
import { benchData } from './dataBench';
import { benchModels } from './modelBench';
import { benchExplorer } from './explorerBench';
import { benchCompare } from './compareBench';
import { benchMlp } from './mlpBench';
import { benchBigFits } from './bigFitBench';
import { benchSweep } from './sweepBench';
import { benchDiff } from './diffBench';
import { benchDiffLarge } from './diffLargeBench';
import { benchServe } from './serveBench';
import { benchImage } from './imageBench';
import { benchRemoteReads, benchTeam } from './teamBench';
import { benchSpool } from './spoolBench';
import { benchSlurmJobs } from './slurmJobBench';
import { benchSystemMetrics } from './systemMetricsBench';
import { benchParquet } from './parquetBench';
import { benchReportCharts } from './reportChartsBench';

/** Every benchmark section, in the order BENCHMARKS.md lists them. */
export const sections: readonly BenchSection[] = [
  { title: 'Store (better-sqlite3)', run: benchStore },
  { title: 'CSV reading', run: benchData },
  { title: 'Parquet reading (1,000,000 × 20, snappy)', run: benchParquet },
  { title: 'Model fitting vs scikit-learn', run: benchModels },
  { title: 'MLP training vs scikit-learn', run: benchMlp },
  { title: 'Big fits, 1,000,000 × 50: linear and logistic regression vs scikit-learn, with peak memory (opt-in: npm run bench -- "big fits")', run: benchBigFits, optIn: true },
  { title: 'Sweeps (16 trials, 2 cores)', run: benchSweep },
  { title: 'Run explorer queries (10,000 runs)', run: benchExplorer },
  { title: 'Compare panel: 100 runs × 5 metrics × 10,000 steps', run: benchCompare },
  { title: 'Report charts as SVG: 5 runs × 3 metrics × 10,000 steps (vega-lite, chart.js on @napi-rs/canvas, hand-written)', run: benchReportCharts },
  { title: 'Dataset diff (1,000,000 × 20, keyed, 1% changed)', run: benchDiff },
  { title: 'Diff of two 2 GB CSVs (opt-in: npm run bench -- "2 GB")', run: benchDiffLarge, optIn: true },
  { title: 'Model serving (/invocations, autocannon, 2 connections)', run: benchServe },
  { title: 'Model image (runlens build: buildah, vfs, chroot)', run: benchImage },
  { title: 'Team tracking: push to a real MLflow server 2.12', run: benchTeam },
  { title: 'Team tracking: reading a real MLflow server (10,000 runs; 20 runs × 5 metrics × 10k steps)', run: benchRemoteReads },
  { title: 'Job spool: ingest vs direct logging (500,000 points)', run: benchSpool },
  { title: 'Slurm jobs: latency and a 32-trial sweep (real one-node cluster)', run: benchSlurmJobs },
  { title: 'System metrics: the sampler\'s own cost', run: benchSystemMetrics },
];
