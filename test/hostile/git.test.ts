/**
 * #12 part 3: a workspace's git config never runs code. Each case turns the
 * examples workspace into a repository whose config or `.git` folder tries
 * to start a program on a read (src/git/testing/trappedRepo.ts), then runs
 * the real CLI: train, sweep, datasets and diff (the commands that call git)
 * must leave the marker file uncreated, and the run must still record the
 * commit and the dirty flag right.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { GitTrap } from '../../src/git/testing/trappedRepo';
import { trapRepo } from '../../src/git/testing/trappedRepo';
import { makeWorkspace, runCli } from '../fixtures/workspace';

const TINY_SWEEP = `experiment: iris-trap
data: { path: data/iris.csv, target: species, split: { test: 0.2, seed: 42, stratify: true } }
model: { type: decision_tree, params: { seed: 0 } }
sweep: { method: grid, params: { model.params.max_depth: [2, 3] }, metric: test_accuracy, goal: maximize }
`;

/** Snapshots off: `runlens datasets` must then find the old version in git, which is what calls git. */
const ENV = { RUNLENS_DATASET_SNAPSHOT_MB: '0' };

const TRAPS: readonly GitTrap[] = ['fsmonitor', 'hooks', 'hooksPath', 'filter'];

for (const trap of TRAPS) {
  test(`git trap ${trap}: train, sweep, datasets and diff never run it; the run records commit and dirty flag`, (t) => {
    const ws = makeWorkspace();
    t.after(ws.cleanup);
    ws.write('tiny-sweep.train.yaml', TINY_SWEEP);
    const repo = trapRepo(ws.dir, trap);
    t.after(repo.cleanup);
    const head = repo.git('rev-parse', 'HEAD');
    assert.equal(repo.fired(), false, 'setting up fired the trap');
    const cli = (args: string[]) => {
      const r = runCli(ws.dir, args, ENV);
      assert.equal(repo.fired(), false, `runlens ${args.join(' ')} ran the repository's ${trap}`);
      return r;
    };
    const runOf = (stdout: string) => JSON.parse(cli(['show', JSON.parse(stdout).id, '--json']).stdout) as { gitCommit: string | null; gitDirty: boolean | null };

    // Only the files' mtimes differ from the index: clean, found by hashing with fsmonitor off.
    const trained = cli(['train', 'iris.train.yaml', '--json']);
    assert.equal(trained.code, 0, trained.stderr);
    assert.deepEqual(runOf(trained.stdout), { ...runOf(trained.stdout), gitCommit: head, gitDirty: false });

    const swept = cli(['sweep', 'tiny-sweep.train.yaml', '--json']);
    assert.equal(swept.code, 0, swept.stderr);

    // The data changes: the version the runs read is now only in git (no snapshots).
    fs.appendFileSync(path.join(ws.dir, 'data', 'iris.csv'), '5.0,3.3,1.4,0.2,setosa\n');
    const datasets = cli(['datasets', '--json']);
    assert.equal(datasets.code, 0, datasets.stderr);
    const iris = (JSON.parse(datasets.stdout) as { path: string; state: string; versions: { source: string }[] }[]).find((f) => f.path === 'data/iris.csv');
    assert.equal(iris?.state, 'changed');
    assert.deepEqual(iris?.versions.map((v) => v.source), ['git']);

    const diff = cli(['diff', 'data/iris.csv@HEAD', 'data/iris.csv', '--json']);
    assert.equal(diff.code, 1, diff.stderr);
    assert.equal((JSON.parse(diff.stdout) as { diff: { rows: { added: number } } }).diff.rows.added, 1);

    const again = cli(['train', 'iris.train.yaml', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(runOf(again.stdout), { ...runOf(again.stdout), gitCommit: head, gitDirty: true });
  });
}
