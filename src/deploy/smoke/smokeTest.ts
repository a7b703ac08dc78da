/**
 * The smoke test: send a sample of the model version's own data to its
 * server and put the predictions next to the labels. The server is the
 * built image itself where this machine can run it (the newest successful
 * build whose image is still there), else the build context's files on this
 * machine's Node, and the result says which and why. No vscode import: the
 * Deploy panel and `runlens smoke` share it.
 */
import { UserError } from '../../core/util/errors';
import { materializeDataset } from '../../datasets/materialize';
import type { SmokeView } from '../../protocol/deploy';
import type { RunStore } from '../../store/runStore';
import { writeBuildContext } from '../build/buildContext';
import { resolveModel } from '../registry/resolveModel';
import { startContextServer } from './contextServer';
import type { ImageRunOptions, RunnableImage } from '../container/imageServer';
import { findRunnableImage, startImageServer } from '../container/imageServer';
import { sampleRows, scoreSample, smokeDataset } from './smokeSample';
import type { ServerHandle } from '../container/spawnedServer';

/** What answers: `auto` is the image where it can run, else the context's files. */
export type SmokeTarget = 'auto' | 'image' | 'context';
export const SMOKE_TARGETS: readonly SmokeTarget[] = ['auto', 'image', 'context'];

export interface SmokeTestInput extends ImageRunOptions {
  readonly store: RunStore;
  /** The workspace folder (relative dataset paths resolve against it). */
  readonly root: string;
  readonly ref: string;
  readonly buildsDir: string;
  /** Node.js to run the context's server with. */
  readonly execPath: string;
  readonly rows?: number;
  /** Default `auto`. */
  readonly target?: SmokeTarget;
  /** The model server bundle for the context; default the one beside RunLens (tests pass a fresh bundle). */
  readonly serverBundle?: string;
}

/** The image to run, or why not (null reason: the context was asked for). */
async function chooseImage(input: SmokeTestInput, name: string | null, version: number | null): Promise<RunnableImage | { reason: string }> {
  const target = input.target ?? 'auto';
  if (target === 'context') return { reason: 'the build context was asked for' };
  const found = name === null || version === null
    ? { reason: 'a bare run has no registered version, so no image' }
    : await findRunnableImage(input.store.registry.listModelBuilds(name, version), input);
  if ('reason' in found && target === 'image') throw new UserError(`cannot smoke-test the image of ${input.ref}: ${found.reason}`);
  return found;
}

/**
 * The whole smoke test: resolve the version, pick what answers, send a sample
 * of the recorded data's rows (the exact bytes of the version the run read:
 * from the file if unchanged, else the store's snapshot), stop the server.
 */
export async function runSmokeTest(input: SmokeTestInput): Promise<SmokeView> {
  const started = performance.now();
  const model = resolveModel(input.store, input.ref);
  const data = smokeDataset(model.datasets);
  const materialized = await materializeDataset({ kind: 'version', fingerprint: data.fingerprint }, { store: input.store, root: input.root });
  try {
    const sample = await sampleRows(materialized.file, data.path, model.pkg.inputColumns, model.pkg.target, input.rows);
    const image = await chooseImage(input, model.name, model.version);
    let server: ServerHandle;
    let how: string;
    if ('reason' in image) {
      const context = writeBuildContext(model, { buildsDir: input.buildsDir, workspaceDir: input.root, ...(input.serverBundle ? { serverBundle: input.serverBundle } : {}) });
      server = await startContextServer(context.dir, input.execPath);
      how = `${server.command} in ${context.dir} (the image's own files, on this machine's Node: ${image.reason})`;
    } else {
      server = await startImageServer(image, input);
      how = server.command; // which image, build and id: in `image`
    }
    try {
      const rows = await scoreSample(server.url, sample, model.pkg.task);
      return {
        ref: input.ref,
        source: data.source,
        target: 'reason' in image ? 'context' : 'image',
        image: 'reason' in image ? null : { tag: image.build.tag, id: image.image, cli: image.cli, buildId: image.build.id },
        how,
        url: server.url,
        rows,
        matches: rows.filter((r) => r.match).length,
        task: model.pkg.task,
        ms: Math.round(performance.now() - started),
      };
    } finally {
      await server.stop();
    }
  } finally {
    materialized.dispose();
  }
}
