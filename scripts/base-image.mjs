#!/usr/bin/env node
// The local base image the container-build tests build FROM (no image
// registry is reachable from the test machines): `runlens base-image`'s own
// code (src/deploy/build/baseImage.ts), with the tests' defaults: buildah in
// vfs storage, the tag below, and the Debian root file system kept under
// test/e2e/.cache/base-image (git-ignored) so the suite never debootstraps twice.
//
//   node scripts/base-image.mjs [--tag T] [--cache-dir DIR] [--mirror URL] [--force]
//
// Progress on stderr, one JSON line on stdout:
//   {"tag":..., "cached": true|false, "seconds": n, "nodeVersion": ..., ...}
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;

function parseArgs(argv) {
  const out = { tag: 'localhost/runlens-base:bookworm-node20', cacheDir: join(root, 'test/e2e/.cache/base-image'), force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--tag') out.tag = next();
    else if (a === '--cache-dir') out.cacheDir = resolve(next());
    else if (a === '--mirror') out.mirror = next();
    else if (a === '--force') out.force = true;
    else throw new Error(`unknown argument ${a}; usage: node scripts/base-image.mjs [--tag T] [--cache-dir DIR] [--mirror URL] [--force]`);
  }
  return out;
}

// The TypeScript source runs under tsx's loader for the whole process (and the build guard it starts).
if (!process.env.RUNLENS_BASE_IMAGE_TSX) {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const r = spawnSync(process.execPath, ['--import', tsx, new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, RUNLENS_BASE_IMAGE_TSX: '1' } });
  process.exit(r.status ?? 1);
}

try {
  const { ensureBaseImage } = await import('../src/deploy/build/baseImage.ts');
  const result = await ensureBaseImage({
    ...parseArgs(process.argv.slice(2)),
    cli: 'buildah',
    extraArgs: ['--storage-driver', process.env.STORAGE_DRIVER || 'vfs'],
    onPlan: (text) => process.stderr.write(`base-image: ${text}\n`),
    onLine: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stderr.write(`base-image: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
