import fs from 'node:fs';
import { parseModelPackage } from '../core/package/modelPackage';
import { HttpError } from '../http/httpErrors';
import { RUN_ID_RE } from '../store/ids';
import { MODEL_STAGES } from '../store/mlflowModelRepo';
import type { RunStore } from '../store/runStore';
import type { ModelRecord, ModelVersionRecord } from '../store/types';
import type { Json } from './restShapes';
import { decodeOffset, encodeOffset, invalidParam, optionalArray, optionalInt, optionalString, requiredString } from './restShapes';
import { modelVersionJson, registeredModelJson, versionSource } from './registryJson';
import type { SimpleClause } from './simpleFilter';
import { clauseHolds, parseSimpleFilter } from './simpleFilter';
import type { Endpoint } from './trackingApi';

const MAX_REGISTRY_RESULTS = 1000;

function notFound(message: string): HttpError {
  return new HttpError(404, 'RESOURCE_DOES_NOT_EXIST', message);
}

function versionNumber(r: Json): number {
  const text = requiredString(r, 'version');
  if (!/^\d+$/.test(text.trim())) throw invalidParam(`Parameter 'version' must be an integer, got '${text}'.`);
  return Number(text);
}

function stringList(v: unknown): string[] {
  return v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

const VERSION_ORDER_KEYS: Readonly<Record<string, (v: ModelVersionRecord) => string | number>> = {
  name: (v) => v.name,
  version_number: (v) => v.version,
  creation_timestamp: (v) => v.createdAt,
  last_updated_timestamp: (v) => v.updatedAt ?? v.createdAt,
};

/**
 * MLflow's order of model versions: the given keys (default last update
 * newest first), then name ascending and version descending unless given.
 */
function versionOrder(order: readonly string[]): (a: ModelVersionRecord, b: ModelVersionRecord) => number {
  const keys = (order.length ? order : ['last_updated_timestamp DESC']).map((o) => {
    const m = /^\s*(?:attributes?\.)?(\w+)\s*(ASC|DESC)?\s*$/i.exec(o);
    const get = m ? VERSION_ORDER_KEYS[m[1]!.toLowerCase()] : undefined;
    if (!m || !get) throw invalidParam(`Invalid order by key '${o}' specified. Valid keys are ${Object.keys(VERSION_ORDER_KEYS).join(', ')}`);
    return { name: m[1]!.toLowerCase(), get, sign: m[2]?.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  if (!keys.some((k) => k.name === 'name')) keys.push({ name: 'name', get: VERSION_ORDER_KEYS.name!, sign: 1 });
  if (!keys.some((k) => k.name === 'version_number')) keys.push({ name: 'version_number', get: VERSION_ORDER_KEYS.version_number!, sign: -1 });
  return (a, b) => {
    for (const k of keys) {
      const x = k.get(a);
      const y = k.get(b);
      if (x !== y) return (x < y ? -1 : 1) * k.sign;
    }
    return 0;
  };
}

/** The run and the artifact folder a source URI names, when it names one of this server's runs. */
export function sourceLocation(source: string): { runId: string; folder: string } | undefined {
  const m = /^runs:\/\/?([0-9a-f]{32})(?:\/(.*))?$/.exec(source) ?? /^mlflow-artifacts:\/\/?[^/]+\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/.exec(source);
  if (!m) return undefined;
  return { runId: m[1]!, folder: (m[2] ?? '').replace(/\/+$/, '') };
}

/**
 * `registered-models/*` and `model-versions/*`, over the RunLens registry.
 * A version created from an MLflow source is a RunLens package when its
 * folder holds a `model.json` RunLens can read (then `runlens serve` serves
 * it); otherwise it is recorded as an MLflow model (package format
 * `mlflow`) with its `MLmodel` file, which RunLens lists but cannot serve.
 */
export class RegistryApi {
  readonly endpoints: Readonly<Record<string, Endpoint>>;

  constructor(private readonly store: RunStore) {
    const GET = ['GET'];
    const READ = ['GET', 'POST'];
    const POST = ['POST'];
    this.endpoints = {
      'registered-models/create': { methods: POST, handle: (r) => this.createModel(r) },
      'registered-models/get': { methods: GET, handle: (r) => ({ registered_model: registeredModelJson(this.store, this.model(requiredString(r, 'name'))) }) },
      'registered-models/update': { methods: ['PATCH'], handle: (r) => this.updateModel(r) },
      'registered-models/delete': { methods: ['DELETE'], handle: (r) => this.deleteModel(r) },
      'registered-models/search': { methods: GET, handle: (r) => this.searchModels(r) },
      'registered-models/get-latest-versions': { methods: READ, handle: (r) => this.latestVersions(r) },
      'registered-models/set-tag': { methods: POST, handle: (r) => this.setModelTag(r, true) },
      'registered-models/delete-tag': { methods: ['DELETE'], handle: (r) => this.setModelTag(r, false) },
      'registered-models/alias': { methods: ['GET', 'POST', 'DELETE'], handle: (r, method) => this.alias(r, method) },
      'model-versions/create': { methods: POST, handle: (r) => this.createVersion(r) },
      'model-versions/get': { methods: GET, handle: (r) => ({ model_version: modelVersionJson(this.store, this.version(r)) }) },
      'model-versions/update': { methods: ['PATCH'], handle: (r) => this.updateVersion(r) },
      'model-versions/delete': { methods: ['DELETE'], handle: (r) => this.deleteVersion(r) },
      'model-versions/search': { methods: GET, handle: (r) => this.searchVersions(r) },
      'model-versions/transition-stage': { methods: POST, handle: (r) => this.transition(r) },
      'model-versions/get-download-uri': { methods: GET, handle: (r) => ({ artifact_uri: versionSource(this.store, this.version(r)) }) },
      'model-versions/set-tag': { methods: POST, handle: (r) => this.setVersionTag(r, true) },
      'model-versions/delete-tag': { methods: ['DELETE'], handle: (r) => this.setVersionTag(r, false) },
    };
  }

  private model(name: string): ModelRecord {
    const m = this.store.registry.findModel(name);
    if (!m) throw notFound(`Registered Model with name=${name} not found`);
    return m;
  }

  private version(r: Json): ModelVersionRecord {
    const name = requiredString(r, 'name');
    const version = versionNumber(r);
    this.model(name);
    const v = this.store.registry.listModelVersions(name).find((x) => x.version === version);
    if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return v;
  }

  private tagsOf(r: Json): Record<string, string> {
    return Object.fromEntries(optionalArray(r, 'tags').map((t) => [requiredString(t, 'key'), optionalString(t, 'value') ?? '']));
  }

  private createModel(r: Json): Json {
    const name = requiredString(r, 'name');
    const m = this.store.transaction(() => {
      if (this.store.registry.findModel(name)) throw new HttpError(400, 'RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
      return this.store.registry.createModel(name, { description: optionalString(r, 'description') ?? null, tags: this.tagsOf(r) });
    });
    return { registered_model: registeredModelJson(this.store, m) };
  }

  private updateModel(r: Json): Json {
    const name = requiredString(r, 'name');
    this.model(name);
    const description = optionalString(r, 'description');
    const m = description === undefined ? this.model(name) : this.store.registry.updateModel(name, { description });
    return { registered_model: registeredModelJson(this.store, m) };
  }

  private deleteModel(r: Json): Json {
    const name = requiredString(r, 'name');
    this.model(name);
    this.store.registry.deleteModelWithVersions(name);
    return {};
  }

  private setModelTag(r: Json, set: boolean): Json {
    const name = requiredString(r, 'name');
    const key = requiredString(r, 'key');
    const m = this.model(name);
    if (!set && m.tags[key] === undefined) throw notFound(`No tag with name: ${key} in registered model ${name}`);
    this.store.registry.updateModel(name, { tags: { [key]: set ? optionalString(r, 'value') ?? '' : null } });
    return {};
  }

  private searchModels(r: Json): Json {
    const clauses = parseSimpleFilter(optionalString(r, 'filter'));
    for (const c of clauses) if (c.entity === 'attribute' && c.key !== 'name') throw invalidParam(`Invalid attribute name: ${c.key}`);
    const models = this.store.registry
      .listModels()
      .filter((m) => clauses.every((c) => clauseHolds(c, c.entity === 'tag' ? m.tags[c.key] : m.name)));
    return this.page(r, models.map((m) => registeredModelJson(this.store, m)), 'registered_models');
  }

  /** One page of a search: `max_results` (MLflow's default and limit per search) and an offset page token. */
  private page(r: Json, items: Json[], field: string, defaultMax = 100, limit = MAX_REGISTRY_RESULTS): Json {
    const max = optionalInt(r, 'max_results') ?? defaultMax;
    if (max < 1 || max > limit) throw invalidParam(`Invalid value for request parameter max_results. It must be at most ${limit}, but got value ${max}`);
    const token = optionalString(r, 'page_token');
    const offset = token ? decodeOffset(token) : 0;
    const body: Json = { [field]: items.slice(offset, offset + max) };
    if (offset + max < items.length) body.next_page_token = encodeOffset(offset + max);
    return body;
  }

  private latestVersions(r: Json): Json {
    const m = this.model(requiredString(r, 'name'));
    const raw = r.stages === undefined ? [] : Array.isArray(r.stages) ? r.stages : [r.stages];
    const stages = raw.map((s) => {
      const canonical = MODEL_STAGES.find((x) => x.toLowerCase() === String(s).toLowerCase());
      if (!canonical) throw invalidParam(`Invalid Model Version stage: ${String(s)}. Value must be one of ${MODEL_STAGES.join(', ')}.`);
      return canonical;
    });
    const latest = (registeredModelJson(this.store, m).latest_versions ?? []) as Json[];
    return { model_versions: latest.filter((v) => stages.length === 0 || stages.includes(v.current_stage as (typeof MODEL_STAGES)[number])) };
  }

  private alias(r: Json, method: string): Json {
    const name = requiredString(r, 'name');
    const alias = requiredString(r, 'alias');
    this.model(name);
    if (method === 'GET') {
      const m = this.model(name);
      if (m.aliases[alias] === undefined) throw invalidParam(`Registered model alias ${alias} not found.`);
      return { model_version: modelVersionJson(this.store, this.store.registry.getModelVersionByAlias(name, alias)) };
    }
    if (method === 'POST') {
      const v = this.version(r);
      this.store.registry.setModelAlias(name, v.version, alias);
    } else if (this.model(name).aliases[alias] !== undefined) {
      // MLflow's delete of an alias that is not set is a no-op.
      this.store.registry.deleteModelAlias(name, alias);
    }
    return {};
  }

  /** A version from a source URI; the package is found in this store when the URI names one of its runs. */
  private createVersion(r: Json): Json {
    const name = requiredString(r, 'name');
    const source = requiredString(r, 'source');
    const runIdText = optionalString(r, 'run_id') || undefined;
    if (runIdText !== undefined && !RUN_ID_RE.test(runIdText)) throw invalidParam(`Invalid run ID: '${runIdText}'`);
    this.model(name);
    const v = this.store.transaction(() => {
      const pkg = this.packageOf(source, runIdText);
      return this.store.registry.registerSourceVersion(name, {
        runId: runIdText ?? pkg.runId ?? null, source, packageFormat: pkg.format, packageSha256: pkg.sha256,
        description: optionalString(r, 'description') ?? null, tags: this.tagsOf(r),
      });
    });
    return { model_version: modelVersionJson(this.store, v) };
  }

  private packageOf(source: string, runId: string | undefined): { format: 'runlens' | 'mlflow'; sha256: string; runId?: string } {
    const loc = sourceLocation(source);
    const run = loc && this.store.findRun(loc.runId)?.id === loc.runId ? loc : undefined;
    if (run && (runId === undefined || runId === run.runId)) {
      const prefix = run.folder === '' ? '' : `${run.folder}/`;
      const artifacts = this.store.listArtifacts(run.runId);
      const pkg = artifacts.find((a) => a.path === `${prefix}model.json`);
      if (pkg && this.isRunlensPackage(pkg.sha256)) return { format: 'runlens', sha256: pkg.sha256, runId: run.runId };
      const mlmodel = artifacts.find((a) => a.path === `${prefix}MLmodel`);
      if (mlmodel) return { format: 'mlflow', sha256: mlmodel.sha256, runId: run.runId };
    }
    // Nothing of it is in this store: the blob is the source URI itself, so the version still points at something.
    return { format: 'mlflow', sha256: this.store.registry.putBlob(`${source}\n`) };
  }

  private isRunlensPackage(sha256: string): boolean {
    try {
      parseModelPackage(fs.readFileSync(this.store.artifactPath(sha256), 'utf8'), 'model.json');
      return true;
    } catch {
      return false;
    }
  }

  private updateVersion(r: Json): Json {
    const v = this.version(r);
    const description = optionalString(r, 'description');
    const updated = description === undefined ? v : this.store.registry.setModelVersionDescription(v.name, v.version, description);
    return { model_version: modelVersionJson(this.store, updated) };
  }

  private deleteVersion(r: Json): Json {
    const v = this.version(r);
    this.store.registry.deleteModelVersion(v.name, v.version);
    return {};
  }

  private transition(r: Json): Json {
    const v = this.version(r);
    const stage = requiredString(r, 'stage');
    const archive = r.archive_existing_versions === true || r.archive_existing_versions === 'true';
    const canonical = MODEL_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
    if (!canonical) throw invalidParam(`Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_STAGES.join(', ')}.`);
    if (archive && canonical !== 'Staging' && canonical !== 'Production') {
      throw invalidParam(`Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`);
    }
    return { model_version: modelVersionJson(this.store, this.store.registry.setModelVersionStage(v.name, v.version, canonical, archive)) };
  }

  private setVersionTag(r: Json, set: boolean): Json {
    const v = this.version(r);
    const key = requiredString(r, 'key');
    if (!set && v.tags[key] === undefined) throw notFound(`No tag with name: ${key} in model version ${v.name} ${v.version}`);
    this.store.registry.setModelVersionTags(v.name, v.version, { [key]: set ? optionalString(r, 'value') ?? '' : null });
    return {};
  }

  private searchVersions(r: Json): Json {
    const clauses = parseSimpleFilter(optionalString(r, 'filter'));
    const attribute = (c: SimpleClause, v: ModelVersionRecord): string | number | undefined => {
      switch (c.key) {
        case 'name':
          return v.name;
        case 'run_id':
          return v.runId;
        case 'source_path':
          return versionSource(this.store, v);
        case 'version_number':
          return v.version;
        default:
          throw invalidParam(`Invalid attribute name: ${c.key}`);
      }
    };
    const versions = this.store.registry
      .listModels()
      .flatMap((m) => this.store.registry.listModelVersions(m.name))
      .filter((v) => clauses.every((c) => clauseHolds(c, c.entity === 'tag' ? v.tags[c.key] : attribute(c, v))));
    versions.sort(versionOrder(stringList(r.order_by)));
    return this.page(r, versions.map((v) => modelVersionJson(this.store, v)), 'model_versions', 10_000, 200_000);
  }
}
