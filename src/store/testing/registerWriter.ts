/**
 * Child process of the registry concurrency test: opens the store, says
 * `ready`, waits for `go` (so both children register at the same moment),
 * registers the run under the model name and reports the version it got.
 * Usage: node --import tsx registerWriter.ts <storeDir> <runId> <model>
 */
import { RunStore } from '../runStore';

const [dir, runId, name] = process.argv.slice(2);

try {
  const store = RunStore.open(dir);
  process.on('message', (m) => {
    if (m !== 'go') return;
    try {
      const v = store.registry.registerModel(runId, name);
      store.close();
      process.send?.({ version: v.version }, () => process.disconnect());
    } catch (e) {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    }
  });
  process.send?.('ready');
} catch (e) {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
}
