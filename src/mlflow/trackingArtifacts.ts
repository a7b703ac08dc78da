import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http/httpErrors';
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

/** Characters a stored artifact name may not hold: they would break the download's headers or a file name on disk. */
const CONTROL_CHAR = /[\u0000-\u001f\u007f]/;
const CONTROL_NAMES: Readonly<Record<string, string>> = { '\0': 'NUL', '\n': 'LF', '\r': 'CR', '\t': 'TAB' };

/** `U+000A (LF)`: how an error names a control character. */
function describeChar(c: string): string {
  const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return CONTROL_NAMES[c] ? `${code} (${CONTROL_NAMES[c]})` : code;
}

/** The path part of an artifacts URL, percent-decoded; a malformed escape (`%ff`, `%E0%A4%A`) is the client's 400, naming the path. */
function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidParam(`artifact path "${raw}" is not valid percent-encoding (each %XX must spell UTF-8)`);
  }
}

/** A path quoted for a one-line message: control characters escaped, as JSON writes them. */
function shown(p: string): string {
  return JSON.stringify(p);
}

/** `<experiment id>/<run id>/artifacts[/<path>]`, the layout of the artifact_uri runs/create returns. */
function parseTarget(p: string, findRun: (id: string) => RunRecord): ArtifactTarget {
  const m = /^([^/]+)\/([^/]+)\/artifacts(?:\/(.*))?$/s.exec(p);
  if (!m) throw invalidParam(`artifact path ${shown(p)} is not <experiment id>/<run id>/artifacts/<path>`);
  const rest = (m[3] ?? '').replace(/\/+$/, '');
  if (/^[/\\]|^[a-zA-Z]:/.test(rest)) throw invalidParam(`artifact path ${shown(p)} is absolute; give a path relative to the run's artifacts/`);
  // Backslashes count as separators: the store reads them so.
  if (rest.split(/[/\\]/).some((s) => s === '.' || s === '..')) {
    throw invalidParam(`artifact path ${shown(p)} has a "." or ".." segment; give a path inside the run's artifacts/ without them`);
  }
  const run = findRun(m[2]!);
  return { run, rel: rest === '' ? '' : normalizeArtifactPath(rest) };
}

/** Streams an upload to a temp file (artifacts can be large), then stores it content-addressed. */
async function upload(store: RunStore, req: IncomingMessage, t: ArtifactTarget): Promise<Json> {
  if (t.rel === '') throw invalidParam('an artifact upload needs a file path after artifacts/');
  const bad = CONTROL_CHAR.exec(t.rel);
  if (bad) throw invalidParam(`artifact path ${shown(t.rel)} contains ${describeChar(bad[0])}; artifact names cannot hold control characters`);
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
  if (!a) throw new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', `run ${t.run.id} has no artifact ${shown(t.rel)}`);
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': a.size, 'Content-Disposition': contentDisposition(path.posix.basename(a.path)) });
  fs.createReadStream(store.artifactPath(a.sha256)).pipe(res);
}

/**
 * `attachment` with the file name as RFC 6266 has it: an ASCII fallback in
 * `filename` and the real (UTF-8, percent-encoded) name in `filename*`. A raw
 * non-Latin-1 or control character is not allowed in a header and would fail
 * the download.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return fallback === name ? `attachment; filename="${name}"` : `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
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
  const target = parseTarget(decodePath(url.pathname.slice(ARTIFACTS_PREFIX.length + 1)), findRun);
  if (method === 'PUT') return upload(store, req, target);
  if (method === 'GET') {
    download(store, res, target);
    return undefined;
  }
  throw new HttpError(405, 'BAD_REQUEST', `${method} is not allowed on artifacts; use PUT to upload or GET to download`, {}, { Allow: 'GET, PUT' });
}
