/**
 * Which container CLI builds the image: docker, podman or buildah, the first
 * on PATH that actually works (a docker client without an engine does not).
 */
import { spawn } from 'node:child_process';
import { findOnPath } from '../../core/util/findOnPath';
import { CONTAINER_PORT } from './dockerfile';
import { shellQuote } from '../../core/util/shellQuote';

export const CONTAINER_CLIS = ['docker', 'podman', 'buildah'] as const;
export type ContainerCliName = (typeof CONTAINER_CLIS)[number];

/** A CLI that was passed over, and why. */
export interface RejectedCli {
  readonly cli: ContainerCliName;
  readonly reason: string;
}

export interface DetectedCli {
  /** The CLI to build with, or null when none works here. */
  readonly cli: ContainerCliName | null;
  /** Its absolute path. */
  readonly path: string | null;
  /** Every CLI tried before (or instead of) it, with the reason. */
  readonly rejected: RejectedCli[];
}

export interface DetectOptions {
  /** Only this CLI (the `--cli` flag, setting `runlens.container.cli`); 'auto' or undefined tries all. */
  readonly cli?: ContainerCliName | 'auto';
  /** Environment of the probe and the build (PATH; STORAGE_DRIVER etc. for buildah). */
  readonly env?: NodeJS.ProcessEnv;
  /** Time allowed for each probe; default 20 s. */
  readonly timeoutMs?: number;
}

/** Checks a `--cli` value; throws naming the choices. */
export function parseCliName(text: string): ContainerCliName | 'auto' {
  if (text === 'auto' || (CONTAINER_CLIS as readonly string[]).includes(text)) return text as ContainerCliName | 'auto';
  throw new Error(`unknown container CLI "${text}" (use ${CONTAINER_CLIS.join(', ')} or auto)`);
}

/** Kept here for its callers; it lives in core so the worker can use it too. */
export { findOnPath };

/**
 * The probe that proves a CLI can build: `docker info` reaches the engine,
 * `podman info` and `buildah info` open their storage.
 */
function probeArgs(cli: ContainerCliName): string[] {
  const field = { docker: '{{.ServerVersion}}', podman: '{{.Host.Arch}}', buildah: '{{.store.GraphDriverName}}' }[cli];
  return ['info', '--format', field];
}

/** Runs a command; resolves with its exit code and the last lines of its output. */
export function runProbe(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const add = (b: Buffer): void => {
      output = (output + b.toString()).slice(-4000);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    const timer = setTimeout(() => {
      output += `\n(no answer after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The most telling line of a failed probe's output (docker prints the daemon error last). */
function reasonOf(output: string, code: number | null): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.reverse().find((l) => /error|cannot|denied|not|fail/i.test(l)) ?? lines[0];
  return `${error ?? 'no output'}${code !== null ? ` (exit ${code})` : ''}`;
}

/**
 * Finds the CLI to build with: the given one, or the first of docker,
 * podman, buildah that is on PATH and passes its probe. Never throws; a
 * machine with none gets `cli: null` and the reasons.
 */
export async function detectContainerCli(options: DetectOptions = {}): Promise<DetectedCli> {
  const env = options.env ?? process.env;
  const wanted = options.cli === undefined || options.cli === 'auto' ? CONTAINER_CLIS : [options.cli];
  const rejected: RejectedCli[] = [];
  for (const cli of wanted) {
    const path = findOnPath(cli, env);
    if (!path) {
      rejected.push({ cli, reason: 'not on PATH' });
      continue;
    }
    const probe = await runProbe(path, probeArgs(cli), env, options.timeoutMs ?? 20_000);
    if (probe.code === 0) return { cli, path, rejected };
    rejected.push({ cli, reason: `\`${cli} info\` failed: ${reasonOf(probe.output, probe.code)}` });
  }
  return { cli: null, path: null, rejected };
}

/**
 * The build command's arguments. buildah and podman get `--format docker`:
 * the OCI image config has no HEALTHCHECK field, so their default format
 * drops it. `extraArgs` (`--cli-arg`, setting `runlens.container.extraArgs`)
 * go right after the subcommand, before the context folder.
 */
export function buildCommandArgs(cli: ContainerCliName, input: { readonly contextDir: string; readonly dockerfile: string; readonly tag: string; readonly iidFile: string; readonly extraArgs?: readonly string[] }): string[] {
  const format = cli === 'docker' ? [] : ['--format', 'docker'];
  return ['build', ...(input.extraArgs ?? []), ...format, '--iidfile', input.iidFile, '-t', input.tag, '-f', input.dockerfile, input.contextDir];
}


/** The same command as one line to copy into a terminal elsewhere (words shell-quoted). */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}

/**
 * The command that runs a built image in a terminal: docker for docker's
 * images; podman for podman's and buildah's (buildah's images are in the
 * storage podman reads; `runlens serve --image` runs them with buildah itself).
 */
export function runImageCommand(cli: string | null, tag: string): string {
  return `${cli === 'docker' ? 'docker' : 'podman'} run --rm -p 127.0.0.1:${CONTAINER_PORT}:${CONTAINER_PORT} ${shellQuote(tag)}`;
}

/**
 * The command that runs the image with what is installed here: `docker run`
 * or `podman run` where that CLI is on PATH, else (an image built by buildah
 * on a machine without podman) `serveCommand`, which runs it with buildah.
 */
export function runImageCommandHere(cli: ContainerCliName, tag: string, serveCommand: string, env: NodeJS.ProcessEnv = process.env): string {
  const runner = cli === 'docker' ? 'docker' : 'podman';
  return findOnPath(runner, env) ? runImageCommand(cli, tag) : serveCommand;
}
