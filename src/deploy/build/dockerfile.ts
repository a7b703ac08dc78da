/**
 * The Dockerfile of a model image, and a small reader of Dockerfiles (the
 * tests check every COPY source exists; the build log names steps by it).
 */

/** The port the server listens on inside the image (the SageMaker / MLflow container contract). */
export const CONTAINER_PORT = 8080;
/** Numeric, so the runtime needs no passwd entry and `runAsNonRoot` policies can verify it. */
export const CONTAINER_UID = 10001;
export const DEFAULT_BASE_IMAGE = 'node:20-bookworm-slim';

/** Where each runtime file goes, relative to the build context and inside the image. */
export const RUNTIME_FILES = [
  { context: 'server/serve.js', image: '/app/server/serve.js' },
  { context: 'model/model.json', image: '/app/model/model.json' },
] as const;

export interface DockerfileInput {
  readonly baseImage: string;
  /** Label values; null/empty ones are left out. */
  readonly labels: Readonly<Record<string, string | null>>;
  /** One line describing what is built, as the file's first comment. */
  readonly description: string;
}

/**
 * A LABEL value in double quotes: `\`, `"` and `$` escaped (a `$` would
 * otherwise be expanded as a build variable), line breaks flattened.
 */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/[\r\n]+/g, ' ').replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** A JSON array for exec-form instructions (the form that runs without a shell). */
function execForm(args: readonly string[]): string {
  return JSON.stringify(args).replace(/","/g, '", "');
}

/**
 * The Dockerfile: only the runtime files, copied owned by root and readable
 * by the numeric non-root user the server runs as; the server listens on
 * all interfaces inside the container (the host side is `-p`'s choice); the
 * health check uses node itself (slim images ship no curl).
 */
export function renderDockerfile(input: DockerfileInput): string {
  const ping = `require("http").get("http://127.0.0.1:${CONTAINER_PORT}/ping",(r)=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))`;
  const labels = Object.entries(input.labels).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  return [
    `# ${input.description.replace(/[\r\n]+/g, ' ')}`,
    '# Written by RunLens (`runlens build`); see README.md beside this file.',
    `FROM ${input.baseImage}`,
    'WORKDIR /app',
    ...RUNTIME_FILES.map((f) => `COPY ${f.context} ${f.image}`),
    'ENV NODE_ENV=production',
    `EXPOSE ${CONTAINER_PORT}`,
    `USER ${CONTAINER_UID}:${CONTAINER_UID}`,
    `HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ${execForm(['node', '-e', ping])}`,
    `LABEL ${labels.map(([k, v]) => `${k}=${quoteLabelValue(v)}`).join(' \\\n      ')}`,
    `ENTRYPOINT ${execForm(['node', RUNTIME_FILES[0].image, RUNTIME_FILES[1].image])}`,
    `CMD ${execForm(['--host', '0.0.0.0', '--port', String(CONTAINER_PORT)])}`,
    '',
  ].join('\n');
}

/** One instruction of a Dockerfile. */
export interface DockerfileInstruction {
  /** Upper-case keyword, e.g. `COPY`. */
  readonly keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  readonly args: string;
  /** 1-based line where it starts. */
  readonly line: number;
}

/**
 * Splits a Dockerfile into instructions: comments and blank lines dropped,
 * backslash continuations joined. Enough for the Dockerfiles RunLens
 * writes (no heredocs, no custom escape directive).
 */
export function parseDockerfile(text: string): DockerfileInstruction[] {
  const out: DockerfileInstruction[] = [];
  const lines = text.split(/\r?\n/);
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, i) => {
    if (pending === undefined && (/^\s*#/.test(raw) || raw.trim() === '')) return;
    if (pending !== undefined && /^\s*#/.test(raw)) return;
    const continued = /\\\s*$/.test(raw);
    const piece = continued ? raw.replace(/\\\s*$/, '') : raw;
    pending = pending ? { text: `${pending.text} ${piece.trim()}`, line: pending.line } : { text: piece.trim(), line: i + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/.exec(pending.text)!;
      out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, line: pending.line });
      pending = undefined;
    }
  });
  return out;
}

/** LABEL arguments as key → value (double-quoted values unescaped). */
export function parseLabels(args: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (let m = re.exec(args); m; m = re.exec(args)) labels[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
  return labels;
}
