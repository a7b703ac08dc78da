/**
 * MLflow's REST records as they arrive (protobuf JSON), read defensively:
 * int64 fields may come as numbers or strings, doubles as "NaN"/"Infinity",
 * and empty lists are left out.
 */
export interface WireKeyValue {
  readonly key: string;
  readonly value: string;
}

export interface WireMetric {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface WireExperiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: string;
  readonly creationTime: number | null;
  readonly lastUpdateTime: number | null;
  readonly tags: Readonly<Record<string, string>>;
}

export interface WireRunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly userId: string;
  /** RUNNING | SCHEDULED | FINISHED | FAILED | KILLED */
  readonly status: string;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: string;
}

export interface WireDatasetInput {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema: string | null;
  readonly profile: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export interface WireRun {
  readonly info: WireRunInfo;
  /** Latest value per key. */
  readonly metrics: readonly WireMetric[];
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly inputs: readonly WireDatasetInput[];
}

export interface WireFileInfo {
  readonly path: string;
  readonly isDir: boolean;
  readonly fileSize: number | null;
}

export interface WireModelVersion {
  readonly name: string;
  readonly version: string;
  readonly runId: string;
  readonly source: string;
  readonly status: string;
  readonly aliases: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string;
}

export interface WireRegisteredModel {
  readonly name: string;
  readonly description: string;
  readonly aliases: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

type J = Record<string, unknown>;

function obj(v: unknown): J {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : {};
}

function list(v: unknown): J[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** A double in protobuf JSON: a number, or "NaN"/"Infinity"/"-Infinity"/a numeric string. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return NaN;
}

/** An int64 that may be absent (null) or a string. */
function int(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = num(v);
  return Number.isFinite(n) ? n : null;
}

export function keyValues(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list(v)) out[str(kv.key)] = str(kv.value);
  return out;
}

export function parseMetric(m: unknown): WireMetric {
  const o = obj(m);
  return { key: str(o.key), value: num(o.value), timestamp: int(o.timestamp) ?? 0, step: int(o.step) ?? 0 };
}

export function parseExperiment(e: unknown): WireExperiment {
  const o = obj(e);
  return {
    experimentId: str(o.experiment_id),
    name: str(o.name),
    artifactLocation: str(o.artifact_location),
    lifecycleStage: str(o.lifecycle_stage) || 'active',
    creationTime: int(o.creation_time),
    lastUpdateTime: int(o.last_update_time),
    tags: keyValues(o.tags),
  };
}

export function parseRunInfo(i: unknown): WireRunInfo {
  const o = obj(i);
  return {
    runId: str(o.run_id) || str(o.run_uuid),
    experimentId: str(o.experiment_id),
    runName: str(o.run_name),
    userId: str(o.user_id),
    status: str(o.status) || 'RUNNING',
    startTime: int(o.start_time),
    endTime: int(o.end_time),
    artifactUri: str(o.artifact_uri),
    lifecycleStage: str(o.lifecycle_stage) || 'active',
  };
}

export function parseRun(r: unknown): WireRun {
  const o = obj(r);
  const data = obj(o.data);
  const inputs = list(obj(o.inputs).dataset_inputs).map((di) => {
    const d = obj(di.dataset);
    return {
      name: str(d.name),
      digest: str(d.digest),
      sourceType: str(d.source_type),
      source: str(d.source),
      schema: typeof d.schema === 'string' ? d.schema : null,
      profile: typeof d.profile === 'string' ? d.profile : null,
      tags: keyValues(di.tags),
    };
  });
  return { info: parseRunInfo(o.info), metrics: list(data.metrics).map(parseMetric), params: keyValues(data.params), tags: keyValues(data.tags), inputs };
}

export function parseFileInfo(f: unknown): WireFileInfo {
  const o = obj(f);
  return { path: str(o.path), isDir: o.is_dir === true, fileSize: int(o.file_size) };
}

export function parseModelVersion(v: unknown): WireModelVersion {
  const o = obj(v);
  return {
    name: str(o.name),
    version: str(o.version),
    runId: str(o.run_id),
    source: str(o.source),
    status: str(o.status),
    aliases: Array.isArray(o.aliases) ? o.aliases.map(str) : [],
    tags: keyValues(o.tags),
    description: str(o.description),
  };
}

export function parseRegisteredModel(m: unknown): WireRegisteredModel {
  const o = obj(m);
  const aliases: Record<string, string> = {};
  for (const a of list(o.aliases)) aliases[str(a.alias)] = str(a.version);
  return { name: str(o.name), description: str(o.description), aliases, tags: keyValues(o.tags) };
}

export function field(v: unknown, name: string): unknown {
  return obj(v)[name];
}

export function listField(v: unknown, name: string): unknown[] {
  const f = obj(v)[name];
  return Array.isArray(f) ? f : [];
}
