import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { CliError, type Command } from '../context';
import { resolveModel } from '../../deploy/registry/resolveModel';
import type { ContainerCliName } from '../../deploy/build/containerCli';
import { formatCommand, parseCliName, runImageCommandHere } from '../../deploy/build/containerCli';
import { defaultBaseTag } from '../../deploy/build/baseImage';
import { baseImageFailure } from '../../deploy/build/pullFailure';
import { storageArgs } from '../../deploy/container/imageServer';
import { buildModelImage } from '../../deploy/build/imageBuild';
import type { BuildImageResult } from '../../deploy/build/imageBuild';
import { ImageReferenceError } from '../../protocol/imageReference';

const USAGE = 'usage: runlens build <model>[@alias|:version] [--tag T] [--base IMAGE] [--cli docker|podman|buildah] [--cli-arg=X ...] [--context-only] [--json]   (--cli-arg=--flag: a value starting with - needs the =)';

/** Exit code when the context was written but no container CLI works here: no image, not a failed build. */
export const EXIT_NO_CLI = 3;

function toJson(r: BuildImageResult): Record<string, unknown> {
  return {
    status: r.status,
    contextDir: r.context.dir,
    tag: r.context.tag,
    baseImage: r.context.baseImage,
    cli: r.detected?.cli ?? null,
    rejected: r.detected?.rejected ?? [],
    command: r.command,
    imageId: r.outcome?.imageId ?? null,
    durationMs: r.outcome ? Math.round(r.outcome.durationMs) : null,
    failedStep: r.outcome?.failedStep ?? null,
    buildId: r.record?.id ?? null,
    logSha256: r.record?.logSha256 ?? null,
    error: r.error,
  };
}

/**
 * `runlens build <model>`: writes the build context under
 * `.runlens/builds/`, builds the image with docker, podman or buildah
 * (argument arrays, the CLI's output streamed to stderr) and records the
 * build on the model version. Exit 0 built (or `--context-only`), 1 failed
 * or cancelled, 2 usage, 3 no working container CLI (the context is ready
 * and the command to build it elsewhere is printed).
 */
export const buildCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tag: { type: 'string' },
      base: { type: 'string' },
      cli: { type: 'string' },
      'cli-arg': { type: 'string', multiple: true },
      'context-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new CliError(USAGE, 2);
  let cli: ContainerCliName | 'auto' | undefined;
  try {
    cli = values.cli === undefined ? undefined : parseCliName(values.cli);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  const store = ctx.openStore();
  const model = resolveModel(store, positionals[0]!);
  const progress = (text: string): void => ctx.err(`${text}\n`);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: BuildImageResult;
  try {
    result = await buildModelImage(store, model, {
      buildsDir: join(ctx.storeDir, 'builds'),
      workspaceDir: ctx.cwd,
      ...(values.tag !== undefined ? { tag: values.tag } : {}),
      ...(values.base !== undefined ? { baseImage: values.base } : {}),
      ...(ctx.env.RUNLENS_SERVE_BUNDLE ? { serverBundle: ctx.env.RUNLENS_SERVE_BUNDLE } : {}),
      ...(cli !== undefined ? { cli } : {}),
      extraArgs: values['cli-arg'] ?? [],
      env: ctx.env,
      contextOnly: values['context-only'],
      signal: controller.signal,
      onContext: (c) => progress(`build context: ${c.dir} (${(c.runtimeBytes / 1024).toFixed(0)} KiB of runtime files)`),
      onCli: (d, command) => {
        for (const r of d.rejected) progress(`skipped ${r.cli}: ${r.reason}`);
        if (d.cli) progress(`$ ${command}`);
      },
      onLine: (line) => progress(`  ${line}`),
    });
  } catch (e) {
    // A bad tag or base image: a usage error, found before anything ran.
    if (e instanceof ImageReferenceError) throw new CliError(e.message, 2);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  if (values.json) ctx.out(JSON.stringify(toJson(result), null, 2) + '\n');
  const say = values.json ? progress : (t: string) => ctx.out(`${t}\n`);
  switch (result.status) {
    case 'succeeded': {
      say(`built ${result.context.tag} (${result.outcome!.imageId}) with ${result.detected!.cli} in ${(result.outcome!.durationMs / 1000).toFixed(1)} s`);
      const storage = storageArgs(result.detected!.cli!, values['cli-arg']).map((a) => `--cli-arg=${a}`);
      const serveHere = formatCommand('runlens', ['serve', positionals[0]!, '--image', ...storage]);
      // Where no docker/podman is installed, "run it" is `runlens serve --image`: said once, not twice.
      const runIt = runImageCommandHere(result.detected!.cli!, result.context.tag, serveHere, ctx.env);
      if (runIt !== serveHere) say(`run it: ${runIt}`);
      say(`smoke-test it: ${formatCommand('runlens', ['smoke', positionals[0]!, '--target', 'image', ...storage])}`);
      say(`serve it here: ${serveHere}`);
      return 0;
    }
    case 'context-only':
      say(`build context ready: ${result.context.dir}`);
      say(`build it: ${result.command}`);
      return 0;
    case 'no-cli':
      say(`no image built: ${result.error}`);
      say(`the build context is ready in ${result.context.dir}; build it where docker, podman or buildah works:`);
      say(`  ${result.command}`);
      return EXIT_NO_CLI;
    case 'failed':
    case 'cancelled': {
      const noBase = baseImageFailure(result.outcome);
      const where = result.record ? ` (build #${result.record.id}, log blob ${result.record.logSha256})` : '';
      if (noBase !== null) {
        // Where no registry answers, the way out is a base image made here.
        const cliFlags = [...(values.cli !== undefined ? ['--cli', values.cli] : []), ...(values['cli-arg'] ?? []).map((a) => `--cli-arg=${a}`)];
        const make = formatCommand('runlens', ['base-image', ...cliFlags]);
        const again = formatCommand('runlens', ['build', positionals[0]!, '--base', defaultBaseTag(), ...(values.tag !== undefined ? ['--tag', values.tag] : []), ...cliFlags]);
        ctx.err(`error: the base image ${result.context.baseImage} could not be pulled or found (${noBase}): build a local one with ${make}, then ${again}${where}\n`);
        return 1;
      }
      ctx.err(`error: build ${result.status}: ${result.error}${result.record ? ` (build #${result.record.id}, log blob ${result.record.logSha256})` : ''}\n`);
      return 1;
    }
  }
};
