/**
 * For tests: an ingester in its own process. Opens the workspace store, says
 * `ready`, waits for a line on stdin (so two of them start together), ingests
 * the spool once and prints what it applied as JSON.
 *
 *   node --import tsx ingestProcess.ts <storeDir> <taskDir> <workspaceRunId> <maxBytesPerTransaction>
 */
import { once } from 'node:events';
import { RunStore } from '../../../store/runStore';
import { ingestSpool } from '../ingestSpool';

async function main(): Promise<void> {
  const [storeDir, taskDir, runId, maxBytes] = process.argv.slice(2);
  const store = RunStore.open(storeDir!);
  try {
    process.stdout.write('ready\n');
    process.stdin.setEncoding('utf8');
    await once(process.stdin, 'data');
    const result = ingestSpool(store, taskDir!, runId!, { maxBytesPerTransaction: Number(maxBytes) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    store.close();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exitCode = 1;
});
