/**
 * The build context of a registered model: complete, a valid Dockerfile
 * whose every COPY source exists and survives .dockerignore, the labels of
 * the model's lineage, and a server that runs from the context's own files
 * (outside the repository: no node_modules to lean on) and predicts what
 * the model predicted at training time.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedPredictions, frameRecords } from '../serve/servingFixtures';
import { spawnSync } from 'node:child_process';
import { contextFolderName, gitSourceUrl, writeBuildContext } from './buildContext';
import type { BuildManifest } from './buildContext';
import { bundleServer, invoke, isolatedDir, registeredIris, startServerProcess } from './testing/buildFixtures';
import type { RegisteredFixture } from './testing/buildFixtures';
import { exampleRecord } from './contextReadme';
import { parseDockerfile, parseLabels } from './dockerfile';
import { ImageReferenceError } from '../../protocol/imageReference';
import { createModel } from '../../core/models/registry';

let fx: RegisteredFixture;
let server: string;
const bundleDir = isolatedDir('runlens-serve-bundle-');

before(async () => {
  fx = await registeredIris();
  server = await bundleServer(bundleDir.dir);
});
after(() => {
  fx.cleanup();
  bundleDir.cleanup();
});

const buildsDir = (): string => join(fx.dir, '.runlens', 'builds');

/** Whether a .dockerignore of `*` plus `!path` lines keeps `file` (the only shape RunLens writes). */
function keptByDockerignore(ignore: string, file: string): boolean {
  const lines = ignore.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.equal(lines[0], '*');
  return lines.slice(1).some((l) => l === `!${file}`);
}

test('writes a complete context whose Dockerfile only copies files it holds', () => {
  const ctx = writeBuildContext(fx.resolved, { buildsDir: buildsDir(), serverBundle: server, now: () => new Date('2026-01-02T03:04:05Z') });
  assert.equal(ctx.dir, join(buildsDir(), 'iris-classifier-1'));
  assert.equal(ctx.tag, 'runlens/iris-classifier:1');
  for (const f of ['Dockerfile', '.dockerignore', 'README.md', 'build.json', 'model/model.json', 'server/serve.js']) {
    assert.ok(existsSync(join(ctx.dir, f)), `${f} missing`);
  }
  // The package is the registered blob, byte for byte.
  assert.deepEqual(readFileSync(join(ctx.dir, 'model/model.json')), readFileSync(fx.resolved.packagePath));

  const instructions = parseDockerfile(readFileSync(ctx.dockerfile, 'utf8'));
  const by = (k: string) => instructions.filter((i) => i.keyword === k);
  assert.equal(instructions[0]!.keyword, 'FROM');
  assert.equal(instructions[0]!.args, 'node:20-bookworm-slim');
  const ignore = readFileSync(join(ctx.dir, '.dockerignore'), 'utf8');
  assert.equal(by('COPY').length, 2);
  for (const copy of by('COPY')) {
    const [source, dest] = copy.args.split(/\s+/);
    assert.ok(existsSync(join(ctx.dir, source!)), `COPY source ${source} (line ${copy.line}) is not in the context`);
    assert.ok(keptByDockerignore(ignore, source!), `${source} is excluded by .dockerignore`);
    assert.match(dest!, /^\/app\//);
  }
  assert.equal(by('COPY').some((c) => /--chown/.test(c.args)), false, 'runtime files stay owned by root');
  assert.deepEqual(by('EXPOSE').map((i) => i.args), ['8080']);
  const user = by('USER')[0]!.args.split(':')[0]!;
  assert.match(user, /^\d+$/);
  assert.notEqual(Number(user), 0);
  // USER comes after the COPYs, so the files are written as root and only read by the server.
  assert.ok(by('USER')[0]!.line > Math.max(...by('COPY').map((c) => c.line)));
  const health = by('HEALTHCHECK')[0]!.args;
  assert.match(health, /CMD \["node", "-e", ".*\/ping/);
  assert.match(health, /127\.0\.0\.1:8080/);
  assert.deepEqual(JSON.parse(by('ENTRYPOINT')[0]!.args), ['node', '/app/server/serve.js', '/app/model/model.json']);
  assert.deepEqual(JSON.parse(by('CMD').at(-1)!.args), ['--host', '0.0.0.0', '--port', '8080']);

  const labels = parseLabels(by('LABEL').map((l) => l.args).join(' '));
  assert.equal(labels['org.opencontainers.image.title'], 'iris-classifier');
  assert.equal(labels['org.opencontainers.image.version'], '1');
  assert.equal(labels['org.opencontainers.image.revision'], '0123456789abcdef0123456789abcdef01234567');
  assert.equal(labels['org.opencontainers.image.created'], '2026-01-02T03:04:05.000Z');
  assert.equal(labels['runlens.model.name'], 'iris-classifier');
  assert.equal(labels['runlens.model.version'], '1');
  assert.equal(labels['runlens.run.id'], fx.resolved.runId);
  assert.equal(labels['runlens.git.commit'], '0123456789abcdef0123456789abcdef01234567');

  const manifest = JSON.parse(readFileSync(join(ctx.dir, 'build.json'), 'utf8')) as BuildManifest;
  assert.equal(manifest.model, 'iris-classifier');
  assert.equal(manifest.version, 1);
  assert.equal(manifest.runId, fx.resolved.runId);
  assert.equal(manifest.baseImage, 'node:20-bookworm-slim');
  for (const f of manifest.files) {
    assert.equal(f.sha256, createHash('sha256').update(readFileSync(join(ctx.dir, f.path))).digest('hex'), f.path);
  }
  const readme = readFileSync(join(ctx.dir, 'README.md'), 'utf8');
  assert.match(readme, /docker build -t runlens\/iris-classifier:1 \./);
  assert.match(readme, /buildah build --format docker/);
  assert.match(readme, /curl -s .*\/invocations/);
});

test('a tag with shell metacharacters is refused before anything is written', () => {
  const before = existsSync(join(buildsDir(), 'evil'));
  assert.throws(
    () => writeBuildContext(fx.resolved, { buildsDir: join(buildsDir(), 'evil'), serverBundle: server, tag: 'x; rm -rf /' }),
    (e: unknown) => e instanceof ImageReferenceError && /character ";" at position 2/.test(e.message),
  );
  assert.throws(() => writeBuildContext(fx.resolved, { buildsDir: join(buildsDir(), 'evil'), serverBundle: server, baseImage: 'node:20$(id)' }), ImageReferenceError);
  assert.equal(existsSync(join(buildsDir(), 'evil')), before);
});

test('rebuilding replaces the context whole; a bare run gets its own folder', () => {
  const first = writeBuildContext(fx.resolved, { buildsDir: buildsDir(), serverBundle: server });
  writeFileSync(join(first.dir, 'stale.txt'), 'left over');
  const again = writeBuildContext(fx.resolved, { buildsDir: buildsDir(), serverBundle: server, tag: 'registry.example.com:5000/team/iris:v1', baseImage: 'localhost/runlens-base:bookworm-node20' });
  assert.equal(again.dir, first.dir);
  assert.equal(existsSync(join(again.dir, 'stale.txt')), false);
  assert.match(readFileSync(again.dockerfile, 'utf8'), /^FROM localhost\/runlens-base:bookworm-node20$/m);
  const bare = { ...fx.resolved, name: null, version: null };
  const ctx = writeBuildContext(bare, { buildsDir: buildsDir(), serverBundle: server });
  assert.equal(contextFolderName(bare), fx.resolved.runId);
  assert.equal(ctx.tag, `runlens/run-${fx.resolved.runId.slice(0, 8)}:latest`);
  const labels = parseLabels(readFileSync(ctx.dockerfile, 'utf8').split('LABEL ')[1]!.split('\nENTRYPOINT')[0]!.replace(/\\\n/g, ' '));
  assert.equal(labels['runlens.model.name'], undefined);
  assert.equal(labels['runlens.run.id'], fx.resolved.runId);
});

test('the context serves by itself: node server/serve.js answers /ping and predicts as at training time', async () => {
  const ctx = writeBuildContext(fx.resolved, { buildsDir: buildsDir(), serverBundle: server });
  const srv = await startServerProcess(process.execPath, ['server/serve.js', 'model/model.json', '--port', '0'], ctx.dir);
  try {
    assert.equal((await fetch(`${srv.url}/ping`)).status, 200);
    const served = await invoke(srv.url, frameRecords(fx.fixture.data.testFrame, [fx.fixture.pkg.target]));
    assert.equal(served.status, 200, srv.output());
    assert.deepEqual(served.predictions, expectedPredictions(fx.fixture));
    // The README's example row is accepted as written.
    assert.equal((await invoke(srv.url, [exampleRecord(fx.resolved.pkg)])).status, 200);
    const exited = new Promise<number | null>((resolve) => srv.child.on('exit', resolve));
    srv.child.kill('SIGTERM');
    assert.equal(await exited, 0, 'graceful stop on SIGTERM');
  } finally {
    srv.kill();
  }
});

test('an MLP package serves from the context without TensorFlow.js (the bundle leaves it out)', async () => {
  assert.doesNotMatch(readFileSync(server, 'utf8'), /tfjs-core|@tensorflow\/tfjs-backend-cpu/);
  assert.ok(readFileSync(server).length < 1_000_000, 'serve.js is small without tfjs');
  const data = fx.fixture.data;
  const mlp = createModel('mlp', { hidden_layers: [8], epochs: 20, seed: 0 }, data.task);
  await mlp.fit(data.Xtrain, data.ytrain, { task: data.task, nClasses: data.classes?.length, featureNames: data.featureNames });
  const pkg = { ...fx.fixture.pkg, model: mlp.toJSON() };
  const packagePath = join(fx.dir, 'mlp-model.json');
  writeFileSync(packagePath, JSON.stringify(pkg));
  const resolved = { ...fx.resolved, name: 'iris-mlp', version: 1, packagePath, pkg: JSON.parse(JSON.stringify(pkg)) as typeof pkg };
  const ctx = writeBuildContext(resolved, { buildsDir: buildsDir(), serverBundle: server });
  const srv = await startServerProcess(process.execPath, ['server/serve.js', 'model/model.json', '--port', '0'], ctx.dir);
  try {
    const served = await invoke(srv.url, frameRecords(data.testFrame, [pkg.target]));
    assert.equal(served.status, 200, srv.output());
    assert.deepEqual(served.predictions, Array.from(mlp.predict(data.preprocessor.transform(data.testFrame)), (k) => data.classes![k]));
  } finally {
    srv.kill();
  }
});

test('the source label is the origin remote without credentials', () => {
  const repo = isolatedDir('runlens-git-');
  try {
    const git = (...args: string[]) => spawnSync('git', ['-C', repo.dir, ...args], { encoding: 'utf8' });
    assert.equal(git('init', '-q').status, 0);
    assert.equal(gitSourceUrl(repo.dir), null);
    git('remote', 'add', 'origin', 'https://alice:ghp_secret@github.com/acme/churn.git');
    assert.equal(gitSourceUrl(repo.dir), 'https://github.com/acme/churn');
    git('remote', 'set-url', 'origin', 'git@gitlab.example.com:team/churn.git');
    assert.equal(gitSourceUrl(repo.dir), 'https://gitlab.example.com/team/churn');
    const ctx = writeBuildContext(fx.resolved, { buildsDir: buildsDir(), serverBundle: server, workspaceDir: repo.dir });
    assert.match(readFileSync(ctx.dockerfile, 'utf8'), /org\.opencontainers\.image\.source="https:\/\/gitlab\.example\.com\/team\/churn"/);
    assert.doesNotMatch(readFileSync(ctx.dockerfile, 'utf8'), /secret/);
  } finally {
    repo.cleanup();
  }
});
