/**
 * Container image of a model (`runlens build`): the image's size against
 * its base image's (what RunLens adds on top), the build context's runtime
 * files, and the time of a warm build (base image present; buildah, vfs
 * storage, chroot isolation, as the e2e test builds it).
 *
 * No registry is reachable on the bench machine, so the base is the local
 * `localhost/runlens-base:bookworm-node20` (Debian bookworm minbase + this
 * machine's node; scripts/base-image.mjs makes it once). Sizes are exact
 * bytes of `buildah push … docker-archive:` (what `docker save` writes:
 * uncompressed layers), not buildah's rounded `images` column.
 *
 * Run alone: node --import tsx scripts/bench/imageBench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleServer, registeredIris } from '../../src/deploy/build/testing/buildFixtures';
import { findOnPath } from '../../src/deploy/build/containerCli';
import { buildModelImage } from '../../src/deploy/build/imageBuild';
import type { BenchResult } from './types';

const ROOT = join(__dirname, '..', '..');
const BASE = 'localhost/runlens-base:bookworm-node20';
const TAG = 'localhost/runlens-bench/iris-classifier:1';
const VFS = ['--storage-driver', 'vfs'];
const WARM_BUILDS = 3;
const MB = 1e6;

function buildah(args: string[]): string {
  const r = spawnSync('buildah', [...VFS, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`buildah ${args[0]} failed: ${r.stderr.trim().split('\n').at(-1)}`);
  return r.stdout;
}

/** Exact size of an image as `docker save` would write it. */
function imageBytes(tag: string, dir: string): number {
  const file = join(dir, `${tag.replace(/[^a-z0-9]+/g, '-')}.tar`);
  buildah(['push', '-q', tag, `docker-archive:${file}:${tag}`]);
  const size = statSync(file).size;
  rmSync(file, { force: true });
  return size;
}

export async function benchImage(): Promise<BenchResult[]> {
  if (!findOnPath('buildah')) throw new Error('buildah is not installed (scripts/install-build-deps.sh installs it as root on Debian)');
  const base = spawnSync(process.execPath, [join(ROOT, 'scripts/base-image.mjs'), '--tag', BASE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (base.status !== 0) throw new Error('could not make the local base image (see scripts/base-image.mjs output above)');
  const dir = mkdtempSync(join(tmpdir(), 'runlens-image-bench-'));
  const fx = await registeredIris();
  // Each rebuild of the tag leaves the previous image untagged: all of them are removed at the end.
  const built: string[] = [];
  try {
    const server = await bundleServer(join(dir, 'bundle'));
    const times: number[] = [];
    let context: { runtimeBytes: number } | undefined;
    for (let i = 0; i < WARM_BUILDS; i++) {
      const r = await buildModelImage(fx.store, fx.resolved, {
        buildsDir: join(dir, 'builds'), serverBundle: server, baseImage: BASE, tag: TAG, cli: 'buildah',
        extraArgs: [...VFS, '--pull=never'], env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
      });
      if (r.status !== 'succeeded') throw new Error(`build ${r.status}: ${r.error}`);
      times.push(r.outcome!.durationMs / 1000);
      built.push(r.outcome!.imageId!);
      context = r.context;
    }
    const imageSize = imageBytes(TAG, dir);
    const baseSize = imageBytes(BASE, dir);
    const serverBytes = statSync(server).size;
    times.sort((a, b) => a - b);
    return [
      { name: 'model image size', value: imageSize / MB, unit: 'MB', reference: baseSize / MB, referenceName: 'its base image', note: 'decision tree on iris; base = Debian bookworm minbase + node (node:20-bookworm-slim in production)' },
      { name: 'added by RunLens over the base', value: (imageSize - baseSize) / MB, unit: 'MB', goal: '< 10 MB', note: 'the server bundle, the model package and image metadata' },
      { name: 'build context (runtime files)', value: context!.runtimeBytes / MB, unit: 'MB', note: `server/serve.js ${(serverBytes / MB).toFixed(2)} MB (without TensorFlow.js: serving never loads it) + model/model.json` },
      { name: `warm build time (median of ${WARM_BUILDS})`, value: times[Math.floor(times.length / 2)]!, unit: 's', goal: '< 30 s', note: `buildah ${buildah(['version', '--json']).match(/"version":\s*"([^"]+)"/)?.[1] ?? ''}, vfs, chroot; best ${times[0]!.toFixed(1)} s` },
    ];
  } finally {
    spawnSync('buildah', [...VFS, 'rmi', '--force', TAG, ...built], { stdio: 'ignore' });
    fx.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('imageBench.ts')) {
  void benchImage().then((rs) => {
    for (const r of rs) {
      const ref = r.reference !== undefined ? `  (${r.referenceName} ${r.reference.toFixed(2)} ${r.unit})` : '';
      console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}${ref}${r.note ? `  — ${r.note}` : ''}`);
    }
  });
}
