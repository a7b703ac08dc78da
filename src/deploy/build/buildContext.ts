/**
 * The build context of a model image: a folder that any container CLI can
 * build on any machine, holding only what the image needs plus a README and
 * a record of what it was made from.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RUNLENS_VERSION } from '../../core/version';
import { runGitSync } from '../../git/gitCommand';
import { UserError } from '../../core/util/errors';
import type { ResolvedModel } from '../registry/resolveModel';
import { renderContextReadme } from './contextReadme';
import { DEFAULT_BASE_IMAGE, RUNTIME_FILES, renderDockerfile } from './dockerfile';
import { defaultImageTag, parseImageReference, repositoryName } from '../../protocol/imageReference';

export interface BuildContextOptions {
  /** Folder holding every build context, normally `.runlens/builds`. */
  readonly buildsDir: string;
  /** Image tag; default `runlens/<model>:<version>`. Checked against the reference grammar. */
  readonly tag?: string;
  /** Base image; default `node:20-bookworm-slim`. */
  readonly baseImage?: string;
  /** The bundled server (`dist/serve.js`); default: found beside the running code. */
  readonly serverBundle?: string;
  /** The workspace (for the git remote in the source label); default none. */
  readonly workspaceDir?: string;
  /** Clock, for `created`; default now. */
  readonly now?: () => Date;
}

/** What `build.json` records. */
export interface BuildManifest {
  readonly model: string | null;
  readonly version: number | null;
  readonly runId: string;
  readonly tag: string;
  readonly baseImage: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly source: string | null;
  readonly created: string;
  readonly runlensVersion: string;
  readonly files: { readonly path: string; readonly bytes: number; readonly sha256: string }[];
}

export interface BuildContext {
  /** Absolute path of the context folder. */
  readonly dir: string;
  readonly dockerfile: string;
  readonly tag: string;
  readonly baseImage: string;
  readonly manifest: BuildManifest;
  /** Total bytes of the files the image gets. */
  readonly runtimeBytes: number;
}

/** The folder name: `<model>-<version>`, or the run id for an unregistered run. */
export function contextFolderName(model: Pick<ResolvedModel, 'name' | 'version' | 'runId'>): string {
  return model.name !== null && model.version !== null ? `${repositoryName(model.name)}-${model.version}` : repositoryName(model.runId);
}

/**
 * The bundled model server to ship: `serve.js` beside the running bundle
 * (dist/cli.js, dist/extension.js), else the repository's dist/ (tsx, tests).
 */
export function findServerBundle(): string {
  const candidates = [join(__dirname, 'serve.js'), resolve(__dirname, '..', '..', '..', 'dist', 'serve.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new UserError(`the bundled model server is missing (looked for ${candidates.join(' and ')}); run \`npm run build\` first`);
  return found;
}

/** The workspace's `origin` remote as a browsable URL without credentials, or null. */
export function gitSourceUrl(dir: string): string | null {
  let r;
  try {
    r = runGitSync(dir, ['remote', 'get-url', 'origin'], { timeoutMs: 5000 });
  } catch {
    return null; // git missing, or no such folder
  }
  if (r.code !== 0 || !r.stdout.trim()) return null;
  const url = r.stdout.trim();
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(url);
    // A token in the remote URL must not end up in an image label.
    u.username = '';
    u.password = '';
    return u.toString().replace(/\.git$/, '');
  } catch {
    return null;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes the build context of a resolved model under `buildsDir`
 * (`<model>-<version>/`, or `<runId>/`), replacing an older one whole:
 * Dockerfile, model/model.json, server/serve.js, .dockerignore, README.md,
 * build.json. Throws a UserError for a bad tag or base image.
 */
export function writeBuildContext(model: ResolvedModel, options: BuildContextOptions): BuildContext {
  const tag = options.tag ?? defaultImageTag(model);
  parseImageReference(tag);
  const baseImage = options.baseImage ?? DEFAULT_BASE_IMAGE;
  parseImageReference(baseImage, { allowDigest: true });
  const server = options.serverBundle ?? findServerBundle();
  if (!existsSync(server)) throw new UserError(`the bundled model server ${server} does not exist`);
  if (!existsSync(model.packagePath)) throw new UserError(`the model package ${model.packagePath} does not exist`);

  const dir = resolve(options.buildsDir, contextFolderName(model));
  // Written beside the final folder, then swapped in: a half-written context is never left behind.
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const files = RUNTIME_FILES.map((f) => {
      const target = join(staging, f.context);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(f.context === 'model/model.json' ? model.packagePath : server, target);
      const bytes = readFileSync(target);
      return { path: f.context, bytes: bytes.length, sha256: sha256(bytes) };
    });
    const created = (options.now?.() ?? new Date()).toISOString();
    const source = options.workspaceDir ? gitSourceUrl(options.workspaceDir) : null;
    const title = model.name !== null ? model.name : `run ${model.runId}`;
    const version = model.version !== null ? String(model.version) : null;
    const manifest: BuildManifest = {
      model: model.name, version: model.version, runId: model.runId, tag, baseImage,
      gitCommit: model.gitCommit, gitDirty: model.gitDirty, source, created, runlensVersion: RUNLENS_VERSION, files,
    };
    const dockerfile = renderDockerfile({
      baseImage,
      description: `Model image for ${title}${version ? ` version ${version}` : ''} (run ${model.runId}): ${model.pkg.task}, ${model.pkg.model.type}`,
      labels: {
        'org.opencontainers.image.title': title,
        'org.opencontainers.image.description': `RunLens model server: ${model.pkg.task} of ${model.pkg.target} with ${model.pkg.model.type}`,
        'org.opencontainers.image.version': version ?? model.runId,
        'org.opencontainers.image.revision': model.gitCommit,
        'org.opencontainers.image.created': created,
        'org.opencontainers.image.source': source,
        'runlens.model.name': model.name,
        'runlens.model.version': version,
        'runlens.run.id': model.runId,
        'runlens.git.commit': model.gitCommit,
        'runlens.git.dirty': model.gitDirty === null ? null : String(model.gitDirty),
        'runlens.version': RUNLENS_VERSION,
      },
    });
    writeFileSync(join(staging, 'Dockerfile'), dockerfile);
    // Everything but the runtime files stays out of what is sent to the builder.
    writeFileSync(join(staging, '.dockerignore'), ['*', ...RUNTIME_FILES.map((f) => `!${f.context}`), ''].join('\n'));
    writeFileSync(join(staging, 'README.md'), renderContextReadme({ model, tag, baseImage, dir }));
    writeFileSync(join(staging, 'build.json'), JSON.stringify(manifest, null, 2) + '\n');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
    return { dir, dockerfile: join(dir, 'Dockerfile'), tag, baseImage, manifest, runtimeBytes: files.reduce((s, f) => s + f.bytes, 0) };
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Total size in bytes of the files under a context folder (the bench's "context size"). */
export function contextBytes(dir: string, files: readonly string[] = RUNTIME_FILES.map((f) => f.context)): number {
  return files.reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}
