/**
 * The CLI on the real Slurm cluster: `train --on` returns after submitting,
 * the job ends with nothing watching (the editor closed), and `runlens jobs
 * sync` completes the run exactly once. Also `--wait`, `logs`, `cancel` and
 * no Slurm on PATH.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RunStore } from '../../store/runStore';
import { startRealSlurm, waitForJobs, type RealSlurm } from '../../compute/testing/realSlurm';
import { makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

let slurm: RealSlurm | undefined;
let skip: string | false = false;
let ws: ReturnType<typeof makeWorkspace>;
const submitted: string[] = [];

before(async () => {
  const r = await startRealSlurm();
  if ('skip' in r) skip = r.skip;
  else slurm = r;
  ws = makeWorkspace();
  ws.write('runlens.yaml', `compute:\n  cluster:\n    backend: slurm\n    partition: ${slurm?.partition ?? 'debug'}\n    time: "15"\n`);
});

after(() => {
  if (slurm && submitted.length > 0) spawnSync(path.join(slurm.binDir, 'scancel'), submitted, { env: slurm.env });
  ws.cleanup();
});

function cli(args: string[]) {
  return runCli(ws.dir, args, { PATH: slurm!.env.PATH });
}

function storeOf(): RunStore {
  return RunStore.open(path.join(ws.dir, '.runlens'), { readonly: true });
}

describe('runlens on Slurm', () => {
  test('train --on without --wait returns after submitting; the job ends unwatched; jobs sync completes the run, once', async (t) => {
    if (skip) return t.skip(skip);
    const r = cli(['train', 'iris.train.yaml', '--on', 'cluster', '--name', 'unwatched']);
    assert.equal(r.code, 0, r.stderr);
    const jobId = /as Slurm job (\d+)/.exec(r.stdout)?.[1];
    assert.ok(jobId, r.stdout);
    submitted.push(jobId);
    assert.match(r.stdout, /runlens logs [0-9a-f]{8} --follow/);
    await waitForJobs(slurm!, [jobId], 'the job to complete', (s) => s.get(jobId)?.state === 'COMPLETED', { timeoutMs: 10 * 60_000 });
    let store = storeOf();
    assert.equal(store.getRun('unwatched').status, 'queued', 'nothing synced while the job ran');
    store.close();

    const first = cli(['jobs', 'sync']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /unwatched: queued → finished/);
    store = storeOf();
    const id = store.getRun('unwatched').id;
    const points = store.getMetricSummaries(id).map((m) => [m.key, m.count]);
    const artifacts = store.listArtifacts(id).length;
    assert.equal(store.getRun(id).status, 'finished');
    assert.ok(points.some(([k]) => k === 'test_accuracy'));
    store.close();

    const second = cli(['jobs', 'sync']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /synced: 0 events \(0 metric points\) ingested, 0 status changes/);
    store = storeOf();
    assert.deepEqual(store.getMetricSummaries(id).map((m) => [m.key, m.count]), points);
    assert.equal(store.listArtifacts(id).length, artifacts);
    store.close();

    const jobs = JSON.parse(cli(['jobs', '--json']).stdout) as { id: string; status: string; job: string; state: string }[];
    assert.deepEqual(jobs.filter((j) => j.id === id).map((j) => [j.status, j.job, j.state]), [['finished', jobId, 'COMPLETED']]);
    const logs = cli(['logs', 'unwatched']);
    assert.match(logs.stdout, /\[fit\] fitting decision_tree/);
    const cancel = cli(['cancel', 'unwatched']);
    assert.equal(cancel.code, 1);
    assert.match(cancel.stderr, /already ended: finished/);
  });

  test('train --on --wait streams the job output and prints the metrics when it ends', async (t) => {
    if (skip) return t.skip(skip);
    const child = spawnCli(ws.dir, ['train', 'iris.train.yaml', '--on', 'cluster', '--wait', '--name', 'watched'], { PATH: slurm!.env.PATH });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const id = /as Slurm job (\d+)/.exec(stderr)?.[1];
      if (id && !submitted.includes(id)) submitted.push(id);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    assert.match(stderr, /watched: (queued|running) → finished/);
    assert.match(stderr, /\[fit\] fitting decision_tree/, 'the job output streamed');
    assert.match(stdout, /run watched \([0-9a-f]{32}\) finished on Slurm job \d+\n[\s\S]*test_accuracy\s+0\.9000/);
  });

  test('Ctrl-C during train --on --wait cancels the job: the run killed, exit 130', async (t) => {
    if (skip) return t.skip(skip);
    ws.write('hold.py', 'import time\nprint("holding", flush=True)\nwhile True:\n    time.sleep(0.1)\n');
    ws.write('hold.train.yaml', 'experiment: hold\ncommand: [/usr/bin/python3, hold.py]\n');
    const child = spawnCli(ws.dir, ['train', 'hold.train.yaml', '--on', 'cluster', '--wait', '--name', 'interrupted'], { PATH: slurm!.env.PATH });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const id = /as Slurm job (\d+)/.exec(stderr)?.[1];
      if (id && !submitted.includes(id)) submitted.push(id);
      // The script's own line came back through the job's output: it runs on the node.
      if (!sent && /holding/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /cancelling Slurm job \d+/);
    const store = storeOf();
    try {
      assert.equal(store.getRun('interrupted').status, 'killed');
      assert.equal(store.getTags(store.getRun('interrupted').id)['slurm.state'], 'CANCELLED');
    } finally {
      store.close();
    }
  });

  test('runlens cancel on a local running run stops its process; its trainer records it killed', async () => {
    ws.write('spin.py', 'import time\nprint("spinning", flush=True)\nwhile True:\n    time.sleep(0.1)\n');
    ws.write('spin.train.yaml', 'experiment: spin\ncommand: [/usr/bin/python3, spin.py]\n');
    const child = spawnCli(ws.dir, ['train', 'spin.train.yaml', '--name', 'local-spin']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!/spinning/.test(stderr)) {
      if (child.exitCode !== null) throw new Error(`train ended first: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = runCli(ws.dir, ['cancel', 'local-spin']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sent SIGTERM to process \d+ of local-spin/);
    assert.equal(await exited, 130, stderr);
    const store = storeOf();
    try {
      assert.equal(store.getRun('local-spin').status, 'killed');
    } finally {
      store.close();
    }
  });

  test('no Slurm on PATH: one line saying where to run it, and the run is not left queued', () => {
    // A PATH with nothing on it: the CLI itself runs by its absolute node path.
    const emptyBin = path.join(ws.dir, 'empty-bin');
    mkdirSync(emptyBin);
    const r = runCli(ws.dir, ['train', 'iris.train.yaml', '--on', 'cluster', '--name', 'nowhere'], { PATH: emptyBin });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), "error: Slurm's commands are not on PATH here: run RunLens on the cluster's login node, e.g. through Remote-SSH");
    const store = storeOf();
    try {
      assert.equal(store.getRun('nowhere').status, 'failed');
    } finally {
      store.close();
    }
  });
});
