/**
 * Child process of the multi-process store test: opens the store (racing the
 * others to create and migrate it), creates a run and logs `points` points of
 * two keys in batches, plus params, tags and an artifact, then finishes the
 * run and reports its id to the parent. Any error exits non-zero with the
 * message on stderr.
 * Usage: node --import tsx concurrentWriter.ts <storeDir> <points> <batch> <name>
 */
import { RunStore } from '../runStore';
import type { MetricPoint } from '../types';

const [dir, pointsArg, batchArg, name] = process.argv.slice(2);
const points = Number(pointsArg);
const batch = Number(batchArg);

try {
  const store = RunStore.open(dir);
  const run = store.createRun({ experiment: 'concurrency', name, pid: process.pid });
  store.logParams(run.id, { writer: name, points });
  for (let i = 0; i < points; i += batch) {
    const pts: MetricPoint[] = [];
    for (let j = i; j < Math.min(points, i + batch); j++) pts.push({ key: j % 2 ? 'loss' : 'acc', value: Math.sin(j) });
    store.logMetrics(run.id, pts);
    if (i % (batch * 20) === 0) store.setTags(run.id, { progress: String(i) });
  }
  store.logArtifact(run.id, 'shared.txt', 'the same bytes in every run', 'file');
  store.setStatus(run.id, 'finished');
  store.close();
  process.send?.({ runId: run.id });
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
