/**
 * `runlens build` killed with SIGKILL mid-build, through the real CLI: the
 * build it recorded says `running` while the CLI lives, and `runlens model
 * show` reports it failed with the reason once the CLI is gone. The
 * container CLI is a node script named `docker` on PATH (as in
 * buildRunner.test.ts): it passes the `docker info` probe and then "builds"
 * until killed, so the test needs no container engine and takes seconds.
 * The build guard stops that docker once the CLI is gone: nothing left
 * building an image that no build record will ever name.
 */
import Database from 'better-sqlite3';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli } from '../../../test/fixtures/workspace';
import type { ModelBuildRecord } from '../../store/types';
import { processGone, waitFor } from '../../worker/command/commandTesting';
import { bundleServer, isolatedDir, registeredIris } from './testing/buildFixtures';
import type { RegisteredFixture } from './testing/buildFixtures';

const REASON = 'the build process exited without recording a result (killed?)';
const tmp = isolatedDir('runlens-killed-build-');
let fx: RegisteredFixture;
let env: NodeJS.ProcessEnv;
let cli: ChildProcess | undefined;
const dockerPidFile = (): string => join(tmp.dir, 'docker.pid');

/** Safety net for a failed test: SIGKILL to the CLI and the fake docker if either is still there. */
function killLeftovers(): void {
  const pids = [cli?.pid, existsSync(dockerPidFile()) ? Number(readFileSync(dockerPidFile(), 'utf8')) : undefined];
  for (const pid of pids) {
    try {
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

before(async () => {
  fx = await registeredIris();
  const bin = join(tmp.dir, 'bin');
  mkdirSync(bin);
  const docker = join(bin, 'docker');
  writeFileSync(docker, `#!${process.execPath}
const [command] = process.argv.slice(2);
if (command === 'info') {
  console.log('27.0.0');
} else if (command === 'build') {
  require('fs').writeFileSync(${JSON.stringify(dockerPidFile())}, String(process.pid));
  console.log('STEP 1/9: FROM node:20-bookworm-slim');
  setInterval(() => undefined, 60000);
} else {
  process.exit(2);
}
`);
  chmodSync(docker, 0o755);
  env = { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, RUNLENS_SERVE_BUNDLE: await bundleServer(join(tmp.dir, 'bundle')) };
});

after(() => {
  killLeftovers();
  fx?.cleanup();
  tmp.cleanup();
});

function shownBuilds(): ModelBuildRecord[] {
  const r = runCli(fx.dir, ['model', 'show', 'iris-classifier:1', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { builds: ModelBuildRecord[] }).builds;
}

test('a CLI killed with SIGKILL mid-build leaves a build that `model show` reports failed, with the reason', { timeout: 120_000 }, async () => {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'build', 'iris-classifier@production', '--cli', 'docker'], {
    cwd: fx.dir,
    env: { ...process.env, RUNLENS_STORE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cli = child;
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('STEP 1/9: FROM')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`runlens build exited (${code}) before the build started:\n${out}`)));
  });

  const [running] = shownBuilds();
  assert.equal(running!.status, 'running', 'a build whose CLI is alive is not touched');
  assert.equal(running!.pid, child.pid);
  assert.equal(running!.tag, 'runlens/iris-classifier:1');

  const docker = Number(readFileSync(dockerPidFile(), 'utf8'));
  assert.equal(processGone(docker), false);
  process.kill(child.pid!, 'SIGKILL');
  await once(child, 'exit');
  // Nobody here stops the fake docker: the guard between the CLI and it does, once the CLI is gone.
  // (How fast is not asserted: a loaded CI machine is slow; the bound only ends a wait for a guard that never acts.)
  await waitFor(() => processGone(docker), 'the fake docker to stop after its owner was killed', 15_000);

  const [failed] = shownBuilds();
  assert.deepEqual([failed!.id, failed!.status, failed!.error, failed!.endedAt], [running!.id, 'failed', REASON, null]);
  const text = runCli(fx.dir, ['model', 'show', 'iris-classifier:1'], env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^ {4}#${failed!.id} failed runlens/iris-classifier:1 \\(docker, .+\\), \\S+Z — ${REASON.replace(/[()?]/g, '\\$&')}$`, 'm'));
  // Recorded by `model show`, not only shown: the row in the file says so.
  const db = new Database(join(fx.dir, '.runlens', 'store.db'), { readonly: true });
  try {
    assert.deepEqual(db.prepare('SELECT status, error FROM model_builds WHERE id = ?').get(failed!.id), { status: 'failed', error: REASON });
  } finally {
    db.close();
  }
});
