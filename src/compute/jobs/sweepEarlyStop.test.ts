/**
 * `stop_when` and `max_failures` for sweeps on the real one-node Slurm
 * cluster: the sync that sees the deciding trial cancels the array tasks that
 * have not started (Slurm says CANCELLED; the trials end killed, "not run:
 * the sweep stopped (…)"), a trial already running goes on, and the parent
 * ends as a local sweep's would. Each trial waits for the test's release
 * file, so which trials have started is the test's choice, not the
 * scheduler's timing; `parallel: 1` makes Slurm start them one at a time.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { STOPPED_TAG } from '../../worker/sweepRuns';
import { spoolPaths } from '../spool/spoolEvents';
import { startRealSlurm, type RealSlurm } from '../testing/realSlurm';
import { clusterRunOf } from './clusterRuns';
import { submitToSlurm } from './submitToSlurm';
import { clusterWorkspace, type ClusterWorkspace } from './testing/clusterFixture';

const PYTHON = '/usr/bin/python3';
let slurm: RealSlurm | undefined;
let skip: string | false = false;
let ws: ClusterWorkspace;

before(async () => {
  const r = await startRealSlurm();
  if ('skip' in r) skip = r.skip;
  else slurm = r;
});

describe('sweep early stop on Slurm', () => {
  before(() => {
    if (!slurm) return;
    ws = clusterWorkspace(slurm);
    ws.write('trial.py', [
      'import os, sys, time',
      'x = os.environ["RUNLENS_PARAM_X"]',
      'if x == "0":',
      '    sys.exit("x = 0 fails")',
      `ws = ${JSON.stringify('WS')}`,
      '# until the test releases this trial (or its workspace is gone: a failed test leaves no job behind)',
      'while os.path.isdir(ws) and not os.path.exists(os.path.join(ws, "release-" + x)):',
      '    time.sleep(0.05)',
      'print(f"runlens: metric score={x}", flush=True)', '',
    ].join('\n').replace('"WS"', JSON.stringify(ws.dir)));
  });
  after(() => ws?.cleanup());

  const sweep = (name: string, rule: string, xs: number[]) =>
    ws.write(name, `experiment: ${name}\ncommand: [${PYTHON}, trial.py]\nparams: { x: 1 }\nsweep: { method: grid, metric: score, goal: maximize, parallel: 1, ${rule}, params: { params.x: [${xs.join(', ')}] } }\n`);
  const release = (x: number) => writeFileSync(path.join(ws.dir, `release-${x}`), '');
  const run = (id: string) => ws.store.getRun(id);
  /** The trial's task never started on the node: no start time, no spool (Slurm may still create an empty output file). */
  const neverRan = (id: string) => {
    assert.equal(run(id).startedAt, null, 'the trial never started');
    assert.equal(existsSync(spoolPaths(clusterRunOf(ws.store, ws.storeDir, run(id)).taskDir).events), false, 'its task wrote no spool');
  };

  /** The second trial started or was stopped, depending on whether Slurm started it before the stopping sync: release it if it runs. */
  async function settleSecond(id: string, x: number): Promise<'ran' | 'stopped'> {
    if (run(id).status === 'killed') return 'stopped';
    release(x);
    await ws.syncUntilFinal(id);
    assert.equal(run(id).status, 'finished', 'a trial running when the sweep stopped goes on to its end');
    return 'ran';
  }

  test('stop_when: the first trial matching it stops the sweep; its queued trials are cancelled on Slurm and end killed', async (t) => {
    if (skip) return t.skip(skip);
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath: sweep('stopwhen.train.yaml', 'stop_when: metrics.score >= 2', [2, 3, 4]), profile: ws.profile, slurm: { env: slurm!.env, binDir: slurm!.binDir } });
    const [first, second, third] = s.taskRunIds as [string, string, string];
    await ws.syncUntil(() => run(first).status === 'running', 'the first trial to run');
    release(2);
    await ws.syncUntil(() => ws.store.getTags(s.rootRunId)[STOPPED_TAG] !== undefined, 'the sweep to stop');
    assert.equal(ws.store.getTags(s.rootRunId)[STOPPED_TAG], 'stop_when');
    assert.equal(run(third).status, 'killed');
    assert.equal(run(third).error, 'not run: the sweep stopped (stop_when)');
    await settleSecond(second, 3);
    await ws.syncUntilFinal(s.rootRunId);
    neverRan(third);
    assert.equal(run(third).error, 'not run: the sweep stopped (stop_when)', 'Slurm\'s CANCELLED did not replace the reason');
    const parent = run(s.rootRunId);
    assert.equal(parent.status, 'finished', parent.error ?? '');
    assert.equal(ws.store.getTags(s.rootRunId)['runlens.sweep.best_run'] !== undefined, true);
  });

  test('max_failures: 0: the first failed trial stops the sweep, which ends failed saying so', async (t) => {
    if (skip) return t.skip(skip);
    const s = await submitToSlurm({ store: ws.store, storeDir: ws.storeDir, configPath: sweep('maxfail.train.yaml', 'max_failures: 0', [0, 5, 6]), profile: ws.profile, slurm: { env: slurm!.env, binDir: slurm!.binDir } });
    const [first, second, third] = s.taskRunIds as [string, string, string];
    await ws.syncUntil(() => ws.store.getTags(s.rootRunId)[STOPPED_TAG] !== undefined, 'the sweep to stop');
    assert.equal(ws.store.getTags(s.rootRunId)[STOPPED_TAG], 'max_failures');
    assert.equal(run(first).status, 'failed');
    assert.equal(run(third).status, 'killed');
    assert.equal(run(third).error, 'not run: the sweep stopped (max_failures)');
    await settleSecond(second, 5);
    await ws.syncUntilFinal(s.rootRunId);
    neverRan(third);
    const parent = run(s.rootRunId);
    assert.equal(parent.status, 'failed');
    assert.equal(parent.error, '1 trial failed (max_failures: 0)');
  });
});
