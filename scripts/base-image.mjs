#!/usr/bin/env node
// Builds (once) the local base image the container-build test builds FROM:
// no image registry is reachable from the test machines, so instead of
// pulling node:20-bookworm-slim it makes the nearest equivalent locally:
//   debootstrap --variant=minbase bookworm  → rootfs.tar (cached on disk)
//   FROM scratch + ADD rootfs.tar / + COPY <host node> /usr/local/bin/node
// built with buildah (vfs storage, chroot isolation: no daemon, no runc).
//
//   node scripts/base-image.mjs [--tag T] [--cache-dir DIR] [--mirror URL] [--force]
//
// Prints progress to stderr and one JSON line to stdout:
//   {"tag":..., "cached": true|false, "seconds": n, "rootfsBytes": n, "nodeVersion": ...}
// The rootfs tarball survives between runs under the cache dir (git-ignored);
// the image is rebuilt only when it is missing from buildah's storage or was
// made from another node version (label runlens.base.node).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const DEFAULT_TAG = 'localhost/runlens-base:bookworm-node20';

function parseArgs(argv) {
  const out = { tag: DEFAULT_TAG, cacheDir: join(root, 'test/e2e/.cache/base-image'), mirror: undefined, force: false };
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

/** The Debian mirror this machine's apt uses (deb822 or one-line sources), else deb.debian.org. */
export function debianMirror() {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.sources') || f.endsWith('.list')) files.push(join(dir, f));
  for (const f of files) {
    if (!existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    for (const line of text.split('\n')) {
      const deb822 = /^URIs:\s*(\S+)/.exec(line);
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line);
      const uri = deb822?.[1] ?? oneLine?.[1];
      // Only the main archive: bookworm's packages, not -security or third-party repositories.
      if (uri && /\/debian\/?$/.test(uri)) return uri;
    }
  }
  return 'http://deb.debian.org/debian';
}

function log(msg) {
  process.stderr.write(`base-image: ${msg}\n`);
}

/** Runs a command (argument array), streaming its output to stderr; rejects naming the command on failure. */
function run(cmd, args, env = process.env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let tail = '';
    const keep = (chunk) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${args[0]} exited with ${code}: ${tail.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

function buildahGlobal() {
  return ['--storage-driver', process.env.STORAGE_DRIVER || 'vfs'];
}

/** The node version the existing image was built from, or null when the image is not in storage. */
function imageNodeVersion(tag) {
  const r = spawnSync('buildah', [...buildahGlobal(), 'inspect', '--type', 'image', '--format', '{{index .ImageAnnotations "runlens.base.node"}}|{{index .Docker.Config.Labels "runlens.base.node"}}', tag], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return r.stdout.trim().split('|').find((v) => v && v !== '<no value>') ?? '';
}

async function ensureRootfs(cacheDir, mirror) {
  const tarball = join(cacheDir, 'rootfs.tar');
  if (existsSync(tarball)) return { tarball, made: false };
  for (const tool of ['debootstrap', 'tar']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} is not installed (run scripts/install-build-deps.sh as root)`);
  }
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'debootstrap-'));
  const dir = join(work, 'rootfs');
  try {
    log(`debootstrap --variant=minbase bookworm from ${mirror} (about 40 s)`);
    await run('debootstrap', ['--variant=minbase', 'bookworm', dir, mirror]);
    log('packing the root file system');
    // Package caches and lists are dead weight in an image that never runs apt.
    await run('tar', ['--numeric-owner', '--exclude=./var/cache/apt/archives/*.deb', '--exclude=./var/lib/apt/lists/*', '--exclude=./dev/*', '-C', dir, '-cf', join(work, 'rootfs.tar'), '.']);
    renameSync(join(work, 'rootfs.tar'), tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { tarball, made: true };
}

export async function ensureBaseImage(opts) {
  const started = Date.now();
  const nodeVersion = process.version;
  if (spawnSync('which', ['buildah']).status !== 0) throw new Error('buildah is not installed (run scripts/install-build-deps.sh as root)');
  const existing = opts.force ? null : imageNodeVersion(opts.tag);
  if (existing === nodeVersion) {
    return { tag: opts.tag, cached: true, seconds: (Date.now() - started) / 1000, nodeVersion };
  }
  if (existing !== null) log(`${opts.tag} was built with node ${existing || 'unknown'}; rebuilding for ${nodeVersion}`);
  const { tarball, made } = await ensureRootfs(opts.cacheDir, opts.mirror ?? debianMirror());
  const ctx = mkdtempSync(join(opts.cacheDir, 'context-'));
  try {
    // Hard links keep the 100+ MB tarball and node binary out of a second copy when on the same file system.
    const place = (from, to) => {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
    };
    place(tarball, join(ctx, 'rootfs.tar'));
    place(process.execPath, join(ctx, 'node'));
    writeFileSync(join(ctx, 'Containerfile'), [
      'FROM scratch',
      'ADD rootfs.tar /',
      'COPY node /usr/local/bin/node',
      `LABEL runlens.base.node=${nodeVersion} org.opencontainers.image.title="runlens local base (debian bookworm minbase + node ${nodeVersion})"`,
      'ENV NODE_VERSION=' + nodeVersion.slice(1),
      'CMD ["node"]',
      '',
    ].join('\n'));
    log(`buildah build ${opts.tag}`);
    await run('buildah', [...buildahGlobal(), 'build', '--isolation', process.env.BUILDAH_ISOLATION || 'chroot', '--format', 'docker', '-f', join(ctx, 'Containerfile'), '-t', opts.tag, ctx]);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return { tag: opts.tag, cached: false, rootfsMade: made, seconds: (Date.now() - started) / 1000, rootfsBytes: statSync(tarball).size, nodeVersion };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  try {
    const result = await ensureBaseImage(parseArgs(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (e) {
    process.stderr.write(`base-image: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
