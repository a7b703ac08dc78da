/**
 * The runner against real child processes: node scripts that print what a
 * container CLI prints, exit as it exits and start children as it does.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedDir } from './testing/buildFixtures';
import { runContainerBuild } from './buildRunner';

const tmp = isolatedDir('runlens-runner-');
after(() => tmp.cleanup());

function script(name: string, body: string): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, body);
  return p;
}

test('streams lines as they come (even split across writes), passes the environment, reads the image id', async () => {
  const iid = join(tmp.dir, 'iid');
  const s = script('ok.js', `
    const fs = require('fs');
    process.stdout.write('STEP 1/2: FROM base\\nSTEP 2/2: CO');
    setTimeout(() => {
      process.stdout.write('PY a /a\\n');
      process.stderr.write('isolation=' + process.env.BUILDAH_ISOLATION + '\\n');
      fs.writeFileSync(process.argv[2], 'sha256:${'ab'.repeat(32)}\\n');
      process.stdout.write('COMMIT done');
    }, 50);
  `);
  const lines: string[] = [];
  const r = await runContainerBuild({ command: process.execPath, args: [s, iid], iidFile: iid, env: { ...process.env, BUILDAH_ISOLATION: 'chroot' }, onLine: (l, stream) => lines.push(`${stream}:${l}`) });
  assert.equal(r.status, 'succeeded');
  assert.equal(r.imageId, `sha256:${'ab'.repeat(32)}`);
  assert.deepEqual(lines, ['stdout:STEP 1/2: FROM base', 'stdout:STEP 2/2: COPY a /a', 'stderr:isolation=chroot', 'stdout:COMMIT done']);
  assert.deepEqual(r.steps.map((x) => x.instruction), ['FROM base', 'COPY a /a']);
  assert.equal(r.error, null);
  assert.ok(r.durationMs >= 50);
});

test('a failing build names its step and the error line', async () => {
  const s = script('fail.js', `
    console.log('STEP 1/3: FROM base');
    console.log('STEP 2/3: RUN make');
    console.error('Error: building at STEP "RUN make": exit status 2');
    process.exit(2);
  `);
  const r = await runContainerBuild({ command: process.execPath, args: [s], iidFile: join(tmp.dir, 'never') });
  assert.equal(r.status, 'failed');
  assert.equal(r.exitCode, 2);
  assert.equal(r.imageId, null);
  assert.equal(r.failedStep!.index, 2);
  assert.equal(r.error, 'step 2/3 (RUN make) failed: building at STEP "RUN make": exit status 2');
  assert.match(r.log, /STEP 2\/3: RUN make\n/);
});

test('exit 0 without an image id is not a success', async () => {
  const r = await runContainerBuild({ command: process.execPath, args: ['-e', ''], iidFile: join(tmp.dir, 'missing-iid') });
  assert.equal(r.status, 'failed');
  assert.equal(r.error, 'the CLI wrote no image id');
});

test('cancel kills the whole process group, grandchildren included', async () => {
  const pidFile = join(tmp.dir, 'grandchild.pid');
  const s = script('slow.js', `
    const { spawn } = require('child_process');
    const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
    console.log('STEP 1/2: RUN sleep');
    setTimeout(() => {}, 60000);
  `);
  const controller = new AbortController();
  const r = await runContainerBuild({ command: process.execPath, args: [s], signal: controller.signal, killGraceMs: 2000, onStep: () => setTimeout(() => controller.abort(), 50) });
  assert.equal(r.status, 'cancelled');
  assert.equal(r.error, 'cancelled during step 1/2 (RUN sleep)');
  assert.equal(r.signal, 'SIGTERM', 'SIGTERM ended the CLI: the grace did not run out into SIGKILL');
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  // Gone, or a zombie waiting for init to reap it (its parent died first).
  const alive = (): boolean => existsSync(`/proc/${grandchild}`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
  for (let i = 0; i < 30 && alive(); i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(alive(), false, 'the grandchild outlived the cancel');
});

test('a CLI that can not start is a failed build with the reason', async () => {
  const r = await runContainerBuild({ command: join(tmp.dir, 'no-such-cli'), args: ['build'] });
  assert.equal(r.status, 'failed');
  assert.match(r.error!, /^could not start .*no-such-cli: spawn .* ENOENT/);
});

test('an already aborted signal starts nothing', async () => {
  const controller = new AbortController();
  controller.abort();
  const r = await runContainerBuild({ command: process.execPath, args: ['-e', 'require("fs").writeFileSync("/should-not-exist", "")'], signal: controller.signal });
  assert.equal(r.status, 'cancelled');
  assert.equal(r.exitCode, null);
});
