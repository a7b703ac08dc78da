/**
 * A model version's built image, running: the newest successful build whose
 * image is still in the container CLI's storage, started as a container that
 * answers on a loopback port. The smoke test sends it a sample of rows;
 * `runlens serve --image` keeps it serving, its request log written into a
 * host folder mounted into the container.
 *
 * - buildah (daemonless, what builds images here): `buildah from` the image,
 *   then `buildah run --isolation chroot --user <the image's USER>` its
 *   ENTRYPOINT with `--host 127.0.0.1 --port 0` instead of its CMD. chroot
 *   isolation shares the host's network, so the server picks a free loopback
 *   port and says which; no port mapping, no runc, no root needed beyond
 *   what the build needed. The working container is removed afterwards.
 * - docker / podman: `run -d --rm -p 127.0.0.1::8080`, the host port read
 *   back with `port`, ready once GET /ping answers 200; `rm -f` afterwards.
 *   (Not exercised on the machines RunLens is tested on: they have no
 *   container engine. The buildah path is tested end to end.)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UserError } from '../../core/util/errors';
import { pidAlive } from '../../core/util/pidAlive';
import type { ModelBuildRecord } from '../../store/types';
import type { ContainerCliName } from '../build/containerCli';
import { CONTAINER_CLIS, detectContainerCli, formatCommand } from '../build/containerCli';
import { CONTAINER_PORT } from '../build/dockerfile';
import type { ServerHandle } from './spawnedServer';
import { startSpawnedServer } from './spawnedServer';

const exec = promisify(execFile);

/** An image the smoke test can run: the build it came from and the CLI that has it. */
export interface RunnableImage {
  readonly build: ModelBuildRecord;
  readonly cli: ContainerCliName;
  /** The CLI's absolute path. */
  readonly path: string;
  /** The image id (`sha256:…`): the tag may have moved since. */
  readonly image: string;
}

export interface ImageRunOptions {
  /** The CLI's environment (buildah and podman read STORAGE_DRIVER, CONTAINERS_STORAGE_CONF…). */
  readonly env?: NodeJS.ProcessEnv;
  /** The build's extra arguments (`runlens.container.extraArgs`, `--cli-arg`): their storage flags are passed on. */
  readonly cliArgs?: readonly string[];
  readonly timeoutMs?: number;
}

/** How a long-running server from the image listens and logs (`runlens serve --image`). */
export interface ImageServeOptions extends ImageRunOptions {
  /** Host port; 0 (the default) takes a free one. */
  readonly port?: number;
  /** Host address; default 127.0.0.1. */
  readonly host?: string;
  /**
   * The request log: `dir` on the host is mounted at {@link CONTAINER_LOG_DIR}
   * and the server appends to `file` in it (and rotates it there).
   */
  readonly requestLog?: { readonly dir: string; readonly file: string; readonly rate?: number };
  /** The server's output lines (buildah; docker runs detached and keeps them in `docker logs`). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** The server exited by itself after it listened (buildah). */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Where a served image writes its request log (a host folder is mounted there). */
export const CONTAINER_LOG_DIR = '/var/log/runlens';

/**
 * buildah's and podman's storage options are global: a build given
 * `--storage-driver vfs` wrote its image where only the same flag finds it.
 * Build-only flags (`--pull=never`, `--layers`) are dropped.
 */
export function storageArgs(cli: ContainerCliName, cliArgs: readonly string[] = []): string[] {
  if (cli === 'docker') return [];
  const takesValue = new Set(['--storage-driver', '--root', '--runroot', '--storage-opt']);
  const out: string[] = [];
  for (let i = 0; i < cliArgs.length; i++) {
    const a = cliArgs[i]!;
    const name = a.split('=')[0]!;
    if (!takesValue.has(name)) continue;
    if (a.includes('=')) out.push(a);
    else if (i + 1 < cliArgs.length) out.push(a, cliArgs[++i]!);
  }
  return out;
}

/** Runs a CLI to completion; rejects with its last stderr line. */
async function cli(path: string, args: readonly string[], env: NodeJS.ProcessEnv | undefined, timeoutMs = 60_000): Promise<string> {
  try {
    const { stdout } = await exec(path, [...args], { env: env ?? process.env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const last = (err.stderr ?? '').trim().split('\n').pop() || err.message.split('\n')[0]!;
    throw new UserError(`${formatCommand(path.split('/').pop()!, args)} failed: ${last}`);
  }
}

function inspectArgs(name: ContainerCliName, image: string): string[] {
  return name === 'buildah' ? ['inspect', '--type', 'image', image] : ['image', 'inspect', image];
}

/**
 * The newest succeeded build (of those given, any order) whose image this
 * machine can run, or why there is none, in one line.
 */
export async function findRunnableImage(builds: readonly ModelBuildRecord[], options: ImageRunOptions = {}): Promise<RunnableImage | { readonly reason: string }> {
  const built = builds.filter((b) => b.status === 'succeeded' && b.imageId).sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
  if (built.length === 0) return { reason: 'no image has been built for this version yet (Build image, or `runlens build`)' };
  const reasons: string[] = [];
  const usable = new Map<ContainerCliName, string | { reason: string }>();
  for (const build of built) {
    const name = build.cli as ContainerCliName | null;
    if (name === null || !(CONTAINER_CLIS as readonly string[]).includes(name)) {
      reasons.push(`build #${build.id} names no container CLI`);
      continue;
    }
    if (!usable.has(name)) {
      const d = await detectContainerCli({ cli: name, env: options.env, timeoutMs: 10_000 });
      usable.set(name, d.path ?? { reason: d.rejected.map((r) => r.reason).join('; ') });
    }
    const path = usable.get(name)!;
    if (typeof path !== 'string') {
      reasons.push(`build #${build.id} was made with ${name}, which does not work here: ${path.reason}`);
      continue;
    }
    try {
      await cli(path, [...storageArgs(name, options.cliArgs), ...inspectArgs(name, build.imageId!)], options.env);
      return { build, cli: name, path, image: build.imageId! };
    } catch {
      reasons.push(`the image of build #${build.id} (${build.tag}, ${build.imageId!.slice(0, 19)}) is no longer in ${name}'s storage: build it again`);
    }
  }
  return { reason: reasons.join('; ') };
}

/** Starts the image's server on a loopback port (by default a free one). */
export async function startImageServer(found: RunnableImage, options: ImageServeOptions = {}): Promise<ServerHandle> {
  return found.cli === 'buildah' ? startWithBuildah(found, options) : startWithEngine(found, options);
}

/** The server's own flags after the image's ENTRYPOINT: where it listens, and its request log. */
function serverArgs(host: string, port: number, options: ImageServeOptions): string[] {
  const log = options.requestLog;
  return ['--host', host, '--port', String(port),
    ...(log ? ['--request-log', `${CONTAINER_LOG_DIR}/${log.file}`, ...(log.rate !== undefined ? ['--log-rate', String(log.rate)] : [])] : [])];
}

/** A server line as the host sees it: the request log's mounted folder named by its host path ("logging requests to …"). */
function onHost(line: string, options: ImageServeOptions): string {
  return options.requestLog ? line.split(`${CONTAINER_LOG_DIR}/`).join(`${options.requestLog.dir}/`) : line;
}

function volumeArgs(options: ImageServeOptions): string[] {
  return options.requestLog ? ['--volume', `${options.requestLog.dir}:${CONTAINER_LOG_DIR}`] : [];
}

interface ImageConfig {
  readonly Entrypoint?: string[] | null;
  readonly User?: string;
}

/**
 * buildah working containers RunLens makes are named `runlens-run-<tag>-<pid>-<n>`:
 * the process that made one removes it when its server stops, and one whose
 * process is gone (killed before it could) is removed by the next start.
 */
const CONTAINER_PREFIX = 'runlens-run-';
let containerCount = 0;

async function removeDeadContainers(path: string, storage: readonly string[], env: NodeJS.ProcessEnv | undefined): Promise<void> {
  const names = await cli(path, [...storage, 'containers', '--all', '--format', '{{.ContainerName}}'], env).catch(() => '');
  const dead = names.split('\n').filter((n) => {
    const m = /^runlens-run-.*-(\d+)-\d+$/.exec(n.trim());
    return m !== null && !pidAlive(Number(m[1]));
  });
  for (const n of dead) await cli(path, [...storage, 'rm', n.trim()], env).catch(() => undefined);
}

async function startWithBuildah(found: RunnableImage, options: ImageServeOptions): Promise<ServerHandle> {
  const storage = storageArgs('buildah', options.cliArgs);
  const inspected = JSON.parse(await cli(found.path, [...storage, ...inspectArgs('buildah', found.image)], options.env)) as { Docker?: { config?: ImageConfig }; OCIv1?: { config?: ImageConfig } };
  const config = inspected.Docker?.config ?? inspected.OCIv1?.config ?? {};
  const entrypoint = config.Entrypoint ?? [];
  if (entrypoint.length === 0) throw new UserError(`the image ${found.build.tag} (${found.image.slice(0, 19)}) has no ENTRYPOINT: it was not built by RunLens`);
  await removeDeadContainers(found.path, storage, options.env);
  const name = `${CONTAINER_PREFIX}${found.build.tag.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(-60)}-${process.pid}-${++containerCount}`;
  const container = (await cli(found.path, [...storage, 'from', '--pull-never', '--name', name, found.image], options.env)).trim().split('\n').pop()!;
  const user = config.User ? ['--user', config.User] : [];
  const args = [...storage, 'run', '--isolation', 'chroot', ...user, ...volumeArgs(options), container, '--', ...entrypoint,
    ...serverArgs(options.host ?? '127.0.0.1', options.port ?? 0, options)];
  try {
    return await startSpawnedServer({
      command: found.path,
      args,
      env: options.env,
      display: formatCommand('buildah', args),
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.onLine ? { onLine: (line: string, stream: 'stdout' | 'stderr') => options.onLine!(onHost(line, options), stream) } : {}),
      ...(options.onExit ? { onExit: options.onExit } : {}),
      afterStop: async () => {
        await cli(found.path, [...storage, 'rm', container], options.env).catch(() => undefined);
      },
    });
  } catch (e) {
    // startSpawnedServer removed it already unless the spawn itself failed: rm is idempotent enough
    await cli(found.path, [...storage, 'rm', container], options.env).catch(() => undefined);
    throw e;
  }
}

async function startWithEngine(found: RunnableImage, options: ImageServeOptions): Promise<ServerHandle> {
  const storage = storageArgs(found.cli, options.cliArgs);
  const host = options.host ?? '127.0.0.1';
  // the arguments after the image replace its CMD: listen on the container's port, log into the mounted folder
  const runArgs = [...storage, 'run', '-d', '--rm', '-p', `${host}:${options.port ? String(options.port) : ''}:${CONTAINER_PORT}`, ...volumeArgs(options),
    found.image, ...serverArgs('0.0.0.0', CONTAINER_PORT, options)];
  const id = (await cli(found.path, runArgs, options.env)).trim().split('\n').pop()!;
  const remove = async (): Promise<void> => {
    await cli(found.path, [...storage, 'rm', '-f', id], options.env).catch(() => undefined);
  };
  try {
    const ports = await cli(found.path, [...storage, 'port', id, `${CONTAINER_PORT}/tcp`], options.env);
    const hostPort = /:(\d+)\s*$/m.exec(ports)?.[1];
    if (!hostPort) throw new UserError(`${found.cli} port ${id.slice(0, 12)} gave no host port: ${ports.trim()}`);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${hostPort}`;
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const ok = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
      if (ok) break;
      const running = (await cli(found.path, [...storage, 'inspect', '-f', '{{.State.Running}}', id], options.env).catch(() => 'false')).trim();
      if (running !== 'true' || Date.now() > deadline) {
        const logs = await cli(found.path, [...storage, 'logs', '--tail', '5', id], options.env).catch(() => '');
        throw new UserError(`the container ${id.slice(0, 12)} ${running === 'true' ? 'did not answer /ping in time' : 'exited before it answered'}: ${logs.trim().split('\n').pop() ?? ''}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    let stopped: Promise<void> | undefined;
    return { url, command: formatCommand(found.cli, runArgs), stop: () => (stopped ??= remove()) };
  } catch (e) {
    await remove();
    throw e;
  }
}
