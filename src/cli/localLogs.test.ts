/**
 * `runlens logs` on runs trained on this machine, with the real CLI in child
 * processes: `--follow` prints a command run's output while it runs and ends
 * with the run; a live run's log so far; a finished command run's own
 * `logs/output.log`; a built-in run followed until it is cancelled.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { makeWorkspace, runCli, spawnCli } from '../../test/fixtures/workspace';
import { slowConfigYaml, writeSlowClassificationCsv } from '../../test/fixtures/syntheticCsv';
import { liveLogDir } from '../store/liveLogs';
import { RunStore } from '../store/runStore';
import { waitFor } from '../worker/command/commandTesting';

/** A child's output as it arrives, and its exit. */
function watch(child: ChildProcessWithoutNullStreams, all: ChildProcessWithoutNullStreams[]) {
  all.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out.stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (out.stderr += t));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

describe('runlens logs on a local run', () => {
  const ws = makeWorkspace();
  const storeDir = join(ws.dir, '.runlens');
  const children: ChildProcessWithoutNullStreams[] = [];
  // A failed assertion must not leave a trainer (a million epochs) or a follower behind.
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    ws.cleanup();
  });
  /** The experiment's running run; undefined until the CLI has created the store and the run. */
  const liveRun = (experiment: string) => {
    let store: RunStore;
    try {
      store = RunStore.open(storeDir, { readonly: true });
    } catch {
      return undefined; // the store is still being created
    }
    try {
      return store.listRuns({ experiment }).find((r) => r.status === 'running');
    } finally {
      store.close();
    }
  };

  test('--follow prints a command run\'s output while it runs, the rest when it ends, then its status', async () => {
    // The script prints one line, then waits for the test's signal file before its second.
    ws.write('two.js', [
      "const fs = require('fs');",
      "console.log('first line ✓');",
      "const t = setInterval(() => { if (fs.existsSync('go')) { clearInterval(t); process.stdout.write('second line, no newline at the end'); } }, 20);",
    ].join('\n'));
    ws.write('two.train.yaml', `experiment: follow\ncommand: [${JSON.stringify(process.execPath)}, two.js]\n`);
    const trainer = watch(spawnCli(ws.dir, ['train', 'two.train.yaml']), children);
    let run: ReturnType<typeof liveRun>;
    await waitFor(() => (run = liveRun('follow')) !== undefined, `the run to start:\n${trainer.out.stderr}`, 120_000);
    const follower = watch(spawnCli(ws.dir, ['logs', run!.id, '--follow']), children);
    await waitFor(() => follower.out.stdout.includes('first line ✓'), `the first line in the follower:\n${follower.out.stderr}`, 120_000);
    assert.equal(liveRun('follow')?.id, run!.id, 'the line arrived while the run was running');
    const sofar = runCli(ws.dir, ['logs', run!.id]);
    assert.equal(sofar.code, 0, sofar.stderr);
    assert.match(sofar.stdout, /first line ✓/, 'without --follow, a live run\'s log so far');
    writeFileSync(join(ws.dir, 'go'), '');
    assert.equal(await follower.exited, 0, follower.out.stderr);
    assert.equal(await trainer.exited, 0, trainer.out.stderr);
    const printed = follower.out.stdout;
    assert.ok(printed.indexOf('first line ✓') < printed.indexOf('second line, no newline at the end'), printed);
    assert.equal(printed.split('first line ✓').length, 2, 'nothing printed twice');
    assert.match(follower.out.stderr, /: finished/);
    assert.equal(existsSync(liveLogDir(storeDir, run!.id)), false, 'the live log is gone once the run ended');

    const saved = runCli(ws.dir, ['logs', run!.id]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /first line ✓\n/, 'a finished command run shows its logs/output.log');
    assert.match(saved.stdout, /second line, no newline at the end/);
  });

  test('--follow on a built-in run prints its progress and ends when the run is cancelled', async () => {
    writeSlowClassificationCsv(join(ws.dir, 'data', 'slow.csv'), 5_000);
    ws.write('slow.train.yaml', slowConfigYaml('slow-follow'));
    const trainer = watch(spawnCli(ws.dir, ['train', 'slow.train.yaml']), children);
    let run: ReturnType<typeof liveRun>;
    await waitFor(() => (run = liveRun('slow-follow')) !== undefined, `the run to start:\n${trainer.out.stderr}`, 120_000);
    const follower = watch(spawnCli(ws.dir, ['logs', run!.id, '-f']), children);
    await waitFor(() => /\[fit\]/.test(follower.out.stdout), `the fit's log line in the follower:\n${follower.out.stdout}\n${follower.out.stderr}`, 120_000);
    assert.equal(liveRun('slow-follow')?.id, run!.id, 'the line arrived while the run was running');
    trainer.child.kill('SIGINT');
    assert.equal(await trainer.exited, 130, trainer.out.stderr);
    assert.equal(await follower.exited, 0, follower.out.stderr);
    assert.match(follower.out.stderr, /: killed \(cancelled\)/);
    assert.equal(existsSync(liveLogDir(storeDir, run!.id)), false);
  });
});
