/**
 * `runlens build` and the Deploy panel's build: write the context, find a
 * container CLI, build, and record the build (tag, image id, status,
 * duration, log blob) on the model version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStore } from '../../store/runStore';
import type { ModelBuildRecord } from '../../store/types';
import type { ResolvedModel } from '../registry/resolveModel';
import type { BuildContext, BuildContextOptions } from './buildContext';
import { writeBuildContext } from './buildContext';
import type { BuildOutcome } from './buildRunner';
import { runContainerBuild } from './buildRunner';
import type { BuildStep } from './buildSteps';
import type { ContainerCliName, DetectedCli } from './containerCli';
import { buildCommandArgs, detectContainerCli, formatCommand } from './containerCli';

export interface BuildImageOptions extends BuildContextOptions {
  /** `--cli` / setting `runlens.container.cli`; default auto (docker, podman, buildah). */
  readonly cli?: ContainerCliName | 'auto';
  /** `--cli-arg` / setting `runlens.container.extraArgs`, inserted after `build`. */
  readonly extraArgs?: readonly string[];
  /** Environment of the CLI; default this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Write the context only; no CLI is looked for or run. */
  readonly contextOnly?: boolean;
  readonly signal?: AbortSignal;
  /** The context is written (before the CLI is looked for). */
  readonly onContext?: (context: BuildContext) => void;
  /** The CLI was chosen (or none was) and the command is known. */
  readonly onCli?: (detected: DetectedCli, command: string) => void;
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  readonly onStep?: (step: BuildStep) => void;
}

export type BuildImageStatus = 'succeeded' | 'failed' | 'cancelled' | 'context-only' | 'no-cli';

export interface BuildImageResult {
  readonly status: BuildImageStatus;
  readonly context: BuildContext;
  readonly detected: DetectedCli | null;
  /** The build command as one copyable line: the one run, or the one to run elsewhere. */
  readonly command: string;
  readonly outcome: BuildOutcome | null;
  /** The store's record of the build (registered model versions only; a bare run has no version to record on). */
  readonly record: ModelBuildRecord | null;
  /** One line for the user when not succeeded. */
  readonly error: string | null;
}

/** The command to build the context elsewhere, with the CLI given or docker. */
function portableCommand(cli: ContainerCliName, context: BuildContext, tag: string, extraArgs: readonly string[] | undefined): string {
  const args = buildCommandArgs(cli, { contextDir: context.dir, dockerfile: context.dockerfile, tag, iidFile: 'image-id.txt', extraArgs });
  // --iidfile is only how RunLens learns the id; the copyable command does without it.
  const i = args.indexOf('--iidfile');
  args.splice(i, 2);
  return formatCommand(cli, args);
}

/**
 * Builds the image of a resolved model. Never throws for a failing build or
 * a missing CLI (the result says so); throws a UserError for a bad tag or
 * base image before anything is written.
 */
export async function buildModelImage(store: RunStore, model: ResolvedModel, options: BuildImageOptions): Promise<BuildImageResult> {
  const context = writeBuildContext(model, options);
  options.onContext?.(context);
  if (options.contextOnly) {
    const command = portableCommand(options.cli && options.cli !== 'auto' ? options.cli : 'docker', context, context.tag, options.extraArgs);
    return { status: 'context-only', context, detected: null, command, outcome: null, record: null, error: null };
  }
  const env = options.env ?? process.env;
  const detected = await detectContainerCli({ cli: options.cli, env });
  if (detected.cli === null || detected.path === null) {
    const command = portableCommand(options.cli && options.cli !== 'auto' ? options.cli : 'docker', context, context.tag, options.extraArgs);
    options.onCli?.(detected, command);
    const why = detected.rejected.map((r) => `${r.cli}: ${r.reason}`).join('; ');
    return { status: 'no-cli', context, detected, command, outcome: null, record: null, error: `no working container CLI (${why})` };
  }
  const work = mkdtempSync(join(tmpdir(), 'runlens-build-'));
  try {
    const iidFile = join(work, 'image-id');
    const args = buildCommandArgs(detected.cli, { contextDir: context.dir, dockerfile: context.dockerfile, tag: context.tag, iidFile, extraArgs: options.extraArgs });
    const command = formatCommand(detected.cli, args);
    options.onCli?.(detected, command);
    const registered = model.name !== null && model.version !== null;
    const started = registered
      ? store.registry.addModelBuild({ name: model.name!, version: model.version!, tag: context.tag, cli: detected.cli, baseImage: context.baseImage, contextDir: context.dir })
      : null;
    let outcome: BuildOutcome;
    try {
      outcome = await runContainerBuild({ command: detected.path, args, cwd: context.dir, env, iidFile, onLine: options.onLine, onStep: options.onStep, signal: options.signal });
    } catch (e) {
      if (started) store.registry.finishModelBuild(started.id, { status: 'failed', error: (e as Error).message });
      throw e;
    }
    let record: ModelBuildRecord | null = null;
    if (started) {
      // The log goes in with the record, in one transaction: a blob stored first could meet a gc before it is referenced.
      record = store.registry.finishModelBuild(started.id, {
        status: outcome.status,
        ...(outcome.imageId ? { imageId: outcome.imageId } : {}),
        log: `$ ${command}\n${outcome.log}`,
        ...(outcome.error ? { error: outcome.error } : {}),
      });
    }
    return { status: outcome.status, context, detected, command, outcome, record, error: outcome.error };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
