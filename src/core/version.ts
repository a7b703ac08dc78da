/** Replaced at bundle time by esbuild's `define`; read from package.json under tsx. */
declare const __RUNLENS_VERSION__: string | undefined;

export const RUNLENS_VERSION: string =
  typeof __RUNLENS_VERSION__ === 'string' ? __RUNLENS_VERSION__ : (process.env.RUNLENS_VERSION ?? '0.0.0-dev');
