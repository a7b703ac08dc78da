/**
 * CLI detection on a PATH of real executables: a docker client whose engine
 * is unreachable (as on this machine) is passed over with its reason.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedDir } from './testing/buildFixtures';
import { buildCommandArgs, detectContainerCli, findOnPath, formatCommand, parseCliName, runImageCommand } from './containerCli';

const tmp = isolatedDir('runlens-cli-');
after(() => tmp.cleanup());

function bin(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, `#!${process.execPath}\n${body}\n`);
  chmodSync(p, 0o755);
}

const brokenDocker = 'console.error("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"); process.exit(1);';
const workingPodman = 'if (process.argv[2] === "info") { console.log("amd64"); process.exit(0); } process.exit(3);';

test('takes the first CLI that works, recording why the others were passed over', async () => {
  const dir = join(tmp.dir, 'a');
  bin(dir, 'docker', brokenDocker);
  bin(dir, 'podman', workingPodman);
  const d = await detectContainerCli({ env: { PATH: dir } });
  assert.equal(d.cli, 'podman');
  assert.equal(d.path, join(dir, 'podman'));
  assert.equal(d.rejected.length, 1);
  assert.equal(d.rejected[0]!.cli, 'docker');
  assert.match(d.rejected[0]!.reason, /^`docker info` failed: Cannot connect to the Docker daemon.* \(exit 1\)$/);
});

test('none on PATH: no CLI and a reason for each', async () => {
  const d = await detectContainerCli({ env: { PATH: join(tmp.dir, 'empty') } });
  assert.equal(d.cli, null);
  assert.deepEqual(d.rejected.map((r) => `${r.cli}: ${r.reason}`), ['docker: not on PATH', 'podman: not on PATH', 'buildah: not on PATH']);
});

test('--cli picks one CLI and tries no other', async () => {
  const dir = join(tmp.dir, 'b');
  bin(dir, 'docker', brokenDocker);
  bin(dir, 'podman', workingPodman);
  const d = await detectContainerCli({ cli: 'docker', env: { PATH: dir } });
  assert.equal(d.cli, null);
  assert.deepEqual(d.rejected.map((r) => r.cli), ['docker']);
  assert.equal((await detectContainerCli({ cli: 'podman', env: { PATH: dir } })).cli, 'podman');
  assert.throws(() => parseCliName('nerdctl'), /unknown container CLI "nerdctl" \(use docker, podman, buildah or auto\)/);
});

test('a probe that hangs is given up on', async () => {
  const dir = join(tmp.dir, 'c');
  bin(dir, 'docker', 'setTimeout(() => {}, 60000);');
  const d = await detectContainerCli({ cli: 'docker', env: { PATH: dir }, timeoutMs: 300 });
  assert.equal(d.cli, null);
  assert.match(d.rejected[0]!.reason, /no answer after 0.3 s/);
});

test('build arguments: --format docker for buildah and podman, extra arguments after the subcommand', () => {
  const input = { contextDir: '/ctx', dockerfile: '/ctx/Dockerfile', tag: 'runlens/m:1', iidFile: '/tmp/iid', extraArgs: ['--storage-driver', 'vfs'] };
  assert.deepEqual(buildCommandArgs('docker', input), ['build', '--storage-driver', 'vfs', '--iidfile', '/tmp/iid', '-t', 'runlens/m:1', '-f', '/ctx/Dockerfile', '/ctx']);
  assert.deepEqual(buildCommandArgs('buildah', { ...input, extraArgs: [] }).slice(0, 3), ['build', '--format', 'docker']);
  assert.equal(formatCommand('docker', ['build', '-t', "it's", '/a b']), `docker build -t 'it'\\''s' '/a b'`);
  assert.ok(findOnPath('node', process.env));
});

test('the run command quotes a tag the shell would split, and uses podman after buildah (its images are in the storage podman reads)', () => {
  assert.equal(runImageCommand('docker', 'runlens/churn:3'), 'docker run --rm -p 127.0.0.1:8080:8080 runlens/churn:3');
  assert.equal(runImageCommand('buildah', 'runlens/churn:3'), 'podman run --rm -p 127.0.0.1:8080:8080 runlens/churn:3');
  assert.equal(runImageCommand('docker', "a b'c"), "docker run --rm -p 127.0.0.1:8080:8080 'a b'\\''c'");
});
