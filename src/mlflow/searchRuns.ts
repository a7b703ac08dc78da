import { QueryError } from '../core/query/ast';
import type { RunStore } from '../store/runStore';
import type { ExperimentRecord, RunRow } from '../store/types';
import type { Json } from './restShapes';
import { decodeOffset, encodeOffset, invalidParam, optionalInt, optionalString, runJson } from './restShapes';

const MAX_RESULTS = 50_000;

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  // A GET query string with one value arrives as a plain string.
  const list = Array.isArray(v) ? v : [v];
  if (list.some((x) => typeof x !== 'string')) throw invalidParam(`Invalid value ${JSON.stringify(v)} for parameter '${field}' supplied: expected an array of strings.`);
  return list as string[];
}

/**
 * `runs/search`, minimal: the runs of the given experiments, newest first (or
 * `order_by`), filtered with RunLens's filter language, which reads MLflow's
 * common filters as they are (`metrics.acc > 0.9`, `params.model = 'tree'`,
 * `tags.team = 'ml'`). Anything it cannot read is INVALID_PARAMETER_VALUE.
 */
export function searchRuns(store: RunStore, r: Json, experimentById: (id: string) => ExperimentRecord): Json {
  const experiments = stringList(r.experiment_ids, 'experiment_ids').map(experimentById);
  const filter = optionalString(r, 'filter')?.trim() || undefined;
  const sort = stringList(r.order_by, 'order_by').join(', ') || undefined;
  const max = optionalInt(r, 'max_results') ?? 1000;
  if (max < 1 || max > MAX_RESULTS) throw invalidParam(`Invalid value ${max} for parameter 'max_results' supplied: it must be between 1 and ${MAX_RESULTS}`);
  const token = optionalString(r, 'page_token');
  const offset = token ? decodeOffset(token) : 0;
  let rows: RunRow[];
  try {
    if (experiments.length === 1) {
      rows = store.listRuns({ experiment: experiments[0]!.name, filter, sort, limit: max + 1, offset });
    } else {
      const names = new Set(experiments.map((e) => e.name));
      // Several experiments: filter in the store, keep the wanted ones here (listRuns takes one name).
      rows = store.listRuns({ filter, sort }).filter((row) => experiments.length === 0 || names.has(row.experiment)).slice(offset, offset + max + 1);
    }
  } catch (e) {
    if (e instanceof QueryError) throw invalidParam(`Invalid filter or order_by: ${e.message}`);
    throw e;
  }
  const page = rows.slice(0, max);
  const body: Json = { runs: page.map((row) => runJson(store, row)) };
  if (rows.length > max) body.next_page_token = encodeOffset(offset + max);
  return body;
}
