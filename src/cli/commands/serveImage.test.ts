/**
 * `runlens serve --image` through the real CLI, with a stand-in for the
 * container CLI: an executable named `buildah` first on PATH that answers
 * the calls `serve --image` makes (`info`, `inspect`, `containers`, `from`,
 * `run`, `rm`) and, for `run`, starts the real model server (serveMain.ts
 * on the registered version's model package) as buildah's chroot child
 * would. On SIGTERM it prints what buildah 1.28 prints when its server is
 * stopped (seen on this machine: `subprocess exited on killed`,
 * `subprocess exited with status 1`, `Error: exit status 1`) and exits 1.
 * The real buildah and a real image: src/deploy/build/imageBuild.test.ts
 * (minutes; it builds a base image).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { makeWorkspace, runCli, spawnCli } from '../../../test/fixtures/workspace';
import { RunStore } from '../../store/runStore';
import { resolveModel } from '../../deploy/registry/resolveModel';

const ws = makeWorkspace();
after(() => ws.cleanup());

const TAG = 'localhost/runlens-test/iris-fake:1';
const IMAGE_ID = `sha256:${'ab'.repeat(32)}`;
const SERVE_MAIN = join(__dirname, '..', '..', 'deploy', 'serve', 'serveMain.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

/** The stand-in `buildah`: a Node script; `calls.log` gets one JSON line per call. */
const FAKE_BUILDAH = `#!${process.execPath}
const { spawn } = require('node:child_process');
const { appendFileSync } = require('node:fs');
const args = process.argv.slice(2);
appendFileSync(process.env.FAKE_BUILDAH_CALLS, JSON.stringify(args) + '\\n');
const rest = args.filter((a, i) => !a.startsWith('--storage-driver') && args[i - 1] !== '--storage-driver');
const [cmd] = rest;
if (cmd === 'info') { console.log('vfs'); process.exit(0); }
if (cmd === 'inspect') {
  console.log(JSON.stringify({ Docker: { config: { Entrypoint: JSON.parse(process.env.FAKE_ENTRYPOINT), User: '10001:10001' } } }));
  process.exit(0);
}
if (cmd === 'containers' || cmd === 'rm') process.exit(0);
if (cmd === 'from') { console.log(rest[rest.indexOf('--name') + 1]); process.exit(0); }
if (cmd === 'run') {
  const volume = rest[rest.indexOf('--volume') + 1] || '';
  const [hostDir, containerDir] = volume.split(':');
  const argv = rest.slice(rest.indexOf('--') + 1).map((a) => (containerDir && a.startsWith(containerDir) ? hostDir + a.slice(containerDir.length) : a));
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
  let killed = false;
  process.on('SIGTERM', () => { killed = true; });
  child.on('exit', (code) => {
    if (killed) {
      process.stderr.write('subprocess exited on killed\\nsubprocess exited with status 1\\nError: exit status 1\\n');
      process.exit(1);
    }
    process.exit(code ?? 1);
  });
} else {
  process.stderr.write('fake buildah: unexpected call ' + args.join(' ') + '\\n');
  process.exit(125);
}
`;

/** iris v1 @production with a succeeded buildah build of TAG, the model package on disk, and the stand-in on PATH. */
function servableWorkspace(): NodeJS.ProcessEnv {
  const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const reg = runCli(ws.dir, ['model', 'register', (JSON.parse(trained.stdout) as { id: string }).id, 'iris', '--alias', 'production']);
  assert.equal(reg.code, 0, reg.stderr);
  const store = RunStore.open(join(ws.dir, '.runlens'));
  const modelJson = join(ws.dir, 'fake-image-model.json');
  try {
    writeFileSync(modelJson, JSON.stringify(resolveModel(store, 'iris@production').pkg));
    const build = store.registry.addModelBuild({ name: 'iris', version: 1, tag: TAG, cli: 'buildah', baseImage: 'localhost/runlens-node:20', contextDir: ws.dir });
    store.registry.finishModelBuild(build.id, { status: 'succeeded', imageId: IMAGE_ID });
  } finally {
    store.close();
  }
  const bin = join(ws.dir, 'fake-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'buildah'), FAKE_BUILDAH);
  chmodSync(join(bin, 'buildah'), 0o755);
  return {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    FAKE_BUILDAH_CALLS: join(ws.dir, 'calls.log'),
    FAKE_ENTRYPOINT: JSON.stringify([process.execPath, '--import', TSX, SERVE_MAIN, modelJson]),
  };
}

/** The child's stdout and stderr as they come, and a wait for a pattern in them (or its exit, or 90 s). */
function collect(child: ChildProcessWithoutNullStreams): { out: () => string; until: (pattern: RegExp) => Promise<void> } {
  let out = '';
  const waits = new Set<() => void>();
  const take = (t: string): void => {
    out += t;
    for (const check of waits) check();
  };
  child.stdout.setEncoding('utf8').on('data', take);
  child.stderr.setEncoding('utf8').on('data', take);
  const until = (pattern: RegExp): Promise<void> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 90 s: ${out}`)), 90_000);
    const check = (): void => {
      if (!pattern.test(out)) return;
      clearTimeout(timer);
      waits.delete(check);
      resolve();
    };
    waits.add(check);
    child.on('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}: ${out}`)));
    check();
  });
  return { out: () => out, until };
}

test('SIGTERM stops serve --image with the signal\'s line and one line of its own, none of the container CLI\'s, and exit 0', async () => {
  const env = servableWorkspace();
  const served = spawnCli(ws.dir, ['serve', 'iris@production', '--image', '--port', '0', '--cli-arg=--storage-driver=vfs'], env);
  try {
    const { out, until } = collect(served);
    await until(/deployment #\d+ of iris v1 recorded/);
    const url = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out())![1]!;
    const deployment = Number(/deployment #(\d+) of iris v1 recorded/.exec(out())![1]);
    // the request log by its path on this machine, not the container's mount point
    await until(/^logging requests to /m);
    assert.match(out(), new RegExp(`^logging requests to ${join(ws.dir, '.runlens', 'serving', 'iris-v1-image', 'requests.jsonl').replace(/[.]/g, '\\.')} `, 'm'));
    // the image runs the same server code: a column the model does not take is named back, and said once
    const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, customer_id: 'c1' };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_records: [row] }) });
      assert.deepEqual(await res.json(), { predictions: ['setosa'] });
      assert.equal(res.headers.get('x-runlens-ignored-columns'), 'customer_id');
    }
    await until(/^ignoring column/m);
    const before = out().length;
    served.kill('SIGTERM');
    const [code] = (await once(served, 'exit')) as [number | null];
    assert.equal(code, 0, out());
    assert.deepEqual(out().slice(before).trim().split('\n').filter((l) => !/ POST \/invocations 200 /.test(l)),
      ['SIGTERM received: finishing in-flight requests', `stopped: ${TAG} (deployment #${deployment})`]);
    assert.equal(out().split('\n').filter((l) => l.startsWith('ignoring column')).length, 1, out());
    await assert.rejects(fetch(`${url}/ping`));
    const shown = JSON.parse(runCli(ws.dir, ['model', 'show', 'iris:1', '--json']).stdout) as { deployments: { id: number; stoppedAt: number | null }[] };
    assert.notEqual(shown.deployments.find((d) => d.id === deployment)!.stoppedAt, null);
    const calls = readFileSync(env.FAKE_BUILDAH_CALLS!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    const made = calls.find((c) => c.includes('from'))!;
    const name = made[made.indexOf('--name') + 1]!;
    assert.deepEqual(calls.at(-1), ['--storage-driver=vfs', 'rm', name], 'the working container is removed after the stop');
  } finally {
    served.kill('SIGKILL');
  }
});
