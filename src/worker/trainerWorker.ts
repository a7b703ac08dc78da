/**
 * Entry of the trainer child process (`child_process.fork`). Receives one
 * `train` request, trains, writes everything to the store itself and reports
 * progress over IPC. SIGTERM or a `cancel` message stops the fit and marks
 * the run `killed`; SIGKILL leaves a `running` row that the next store open
 * marks `failed`.
 */
import { LiveLogFile, liveLogPath } from '../store/liveLogs';
import { RunStore } from '../store/runStore';
import { assertNever } from '../../webview/shared/assertNever';
import { type HostMessage, type WorkerMessage } from './protocol';
import { trainRun } from './trainRun';
import { toWorkerError } from './workerError';
import { captureOutput } from './captureOutput';

const controller = new AbortController();
const output = captureOutput();

function send(message: WorkerMessage): void {
  if (process.send && process.connected) process.send(message);
}

process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
process.on('disconnect', () => controller.abort());

let started = false;
process.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'train':
      if (started) return;
      started = true;
      void run(message);
      return;
    case 'cancel':
      controller.abort();
      return;
    default:
      assertNever(message);
  }
});

async function run(message: Extract<HostMessage, { type: 'train' }>): Promise<void> {
  let store: RunStore | undefined;
  let live: LiveLogFile | undefined;
  // Once the run exists, its output is also written where `runlens logs --follow` reads it.
  const emit = (m: WorkerMessage): void => {
    if (m.type === 'started' && !live) {
      live = new LiveLogFile(liveLogPath(message.request.storeDir, m.runId, 'logs/train.log'));
      output.mirrorTo(live);
    }
    send(m);
  };
  try {
    store = RunStore.open(message.request.storeDir);
    await trainRun({ store, request: message.request, emit, signal: controller.signal, readLog: output.read, log: (line) => process.stdout.write(`${line}\n`) });
  } catch (e) {
    send({ type: 'failed', error: toWorkerError(e) });
  } finally {
    // trainRun saved the log as the run's artifact: the live copy goes.
    output.mirrorTo(undefined);
    live?.remove();
    store?.close();
    // Let IPC drain before exiting so the last message arrives.
    if (process.connected) process.disconnect();
    setImmediate(() => process.exit(0));
  }
}
