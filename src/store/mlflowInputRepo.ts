import { createHash } from 'node:crypto';
import type { Sql } from './connection';
import { StoreError, isForeignKeyError } from './errors';
import type { InputRole } from './types';

/** MLflow's dataset entity, as the client sends it in `runs/log-inputs`. */
export interface MlflowDataset {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  /** JSON text as MLflow sends it (e.g. `{"mlflow_colspec": [...]}`), or null. */
  readonly schema: string | null;
  /** JSON text (e.g. `{"num_rows": 150, "num_elements": 750}`), or null. */
  readonly profile: string | null;
}

/** A run's use of an MLflow dataset: the dataset and the input's tags (`mlflow.data.context`). */
export interface MlflowInput {
  readonly runId: string;
  /** The RunLens dataset version the MLflow dataset is recorded as. */
  readonly fingerprint: string;
  readonly dataset: MlflowDataset;
  readonly tags: Readonly<Record<string, string>>;
}

/** The input tag holding MLflow's dataset context (`training`, `eval`, …). */
export const CONTEXT_TAG = 'mlflow.data.context';

/**
 * The RunLens dataset version of an MLflow dataset: MLflow identifies a
 * dataset by name and digest (its own content hash), so the fingerprint is
 * a hash of those two (it can never equal a file's content sha256).
 */
export function mlflowDatasetFingerprint(name: string, digest: string): string {
  return createHash('sha256').update(JSON.stringify(['mlflow-dataset', name, digest])).digest('hex');
}

/** RunLens's input role for an MLflow context: train and test by their usual names, anything else eval. */
export function roleOfContext(context: string | undefined): InputRole {
  const c = (context ?? '').trim().toLowerCase();
  if (c === 'train' || c === 'training') return 'train';
  if (c === 'test' || c === 'testing') return 'test';
  return 'eval';
}

function parseJsonObject(text: string | null): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

interface InputRow {
  run_id: string;
  fingerprint: string;
  tags: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

/**
 * MLflow dataset inputs (schema 5), reached as `store.mlflowInputs`. Each
 * MLflow dataset is also a RunLens dataset version (path = the dataset's
 * name, rows from its profile, columns from its schema) and each input a
 * `run_inputs` row, so the Datasets view, `datasets.*` filters and model
 * lineage see them; MLflow's own fields and the input tags are kept beside.
 */
export class MlflowInputRepo {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
    private readonly assertWritable: () => void,
  ) {}

  /**
   * Records a run's dataset inputs. As MLflow's SQL store: the same (name,
   * digest) twice in one call is one input, and an input the run already
   * has keeps its tags.
   */
  log(runId: string, inputs: readonly { dataset: MlflowDataset; tags: Readonly<Record<string, string>> }[]): void {
    this.assertWritable();
    this.sql.write(() => {
      if (this.sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) throw new StoreError(`no run with id ${runId}`);
      const now = this.now();
      const seen = new Set<string>();
      for (const { dataset: d, tags } of inputs) {
        const fingerprint = mlflowDatasetFingerprint(d.name, d.digest);
        if (seen.has(fingerprint)) continue;
        seen.add(fingerprint);
        const profile = parseJsonObject(d.profile);
        const schema = parseJsonObject(d.schema);
        const rows = typeof profile?.num_rows === 'number' ? profile.num_rows : null;
        const columns = Array.isArray(schema?.mlflow_colspec) ? schema.mlflow_colspec.length : null;
        this.sql
          .stmt(`INSERT INTO datasets (fingerprint, path, rows, columns, schema, stats, created_at) VALUES (?, ?, ?, ?, NULL, NULL, ?)
                 ON CONFLICT (fingerprint) DO NOTHING`)
          .run(fingerprint, d.name, rows, columns, now);
        this.sql
          .stmt(`INSERT INTO mlflow_datasets (fingerprint, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (fingerprint) DO NOTHING`)
          .run(fingerprint, d.name, d.digest, d.sourceType, d.source, d.schema, d.profile);
        const added = this.sql
          .stmt('INSERT INTO mlflow_inputs (run_id, fingerprint, tags, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, fingerprint) DO NOTHING')
          .run(runId, fingerprint, JSON.stringify(tags), now).changes;
        if (added === 0) continue;
        try {
          this.sql
            .stmt('INSERT OR IGNORE INTO run_inputs (run_id, fingerprint, role, path) VALUES (?, ?, ?, ?)')
            .run(runId, fingerprint, roleOfContext(tags[CONTEXT_TAG]), d.name);
        } catch (e) {
          if (isForeignKeyError(e)) throw new StoreError(`no run with id ${runId}`);
          throw e;
        }
      }
    });
  }

  /** The MLflow inputs of some runs (in the order they were logged), by run id. */
  inputsOf(runIds: readonly string[]): Map<string, MlflowInput[]> {
    const rows = this.sql
      .stmt(`SELECT i.run_id, i.fingerprint, i.tags, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
             FROM mlflow_inputs i JOIN mlflow_datasets d ON d.fingerprint = i.fingerprint
             WHERE i.run_id IN (SELECT value FROM json_each(?)) ORDER BY i.created_at, d.name, d.digest`)
      .all(JSON.stringify(runIds)) as InputRow[];
    const out = new Map<string, MlflowInput[]>();
    for (const r of rows) {
      const list = out.get(r.run_id) ?? [];
      list.push({
        runId: r.run_id,
        fingerprint: r.fingerprint,
        tags: JSON.parse(r.tags) as Record<string, string>,
        dataset: { name: r.name, digest: r.digest, sourceType: r.source_type, source: r.source, schema: r.schema, profile: r.profile },
      });
      out.set(r.run_id, list);
    }
    return out;
  }
}
