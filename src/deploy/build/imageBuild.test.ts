/**
 * The real image build, end to end (slow: the first run makes the local base
 * image with debootstrap, ~1.5 min; warm runs take seconds). buildah with
 * vfs storage and chroot isolation builds the model image FROM a local base
 * (Debian bookworm minbase + this machine's node, see scripts/base-image.mjs),
 * since no registry is reachable here. Then: the image config has the
 * labels, port, health check and user; the server runs inside the image's
 * file system as that user and predicts as at training time; the build is
 * recorded on the model version with its image id and log. Skipped, with
 * the reason, only where no container CLI works.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../test/fixtures/workspace';
import { missingTool } from '../../../test/fixtures/requiredTool';
import { expectedPredictions, frameRecords } from '../serve/servingFixtures';
import { runCli, spawnCli } from '../../../test/fixtures/workspace';
import { bundleServer, invoke, isolatedDir, registeredCliWorkspace, registeredIris, startServerProcess } from './testing/buildFixtures';
import type { RegisteredFixture, StartedServer } from './testing/buildFixtures';
import { detectContainerCli, findOnPath } from './containerCli';
import type { BuildStep } from './buildSteps';
import { buildModelImage } from './imageBuild';
import { runSmokeTest } from '../smoke/smokeTest';

const BASE = 'localhost/runlens-base:bookworm-node20';
const TAG = 'localhost/runlens-test/iris-classifier:1';
const VFS = ['--storage-driver', 'vfs'];

let skip: string | false = false;
let fx: RegisteredFixture;
let server: string;
const bundleDir = isolatedDir('runlens-serve-bundle-');
const started = performance.now();

function buildah(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('buildah', [...VFS, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  // The image test builds its base image with buildah (missing under CI=true fails the file).
  skip = missingTool(findOnPath('buildah') !== null, 'buildah', 'buildah');
  const detected = skip ? undefined : await detectContainerCli();
  if (detected && detected.cli === null) {
    skip = `no container CLI works here (${detected.rejected.map((r) => `${r.cli}: ${r.reason}`).join('; ')})`;
  }
  if (skip) {
    process.stdout.write(`# image build skipped: ${skip}\n`);
    return;
  }
  const base = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/base-image.mjs'), '--tag', BASE], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(base.status, 0, `base image: ${base.stderr.slice(-2000)}`);
  process.stdout.write(`# base image: ${base.stdout.trim()}\n`);
  fx = await registeredIris({ withData: true });
  server = await bundleServer(bundleDir.dir);
});

after(() => {
  if (!skip) buildah(['rmi', '--force', TAG]);
  fx?.cleanup();
  bundleDir.cleanup();
  process.stdout.write(`# imageBuild.test.ts took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
});

test('buildah builds the model image FROM the local base and the build is recorded', async (t) => {
  if (skip) return t.skip(skip);
  const lines: string[] = [];
  const steps: BuildStep[] = [];
  const result = await buildModelImage(fx.store, fx.resolved, {
    buildsDir: join(fx.dir, '.runlens', 'builds'),
    serverBundle: server,
    baseImage: BASE,
    tag: TAG,
    cli: 'buildah',
    extraArgs: [...VFS, '--pull=never'],
    // Passed through to buildah as its own environment setting.
    env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
    onLine: (l) => lines.push(l),
    onStep: (s) => steps.push(s),
  });
  t.diagnostic(`image build took ${((result.outcome?.durationMs ?? 0) / 1000).toFixed(1)} s`);
  assert.equal(result.status, 'succeeded', `${result.error}\n${lines.join('\n')}`);
  assert.match(result.outcome!.imageId!, /^(sha256:)?[0-9a-f]{64}$/);
  assert.equal(steps[0]!.instruction, `FROM ${BASE}`);
  assert.ok(steps.some((s) => s.instruction.startsWith('COPY model/model.json')));
  assert.match(result.command, /^buildah build --storage-driver vfs --pull=never --format docker --iidfile \S+ -t localhost\/runlens-test\/iris-classifier:1 -f /);

  const record = result.record!;
  assert.equal(record.status, 'succeeded');
  assert.equal(record.imageId, result.outcome!.imageId);
  assert.equal(record.cli, 'buildah');
  assert.equal(record.tag, TAG);
  assert.equal(record.baseImage, BASE);
  assert.ok(record.durationMs !== null && record.durationMs >= 0);
  assert.deepEqual(fx.store.registry.listModelBuilds('iris-classifier', 1).map((b) => b.id), [record.id]);
  const log = readFileSync(fx.store.artifactPath(record.logSha256!), 'utf8');
  assert.match(log, /^\$ buildah build /);
  assert.match(log, /STEP \d+\/\d+: COPY server\/serve\.js/);

  const inspect = buildah(['inspect', '--type', 'image', TAG]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const config = (JSON.parse(inspect.stdout) as { Docker: { config: DockerConfig } }).Docker.config;
  assert.equal(config.Labels['runlens.model.name'], 'iris-classifier');
  assert.equal(config.Labels['runlens.model.version'], '1');
  assert.equal(config.Labels['runlens.run.id'], fx.resolved.runId);
  assert.equal(config.Labels['runlens.git.commit'], fx.resolved.gitCommit);
  assert.equal(config.Labels['org.opencontainers.image.revision'], fx.resolved.gitCommit);
  assert.equal(config.Labels['org.opencontainers.image.version'], '1');
  assert.deepEqual(Object.keys(config.ExposedPorts), ['8080/tcp']);
  assert.equal(config.User, '10001:10001');
  assert.equal(config.Healthcheck.Test[0], 'CMD');
  assert.match(config.Healthcheck.Test.join(' '), /\/ping/);
  assert.deepEqual(config.Entrypoint, ['node', '/app/server/serve.js', '/app/model/model.json']);
  assert.equal(config.Image === undefined || typeof config.Image === 'string', true);
});

interface DockerConfig {
  Labels: Record<string, string>;
  ExposedPorts: Record<string, unknown>;
  User: string;
  Healthcheck: { Test: string[] };
  Entrypoint: string[];
  Image?: string;
}

test('the image runs: its server, as user 10001 in the image file system, predicts as at training time', async (t) => {
  if (skip) return t.skip(skip);
  const from = buildah(['from', '--pull-never', TAG]);
  assert.equal(from.code, 0, from.stderr);
  const container = from.stdout.trim().split('\n').at(-1)!;
  let srv: StartedServer | undefined;
  try {
    // chroot isolation shares the host's network, so port 0 lets the server pick a free loopback port.
    srv = await startServerProcess('buildah', [...VFS, 'run', '--isolation', 'chroot', '--user', '10001:10001', container, '--',
      'node', '/app/server/serve.js', '/app/model/model.json', '--host', '127.0.0.1', '--port', '0']);
    assert.equal((await fetch(`${srv.url}/ping`)).status, 200);
    const served = await invoke(srv.url, frameRecords(fx.fixture.data.testFrame, [fx.fixture.pkg.target]));
    assert.equal(served.status, 200, srv.output());
    assert.deepEqual(served.predictions, expectedPredictions(fx.fixture));
  } finally {
    srv?.kill();
    buildah(['rm', container]);
  }
});

test('the smoke test runs the built image itself under buildah, as its user, and it answers as the context does', async (t) => {
  if (skip) return t.skip(skip);
  // Only this process's working containers (named runlens-run-<tag>-<pid>-<n>): other image tests run beside this one in the same storage.
  const containers = (): string => buildah(['containers', '--all', '--format', '{{.ContainerName}}']).stdout.split('\n').filter((n) => n.includes(`-${process.pid}-`)).join('\n');
  const before = containers();
  const input = {
    store: fx.store, root: fx.dir, ref: 'iris-classifier@production', buildsDir: join(fx.dir, '.runlens', 'builds'), execPath: process.execPath,
    // as `runlens.container.extraArgs` would give them: only the storage flag reaches `buildah from/run/rm`
    cliArgs: [...VFS, '--pull=never'],
  };
  const image = await runSmokeTest({ ...input, target: 'auto' });
  const build = fx.store.registry.listModelBuilds('iris-classifier', 1).find((b) => b.status === 'succeeded')!;
  assert.equal(image.target, 'image');
  assert.deepEqual(image.image, { tag: TAG, id: build.imageId, cli: 'buildah', buildId: build.id });
  assert.match(image.how, /^buildah --storage-driver vfs run --isolation chroot --user 10001:10001 \S+ -- node \/app\/server\/serve\.js \/app\/model\/model\.json --host 127\.0\.0\.1 --port 0$/);
  assert.equal(image.rows.length, 20);
  assert.ok(image.matches >= 18, JSON.stringify(image.rows));
  assert.equal(containers(), before, 'the working container was removed');
  // the same rows through the context's files: the image predicts exactly as they do
  const context = await runSmokeTest({ ...input, target: 'context' });
  assert.equal(context.target, 'context');
  assert.deepEqual(image.rows, context.rows);
});

test('a failing build names the failing step and is recorded as failed with its log', async (t) => {
  if (skip) return t.skip(skip);
  const result = await buildModelImage(fx.store, fx.resolved, {
    buildsDir: join(fx.dir, '.runlens', 'builds'),
    serverBundle: server,
    baseImage: 'localhost/runlens-no-such-base:1',
    tag: TAG,
    cli: 'buildah',
    extraArgs: [...VFS, '--pull=never'],
    env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
  });
  assert.equal(result.status, 'failed');
  assert.equal(result.outcome!.failedStep!.index, 1);
  assert.match(result.error!, /^step 1\/\d+ \(FROM localhost\/runlens-no-such-base:1\) failed: .*image not known/);
  assert.equal(result.record!.status, 'failed');
  assert.equal(result.record!.imageId, null);
  assert.match(result.record!.error!, /step 1\//);
  assert.match(readFileSync(fx.store.artifactPath(result.record!.logSha256!), 'utf8'), /image not known/);
});

test('cancelling a running build stops buildah and records the build as cancelled', async (t) => {
  if (skip) return t.skip(skip);
  const controller = new AbortController();
  const result = await buildModelImage(fx.store, fx.resolved, {
    buildsDir: join(fx.dir, '.runlens', 'builds'),
    serverBundle: server,
    baseImage: BASE,
    tag: 'localhost/runlens-test/cancelled:1',
    cli: 'buildah',
    extraArgs: [...VFS, '--pull=never'],
    env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
    signal: controller.signal,
    onStep: () => controller.abort(),
  });
  assert.equal(result.status, 'cancelled');
  assert.match(result.error!, /^cancelled during step 1\//);
  assert.equal(result.record!.status, 'cancelled');
  assert.equal(buildah(['inspect', '--type', 'image', 'localhost/runlens-test/cancelled:1']).code === 0, false, 'no image was tagged');
  assert.equal(fx.store.registry.listModelBuilds('iris-classifier', 1).filter((b) => b.status === 'running').length, 0);
});

test('the CI flow through the CLI: runlens build with buildah into vfs storage, then the smoke command it prints passes on the image', async (t) => {
  if (skip) return t.skip(skip);
  const ws = await registeredCliWorkspace();
  const tag = 'localhost/runlens-test/iris-cli:1';
  try {
    const built = runCli(ws.dir, ['build', 'iris@production', '--cli', 'buildah', '--base', BASE, '--tag', tag, '--cli-arg=--storage-driver=vfs', '--cli-arg=--pull=never'], ws.env);
    assert.equal(built.code, 0, built.stderr);
    const hint = /^smoke-test it: (runlens smoke .*)$/m.exec(built.stdout);
    assert.ok(hint, built.stdout);
    assert.equal(hint[1], 'runlens smoke iris@production --target image --cli-arg=--storage-driver=vfs');
    assert.match(built.stdout, /^serve it here: runlens serve iris@production --image --cli-arg=--storage-driver=vfs$/m);
    const smoke = runCli(ws.dir, [...hint[1].split(' ').slice(1), '--min-match', '0.8'], ws.env);
    assert.equal(smoke.code, 0, smoke.stderr);
    assert.match(smoke.stdout, new RegExp(`^image: ${tag} \\(sha256:[0-9a-f]{12}, build #\\d+, buildah\\)\\nserver: buildah --storage-driver=vfs run --isolation chroot --user 10001:10001 `, 'm'));
    assert.match(smoke.stdout, new RegExp(`^\\d+/20 predictions match the labels \\(the image ${tag}, \\d+\\.\\d s\\)$`, 'm'));
    await serveTheImage(ws.dir, tag);
  } finally {
    buildah(['rmi', '--force', tag]);
    ws.cleanup();
  }
});

/** Collects a CLI child's output until `pattern` matches it (or it exits, or time runs out). */
async function outputUntil(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms: ${out}`)), ms);
    const take = (b: Buffer): void => {
      out += b.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('exit', (code) => reject(new Error(`exited (${code}) before ${pattern}: ${out}`)));
  });
}

const IRIS_ROWS = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
];

/**
 * `runlens serve --image` in the CLI workspace: a container deployment that
 * answers, logs requests into the host folder, is monitored like a local one
 * and stops with SIGTERM; then a SIGKILLed one: its server is stopped by the
 * guard, and its working container removed by the next start.
 */
async function serveTheImage(dir: string, tag: string): Promise<void> {
  const containers = (): string[] => buildah(['containers', '--all', '--format', '{{.ContainerName}}']).stdout.split('\n').filter((n) => n.startsWith('runlens-run-'));
  const args = ['serve', 'iris@production', '--image', '--port', '0', '--cli-arg=--storage-driver=vfs'];
  const served = spawnCli(dir, args);
  const out = await outputUntil(served, /deployment #\d+ of iris v1 recorded/, 90_000);
  assert.match(out, new RegExp(`^iris v1 \\(run \\S+\\): image ${tag} \\(sha256:[0-9a-f]{12}, build #\\d+\\) with buildah$`, 'm'));
  const url = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(out)![1]!;
  const answer = await invoke(url, IRIS_ROWS);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.predictions, ['setosa', 'virginica']);
  const shown = JSON.parse(runCli(dir, ['model', 'show', 'iris:1', '--json']).stdout) as { deployments: { id: number; kind: string; url: string; image: string; stoppedAt: number | null; requestLog: string }[] };
  const deployment = shown.deployments.find((d) => d.url === url)!;
  assert.equal(deployment.kind, 'container');
  assert.match(deployment.image, new RegExp(`^${tag}@sha256:[0-9a-f]{64}$`));
  assert.equal(deployment.stoppedAt, null);
  assert.equal(deployment.requestLog, join(dir, '.runlens', 'serving', 'iris-v1-image', 'requests.jsonl'));
  // as text: the tag and the id's first 12
  assert.match(runCli(dir, ['model', 'show', 'iris:1']).stdout,
    new RegExp(`^    #${deployment.id} container ${url.replace(/\./g, '\\.')} image ${tag} \\([0-9a-f]{12}\\), started \\S+, running$`, 'm'));
  // the server in the container wrote the request log into the mounted host folder; monitor finds it by the URL
  // (one request of two rows is below the monitor's minimum traffic: it says so, with the rows it read, instead of a verdict)
  let monitor: { figures: { totalRequests: number }; drift: unknown; driftNote?: string } | undefined;
  for (let i = 0; i < 100 && !/\(2 rows\)/.test(monitor?.driftNote ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 200));
    const m = runCli(dir, ['monitor', url, '--baseline', 'iris@production', '--once', '--json']);
    assert.equal(m.code, 0, m.stderr);
    monitor = JSON.parse(m.stdout) as typeof monitor;
  }
  assert.equal(monitor!.figures.totalRequests, 1);
  assert.equal(monitor!.drift, null);
  assert.equal(monitor!.driftNote, 'not enough traffic to judge drift (2 rows)');
  // SIGTERM: the container stops, the deployment is marked stopped, the working container removed;
  // the CLI says so in one line of its own after the signal's, none of buildah's ('subprocess exited on killed', 'Error: exit status 1')
  let stopOutput = '';
  served.stdout!.on('data', (b: Buffer) => (stopOutput += b.toString()));
  served.stderr!.on('data', (b: Buffer) => (stopOutput += b.toString()));
  served.kill('SIGTERM');
  const [code] = (await once(served, 'exit')) as [number | null];
  assert.equal(code, 0);
  assert.deepEqual(stopOutput.trim().split('\n').filter((l) => !/ (GET|POST) \/\S* \d{3} /.test(l)),
    ['SIGTERM received: finishing in-flight requests', `stopped: ${tag} (deployment #${deployment.id})`]);
  await assert.rejects(fetch(`${url}/ping`));
  const after = JSON.parse(runCli(dir, ['model', 'show', 'iris:1', '--json']).stdout) as typeof shown;
  assert.notEqual(after.deployments.find((d) => d.url === url)!.stoppedAt, null);
  assert.deepEqual(containers(), []);

  // SIGKILL: nothing in runlens runs to stop it; the guard does
  const killed = spawnCli(dir, args);
  const killedUrl = /at (http:\/\/127\.0\.0\.1:\d+)\/invocations/.exec(await outputUntil(killed, /deployment #\d+ of iris v1 recorded/, 90_000))![1]!;
  killed.kill('SIGKILL');
  let answering = true;
  for (let i = 0; i < 100 && answering; i++) {
    await new Promise((r) => setTimeout(r, 200));
    answering = await fetch(`${killedUrl}/ping`).then(() => true, () => false);
  }
  assert.equal(answering, false, 'the server of a SIGKILLed runlens serve --image still answers');
  assert.equal(containers().length, 1, 'its working container is left (nothing ran to remove it)');
  // the next start removes it
  const again = runCli(dir, ['smoke', 'iris@production', '--target', 'image', '--cli-arg=--storage-driver=vfs']);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(containers(), []);

  // a --request-log in a folder of the user's: mounted as it is, never opened to others
  const own = join(dir, 'logs');
  mkdirSync(own, { mode: 0o755 });
  chmodSync(own, 0o755);
  const mine = spawnCli(dir, [...args, '--request-log', 'logs/requests.jsonl']);
  const said = await outputUntil(mine, /deployment #\d+ of iris v1 recorded/, 90_000);
  assert.match(said, /note: \S+\/logs already existed and is mounted as it is: the image's server runs as its own user/);
  assert.equal(statSync(own).mode & 0o777, 0o755);
  let rest = '';
  mine.stdout!.on('data', (b: Buffer) => (rest += b.toString()));
  mine.stderr!.on('data', (b: Buffer) => (rest += b.toString()));
  mine.kill('SIGTERM');
  assert.deepEqual(await once(mine, 'exit'), [0, null], said + rest);
}
