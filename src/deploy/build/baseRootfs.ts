/**
 * The root file system of the local base image: Debian bookworm minbase made
 * by `debootstrap` from the Debian mirror this machine's apt already uses
 * (which is reachable where an image registry is not), packed as a tarball.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatCommand } from './containerCli';

/** The Debian mirror this machine's apt uses (deb822 or one-line sources), else deb.debian.org. */
export function debianMirror(aptDir = '/etc/apt'): string {
  const files = [join(aptDir, 'sources.list')];
  const dir = join(aptDir, 'sources.list.d');
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.sources') || f.endsWith('.list')) files.push(join(dir, f));
  for (const f of files) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      const deb822 = /^URIs:\s*(\S+)/.exec(line);
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line);
      const uri = deb822?.[1] ?? oneLine?.[1];
      // Only the main archive: bookworm's packages, not -security or third-party repositories.
      if (uri && /\/debian\/?$/.test(uri)) return uri;
    }
  }
  return 'http://deb.debian.org/debian';
}

/** Runs a command (argument array), each output line to `onLine`; rejects with one line naming it. */
export function runTool(cmd: string, args: readonly string[], onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let tail = '';
    let partial = '';
    const take = (chunk: Buffer): void => {
      const text = partial + chunk.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (partial) onLine(partial);
      if (code === 0) return resolve();
      const last = tail.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${formatCommand(cmd, args.slice(0, 1))} exited with ${code}: ${last}`));
    });
  });
}

export interface RootfsOptions {
  /** Where the tarball is kept between runs (`rootfs.tar`); made there, and reused when present. */
  readonly cacheDir: string;
  readonly mirror: string;
  readonly onLine: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** The path of the cached tarball, and whether this call made it. */
export async function ensureRootfs(options: RootfsOptions): Promise<{ tarball: string; made: boolean }> {
  const tarball = join(options.cacheDir, 'rootfs.tar');
  if (existsSync(tarball)) return { tarball, made: false };
  mkdirSync(options.cacheDir, { recursive: true });
  const work = mkdtempSync(join(options.cacheDir, 'debootstrap-'));
  const dir = join(work, 'rootfs');
  try {
    await runTool('debootstrap', ['--variant=minbase', 'bookworm', dir, options.mirror], options.onLine, options.signal);
    // Package caches and lists are dead weight in an image that never runs apt.
    await runTool('tar', ['--numeric-owner', '--exclude=./var/cache/apt/archives/*.deb', '--exclude=./var/lib/apt/lists/*', '--exclude=./dev/*', '-C', dir, '-cf', join(work, 'rootfs.tar'), '.'], options.onLine, options.signal);
    renameSync(join(work, 'rootfs.tar'), tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { tarball, made: true };
}
