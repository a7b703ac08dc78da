import type { CliContext } from './context';

/** Resolves on the first SIGINT or SIGTERM, with its name (a server command's graceful stop). */
export function untilSignal(ctx: CliContext): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ctx.out(`${signal} received: finishing in-flight requests\n`);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
