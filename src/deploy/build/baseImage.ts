/**
 * `runlens base-image`: a local Node.js base image for machines that cannot
 * pull `node:20-bookworm-slim`. Debian bookworm minbase (debootstrap, from
 * the Debian mirror apt uses) plus this machine's own `node`, built
 * `FROM scratch` by docker, podman or buildah. The image carries the node
 * version as a label, so a second call with the same node is a no-op.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UserError } from '../../core/util/errors';
import { storageArgs } from '../container/imageServer';
import { runContainerBuild } from './buildRunner';
import type { BuildOutcome } from './buildRunner';
import { debianMirror, ensureRootfs } from './baseRootfs';
import type { ContainerCliName, DetectedCli } from './containerCli';
import { detectContainerCli, findOnPath, formatCommand } from './containerCli';
import { parseImageReference } from '../../protocol/imageReference';

const exec = promisify(execFile);

/** The label that records which node the image holds. */
export const NODE_LABEL = 'runlens.base.node';

/** `runlens-node:<major>` of this Node.js: what `runlens build --base` then names. */
export function defaultBaseTag(nodeVersion = process.version): string {
  return `runlens-node:${nodeVersion.replace(/^v/, '').split('.')[0]}`;
}

/** The Containerfile: the root file system as a layer, the host's node on top. */
export function baseContainerfile(nodeVersion: string): string {
  return [
    'FROM scratch',
    'ADD rootfs.tar /',
    'COPY node /usr/local/bin/node',
    `LABEL ${NODE_LABEL}=${nodeVersion} org.opencontainers.image.title="runlens local base (debian bookworm minbase + node ${nodeVersion})"`,
    `ENV NODE_VERSION=${nodeVersion.replace(/^v/, '')}`,
    'CMD ["node"]',
    '',
  ].join('\n');
}

export interface BaseImageOptions {
  readonly tag?: string;
  readonly cli?: ContainerCliName | 'auto';
  /** `--cli-arg`: after `build` (and the storage flags also on `inspect`). */
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Keep the root file system tarball here between calls; default a temp folder removed afterwards. */
  readonly cacheDir?: string;
  readonly mirror?: string;
  /** Rebuild even when an image of this node is there. */
  readonly force?: boolean;
  /** The node copied in; default this process's executable and version. */
  readonly nodePath?: string;
  readonly nodeVersion?: string;
  /** What is about to happen and how long it takes, before it starts. */
  readonly onPlan?: (text: string) => void;
  readonly onLine?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface BaseImageResult {
  readonly tag: string;
  readonly cli: ContainerCliName;
  /** An image of this node was already there: nothing was built. */
  readonly cached: boolean;
  readonly nodeVersion: string;
  readonly imageId: string | null;
  readonly seconds: number;
  readonly rootfsMade: boolean;
}

/** The node version an existing image was built from; '' for an image without the label; null when there is none. */
async function existingNode(cli: ContainerCliName, path: string, tag: string, storage: readonly string[], env: NodeJS.ProcessEnv): Promise<string | null> {
  const args = cli === 'buildah'
    ? [...storage, 'inspect', '--type', 'image', '--format', `{{index .Docker.Config.Labels "${NODE_LABEL}"}}`, tag]
    : [...storage, 'image', 'inspect', '--format', `{{index .Config.Labels "${NODE_LABEL}"}}`, tag];
  try {
    const { stdout } = await exec(path, args, { env });
    const v = stdout.trim();
    return v === '<no value>' ? '' : v;
  } catch {
    return null;
  }
}

function requireTools(cli: DetectedCli, env: NodeJS.ProcessEnv, needRootfs: boolean): { cli: ContainerCliName; path: string } {
  if (cli.cli === null || cli.path === null) {
    throw new UserError(`no working container CLI to build the base image (${cli.rejected.map((r) => `${r.cli}: ${r.reason}`).join('; ')})`);
  }
  if (needRootfs) {
    for (const tool of ['debootstrap', 'tar']) {
      if (!findOnPath(tool, env)) throw new UserError(`${tool} is not installed: the base image's Debian file system is made with debootstrap (apt-get install debootstrap)`);
    }
    if (process.getuid?.() !== 0) throw new UserError('debootstrap needs root: run runlens base-image as root (it writes nothing outside its temp folder and the image storage)');
  }
  return { cli: cli.cli, path: cli.path };
}

/** Makes the image unless one of this node is there already. Throws a UserError in one line. */
export async function ensureBaseImage(options: BaseImageOptions = {}): Promise<BaseImageResult> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const tag = options.tag ?? defaultBaseTag(options.nodeVersion);
  parseImageReference(tag);
  const nodeVersion = options.nodeVersion ?? process.version;
  const nodePath = options.nodePath ?? process.execPath;
  const extraArgs = options.extraArgs ?? [];
  const onLine = options.onLine ?? (() => undefined);
  const detected = await detectContainerCli({ cli: options.cli, env });
  const found = requireTools(detected, env, false);
  const storage = storageArgs(found.cli, extraArgs);
  const existing = options.force ? null : await existingNode(found.cli, found.path, tag, storage, env);
  const seconds = (): number => (performance.now() - started) / 1000;
  if (existing === nodeVersion) {
    return { tag, cli: found.cli, cached: true, nodeVersion, imageId: null, seconds: seconds(), rootfsMade: false };
  }
  if (options.cacheDir !== undefined) mkdirSync(options.cacheDir, { recursive: true });
  const work = mkdtempSync(join(options.cacheDir ?? tmpdir(), 'runlens-base-'));
  try {
    const cacheDir = options.cacheDir ?? work;
    const mirror = options.mirror ?? debianMirror();
    const haveRootfs = options.cacheDir !== undefined && existsSync(join(cacheDir, 'rootfs.tar'));
    requireTools(detected, env, !haveRootfs);
    const replacing = existing === null ? '' : ` (replacing ${tag}, built with node ${existing || 'unknown'})`;
    options.onPlan?.(haveRootfs
      ? `building ${tag} with ${found.cli} from the cached Debian file system and node ${nodeVersion}${replacing}: about 10-30 s`
      : `building ${tag}${replacing}: debootstrap makes a Debian bookworm minbase from ${mirror} (about 40 MB of packages, 2-4 min), then ${found.cli} adds node ${nodeVersion} (about 10-30 s)`);
    const { tarball, made } = await ensureRootfs({ cacheDir, mirror, onLine, ...(options.signal ? { signal: options.signal } : {}) });
    const ctx = join(work, 'context');
    mkdirSync(ctx);
    // Hard links keep the 100+ MB tarball and the node binary out of a second copy on one file system.
    for (const [from, to] of [[tarball, 'rootfs.tar'], [nodePath, 'node']] as const) {
      try {
        linkSync(from, join(ctx, to));
      } catch {
        copyFileSync(from, join(ctx, to));
      }
    }
    writeFileSync(join(ctx, 'Containerfile'), baseContainerfile(nodeVersion));
    const iidFile = join(work, 'image-id');
    const format = found.cli === 'docker' ? [] : ['--format', 'docker'];
    const args = ['build', ...extraArgs, ...format, '--iidfile', iidFile, '-t', tag, '-f', join(ctx, 'Containerfile'), ctx];
    onLine(`$ ${formatCommand(found.cli, args)}`);
    const outcome: BuildOutcome = await runContainerBuild({ command: found.path, args, cwd: ctx, env, iidFile, onLine: (l) => onLine(l), ...(options.signal ? { signal: options.signal } : {}) });
    if (outcome.status !== 'succeeded') throw new UserError(`the base image build ${outcome.status}: ${outcome.error}`);
    return { tag, cli: found.cli, cached: false, nodeVersion, imageId: outcome.imageId, seconds: seconds(), rootfsMade: made };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
