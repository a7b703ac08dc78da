/**
 * Child process of the power-cut test: opens the store, creates a run and
 * logs batches of `batch` points (steps counting up) until it is killed,
 * reporting each batch to the parent only after its transaction committed.
 * Usage: powerCutWriter <storeDir> <batch>
 */
import { RunStore } from '../runStore';

const [dir, batchArg] = process.argv.slice(2);
const batch = Number(batchArg);
const store = RunStore.open(dir!);
const run = store.createRun({ experiment: 'power-cut', pid: process.pid });
process.send?.({ type: 'run', runId: run.id });
for (let b = 0; ; b++) {
  const points = Array.from({ length: batch }, (_, i) => ({ key: 'loss', value: Math.sin(b * batch + i), step: b * batch + i }));
  store.logMetrics(run.id, points);
  process.send?.({ type: 'committed', batches: b + 1 });
}
