import { chmodSync, mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CliError, type CliContext } from '../context';
import type { ResolvedModel } from '../../deploy/registry/resolveModel';
import { deploymentImage, imageRequestLog } from '../../deploy/container/deploymentImage';
import { findRunnableImage, startImageServer } from '../../deploy/container/imageServer';
import type { RunStore } from '../../store/runStore';
import { untilSignal } from '../signals';

export interface ServeImageOptions {
  readonly port: number;
  readonly host: string;
  /** The request log on the host; undefined: the default; null: none (`--no-request-log`). */
  readonly requestLog: string | null | undefined;
  readonly logRate?: number;
  /** `--cli-arg`: the storage flags the image was built with. */
  readonly cliArgs: readonly string[];
}

/**
 * `runlens serve <model> --image`: serves the version's newest built image
 * (the one the smoke test would run) instead of its package on this
 * machine's Node, and records a `container` deployment that the Models view,
 * the Deploy panel's monitor and `runlens monitor` read like a local one.
 * The request log's folder is mounted into the container; the server there
 * runs as the image's user, so the folder is made writable for it (mode
 * 777) when it is RunLens's own (`.runlens/serving/<model>-v<version>-image/`,
 * which holds nothing else) or was created for this `--request-log`. The container stops on SIGINT/SIGTERM (exit 0,
 * as the local `runlens serve`: the signal's line, then `stopped: <tag> (deployment #N)`, none of the container CLI's
 * output about the stop), and with this process however it ends (the build guard watches it).
 */
export async function serveImage(ctx: CliContext, store: RunStore, model: ResolvedModel, options: ServeImageOptions): Promise<number> {
  if (model.name === null || model.version === null) throw new CliError(`--image serves a registered version's built image; ${model.label} is a bare run (register it and build it first)`, 2);
  const found = await findRunnableImage(store.registry.listModelBuilds(model.name, model.version), { cliArgs: options.cliArgs, env: ctx.env });
  if ('reason' in found) throw new CliError(`cannot serve the image of ${model.label}: ${found.reason}`);
  const ownLog = imageRequestLog(ctx.storeDir, model.name, model.version);
  const ownFolder = dirname(ownLog);
  const logFile = options.requestLog === null ? null
    : options.requestLog !== undefined ? resolve(ctx.cwd, options.requestLog)
      : ownLog;
  if (logFile) {
    const folder = dirname(logFile);
    const created = mkdirSync(folder, { recursive: true });
    // Opened to the image's user only when the folder is RunLens's own or was made just now: never
    // a folder of the user's (`--request-log log.jsonl` in the workspace root would open the root).
    if (created !== undefined || folder === ownFolder) chmodSync(folder, 0o777);
    else ctx.err(`note: ${folder} already existed and is mounted as it is: the image's server runs as its own user and may not be allowed to write the request log there (give --request-log a file in a new folder)\n`);
  }
  ctx.out(`${model.label} (run ${model.runName}): image ${found.build.tag} (${found.image.slice(0, 19)}, build #${found.build.id}) with ${found.cli}\n`);
  // Listening first (see serve.ts): a signal during the start stops the server once it is up.
  const signalled = untilSignal(ctx);
  let exited: ((how: string) => void) | undefined;
  // Once asked to stop, the container CLI's lines are noise (buildah's `subprocess exited on killed`,
  // `Error: exit status 1` about the server it was told to stop): one line of our own says it stopped.
  let stopping = false;
  const ended = new Promise<string>((r) => (exited = r));
  const server = await startImageServer(found, {
    cliArgs: options.cliArgs,
    env: ctx.env,
    port: options.port,
    host: options.host,
    ...(logFile ? { requestLog: { dir: dirname(logFile), file: basename(logFile), ...(options.logRate !== undefined ? { rate: options.logRate } : {}) } } : {}),
    onLine: (line) => {
      if (!stopping) ctx.out(`${line}\n`);
    },
    onExit: (code, signal) => exited?.(signal ?? `code ${code}`),
  });
  if (found.cli !== 'buildah') ctx.out(`${model.label} image at ${server.url}/invocations (${server.command})\n`);
  const deployment = store.registry.addDeployment({
    name: model.name, version: model.version, kind: 'container', url: server.url, pid: process.pid, image: deploymentImage(found.build.tag, found.image),
    ...(logFile ? { requestLog: logFile } : {}),
  });
  ctx.out(`deployment #${deployment.id} of ${model.label} recorded\n`);
  const how = await Promise.race([signalled.then(() => null), ended]);
  stopping = how === null;
  await server.stop();
  store.registry.stopDeployment(deployment.id);
  if (how !== null) {
    ctx.err(`error: the image's server exited (${how})\n`);
    return 1;
  }
  ctx.out(`stopped: ${found.build.tag} (deployment #${deployment.id})\n`);
  return 0;
}
