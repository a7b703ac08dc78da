import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../deploy/serve/httpErrors';
import { normalizeArtifactPath } from '../store/artifactStore';
import type { RunStore } from '../store/runStore';
import type { RunRecord } from '../store/types';
import type { Json } from './restShapes';
import { invalidParam } from './restShapes';

/** Where the MLflow client sends artifacts for an `mlflow-artifacts:` URI (`mlflow server --serve-artifacts`). */
export const ARTIFACTS_PREFIX = '/api/2.0/mlflow-artifacts/artifacts';

interface ArtifactTarget {
  readonly run: RunRecord;
  /** Path inside the run ('' for the root). */
  readonly rel: string;
}

/** `<experiment id>/<run id>/artifacts[/<path>]`, the layout of the artifact_uri runs/create returns. */
function parseTarget(p: string, findRun: (id: string) => RunRecord): ArtifactTarget {
  const parts = p.split('/').filter((s) => s !== '');
  if (parts.length < 3 || parts[2] !== 'artifacts') {
    throw invalidParam(`artifact path "${p}" is not <experiment id>/<run id>/artifacts/<path>`);
  }
  const run = findRun(parts[1]!);
  const rest = parts.slice(3).join('/');
  return { run, rel: rest === '' ? '' : normalizeArtifactPath(rest) };
}

/** Streams an upload to a temp file (artifacts can be large), then stores it content-addressed. */
async function upload(store: RunStore, req: IncomingMessage, t: ArtifactTarget): Promise<Json> {
  if (t.rel === '') throw invalidParam('an artifact upload needs a file path after artifacts/');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-upload-'));
  try {
    const tmp = path.join(dir, 'body');
    await pipeline(req, fs.createWriteStream(tmp));
    store.logArtifact(t.run.id, t.rel, { file: tmp });
    return {};
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function download(store: RunStore, res: ServerResponse, t: ArtifactTarget): void {
  const a = store.listArtifacts(t.run.id).find((x) => x.path === t.rel);
  if (!a) throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `run ${t.run.id} has no artifact "${t.rel}"`);
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': a.size, 'Content-Disposition': `attachment; filename="${path.posix.basename(a.path)}"` });
  fs.createReadStream(store.artifactPath(a.sha256)).pipe(res);
}

/** The direct children of a folder of the run's artifacts, as MLflow's ListArtifacts `files`. */
function list(store: RunStore, t: ArtifactTarget): Json {
  const prefix = t.rel === '' ? '' : `${t.rel}/`;
  const children = new Map<string, Json>();
  for (const a of store.listArtifacts(t.run.id)) {
    if (!a.path.startsWith(prefix)) continue;
    const rest = a.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    children.set(name, slash < 0 ? { path: name, is_dir: false, file_size: a.size } : { path: name, is_dir: true });
  }
  return { files: [...children.values()] };
}

/**
 * The artifact proxy endpoints `mlflow.log_artifact(s)` use when the run's
 * artifact_uri is `mlflow-artifacts:/…`: PUT uploads a file, GET downloads
 * one, GET on the prefix with `?path=` lists a folder. Returns undefined when
 * the response was streamed already.
 */
export async function handleArtifacts(
  store: RunStore, req: IncomingMessage, res: ServerResponse, url: URL, findRun: (id: string) => RunRecord,
): Promise<Json | undefined> {
  const method = req.method ?? '';
  if (url.pathname === ARTIFACTS_PREFIX || url.pathname === `${ARTIFACTS_PREFIX}/`) {
    if (method !== 'GET') throw new HttpError(405, 'BAD_REQUEST', `${method} is not allowed on ${ARTIFACTS_PREFIX}; use GET ?path=...`, {}, { Allow: 'GET' });
    return list(store, parseTarget(url.searchParams.get('path') ?? '', findRun));
  }
  const target = parseTarget(decodeURIComponent(url.pathname.slice(ARTIFACTS_PREFIX.length + 1)), findRun);
  if (method === 'PUT') return upload(store, req, target);
  if (method === 'GET') {
    download(store, res, target);
    return undefined;
  }
  throw new HttpError(405, 'BAD_REQUEST', `${method} is not allowed on artifacts; use PUT to upload or GET to download`, {}, { Allow: 'GET, PUT' });
}
