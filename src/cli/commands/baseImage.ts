import { parseArgs } from 'node:util';
import { CliError, type Command } from '../context';
import type { ContainerCliName } from '../../deploy/build/containerCli';
import { parseCliName } from '../../deploy/build/containerCli';
import { shellQuote } from '../../core/util/shellQuote';
import { ensureBaseImage } from '../../deploy/build/baseImage';
import { ImageReferenceError } from '../../protocol/imageReference';

const USAGE = 'usage: runlens base-image [--tag T] [--cli buildah|podman|docker] [--cli-arg=X ...] [--cache-dir DIR] [--mirror URL] [--force] [--json]';

/**
 * `runlens base-image`: builds the local Node.js base image (Debian minbase
 * by debootstrap + this machine's node) that `runlens build --base` uses
 * where `node:20-bookworm-slim` cannot be pulled. Progress on stderr; on
 * stdout the tag and the build command that uses it.
 */
export const baseImageCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tag: { type: 'string' },
      cli: { type: 'string' },
      'cli-arg': { type: 'string', multiple: true },
      'cache-dir': { type: 'string' },
      mirror: { type: 'string' },
      force: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new CliError(USAGE, 2);
  let cli: ContainerCliName | 'auto' | undefined;
  try {
    cli = values.cli === undefined ? undefined : parseCliName(values.cli);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const extraArgs = values['cli-arg'] ?? [];
  try {
    const result = await ensureBaseImage({
      ...(values.tag !== undefined ? { tag: values.tag } : {}),
      ...(cli !== undefined ? { cli } : {}),
      ...(values['cache-dir'] !== undefined ? { cacheDir: values['cache-dir'] } : {}),
      ...(values.mirror !== undefined ? { mirror: values.mirror } : {}),
      extraArgs,
      env: ctx.env,
      force: values.force,
      signal: controller.signal,
      onPlan: (text) => ctx.err(`${text}\n`),
      onLine: (line) => ctx.err(`  ${line}\n`),
    });
    const build = ['runlens build <model>', ...['--base', result.tag, ...(cli !== undefined ? ['--cli', result.cli] : []), ...extraArgs.map((a) => `--cli-arg=${a}`)].map(shellQuote)].join(' ');
    if (values.json) {
      ctx.out(JSON.stringify({ ...result, buildCommand: build }, null, 2) + '\n');
      return 0;
    }
    ctx.out(result.cached
      ? `${result.tag} is already built with node ${result.nodeVersion} (${result.cli}); --force rebuilds it\n`
      : `built ${result.tag} (${result.imageId}) with ${result.cli}: Debian bookworm minbase + node ${result.nodeVersion}, in ${result.seconds.toFixed(0)} s\n`);
    ctx.out(`use it: ${build}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ImageReferenceError) throw new CliError(e.message, 2);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};
