import { Preprocessor } from '../../core/data/preprocessor';
import type { PreprocessorJSON } from '../../core/data/preprocessor';
import type { ResolvedModel } from '../registry/resolveModel';
import { shellQuote } from '../../core/util/shellQuote';
import { CONTAINER_PORT } from './dockerfile';

/**
 * One typical input row of the model, from its fitted preprocessing: the
 * value that fills a missing cell (the training median or most frequent
 * category). Used for the README's curl examples, so they work as written.
 */
export function exampleRecord(pkg: ResolvedModel['pkg']): Record<string, string | number> {
  const { specs } = Preprocessor.fromJSON(pkg.preprocessor as PreprocessorJSON).state;
  const out: Record<string, string | number> = {};
  for (const s of specs) {
    if (s.kind === 'numeric' || s.kind === 'boolean') out[s.column] = Number.isFinite(s.fill) ? Number(s.fill.toPrecision(6)) : 0;
    else out[s.column] = s.fill ?? s.categories[0] ?? '';
  }
  return out;
}

/** The README of a build context: how to build, run and call the image. */
export function renderContextReadme(input: { readonly model: ResolvedModel; readonly tag: string; readonly baseImage: string; readonly dir: string }): string {
  const { model, tag } = input;
  const title = model.name !== null ? `${model.name}${model.version !== null ? ` version ${model.version}` : ''}` : `run ${model.runId}`;
  const row = exampleRecord(model.pkg);
  const columns = Object.keys(row);
  const split = JSON.stringify({ dataframe_split: { columns, data: [columns.map((c) => row[c])] } });
  const records = JSON.stringify({ dataframe_records: [row] });
  const csv = `${columns.join(',')}\n${columns.map((c) => String(row[c])).join(',')}`;
  const t = shellQuote(tag);
  return [
    `# Model image: ${title}`,
    '',
    `Written by RunLens from run \`${model.runId}\`${model.gitCommit ? ` (git commit \`${model.gitCommit}\`${model.gitDirty ? ', with uncommitted changes' : ''})` : ''}:`,
    `a ${model.pkg.task} model of \`${model.pkg.target}\` (${model.pkg.model.type}) served over HTTP with MLflow's scoring protocol.`,
    '',
    'Contents: `Dockerfile`, `model/model.json` (the model package: the fitted preprocessing and model),',
    '`server/serve.js` (the RunLens model server, one self-contained file), `.dockerignore`, `build.json`',
    '(what was built, from which run and commit).',
    '',
    '## Build',
    '',
    'Run one of these in this folder:',
    '',
    '```sh',
    `docker build -t ${t} .`,
    `podman build --format docker -t ${t} .`,
    `buildah build --format docker -t ${t} .`,
    '```',
    '',
    `The base image is \`${input.baseImage}\` (any image with \`node\` 20 or later on the PATH works: \`--base\` of \`runlens build\`).`,
    '`--format docker` keeps the HEALTHCHECK, which the OCI image format has no field for.',
    '',
    '## Run',
    '',
    '```sh',
    `docker run --rm -p 127.0.0.1:${CONTAINER_PORT}:${CONTAINER_PORT} ${t}`,
    '```',
    '',
    `Inside the container the server listens on all interfaces on port ${CONTAINER_PORT}; choose the host side with \`-p\``,
    `(\`-p 127.0.0.1:9000:${CONTAINER_PORT}\` keeps it on this machine). It runs as user ${'10001'}, not root, and stops`,
    'gracefully on SIGTERM (`docker stop`). Its files are read-only to it: to keep a request log, mount a writable',
    `volume and pass \`--request-log /logs/requests.jsonl\` with the other options. Server options go after the image name, e.g.`,
    `\`docker run ${t} --host 0.0.0.0 --port ${CONTAINER_PORT} --max-body-bytes 10000000\`.`,
    '',
    '## Endpoints',
    '',
    '| Method | Path | |',
    '|---|---|---|',
    '| POST | `/invocations` | predictions: `dataframe_split`, `dataframe_records`, `instances`/`inputs` JSON or a `text/csv` body |',
    '| GET | `/ping` | 200 once the model is loaded (the image\'s HEALTHCHECK calls it) |',
    '| GET | `/health` | the same, with details |',
    '| GET | `/metrics` | Prometheus text: requests, latency, predictions, input statistics |',
    '',
    `Input columns: ${model.pkg.inputColumns.map((c) => `\`${c}\``).join(', ')}.`,
    '',
    '## Examples',
    '',
    '```sh',
    `curl -s http://127.0.0.1:${CONTAINER_PORT}/ping`,
    `curl -s -H 'content-type: application/json' -d ${shellQuote(split)} http://127.0.0.1:${CONTAINER_PORT}/invocations`,
    `curl -s -H 'content-type: application/json' -d ${shellQuote(records)} http://127.0.0.1:${CONTAINER_PORT}/invocations`,
    `curl -s -H 'content-type: text/csv' --data-binary ${shellQuote(csv)} http://127.0.0.1:${CONTAINER_PORT}/invocations`,
    '```',
    '',
    'Without a container: `node server/serve.js model/model.json --port 8080` (binds 127.0.0.1 unless `--host` says otherwise).',
    '',
  ].join('\n');
}
