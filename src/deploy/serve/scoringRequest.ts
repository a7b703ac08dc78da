import { DataError } from '../../core/data/dataError';
import type { Frame } from '../../core/data/frame';
import { parseCsvBuffer } from '../../core/data/csvReader';
import { HttpError, invalidInput, malformed } from '../../http/httpErrors';

type Row = Record<string, unknown>;

/** A parsed `/invocations` body: the rows to score and whether probabilities were asked for. */
export type ScoringRequest =
  | { readonly kind: 'records'; readonly records: readonly Row[]; readonly probabilities: boolean }
  | { readonly kind: 'frame'; readonly frame: Frame; readonly probabilities: boolean };

const FORMAT_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** MLflow 2's scoring server's explanation for a request in the MLflow 1 protocol (mlflow/pyfunc/scoring_server). */
export const SCORING_PROTOCOL_CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

/** The body formats `/invocations` takes. */
export type ScoringFormat = 'json' | 'csv';

/**
 * The format a Content-Type header names: `application/json` or `text/csv`,
 * optionally with `charset=utf-8`, as MLflow's scoring server; anything else
 * is a 415 (before the body is read). Requiring it also makes a browser
 * preflight every cross-site POST (neither type is CORS-safelisted), which
 * this server never approves, so a web page cannot send blind requests.
 */
export function scoringFormat(contentType: string | undefined): ScoringFormat {
  const unsupported = (message: string) => new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  if (contentType === undefined || contentType.trim() === '') {
    throw unsupported('the request has no Content-Type; send application/json or text/csv');
  }
  const [type, ...params] = contentType.split(';').map((p) => p.trim());
  const mime = type!.toLowerCase();
  if (mime !== 'application/json' && mime !== 'text/csv') {
    throw unsupported(`content type "${mime}" is not supported; send application/json or text/csv`);
  }
  const unknown: string[] = [];
  for (const p of params) {
    if (p === '') continue;
    const [name, value = ''] = p.split('=').map((x) => x.trim());
    if (name!.toLowerCase() !== 'charset') unknown.push(name!);
    else if (value.replace(/^"|"$/g, '').toLowerCase() !== 'utf-8') throw unsupported(`charset "${value}" is not supported; send UTF-8`);
  }
  // MLflow 1.x's `format=pandas-split` / `pandas-records`: refused with MLflow 2's own explanation.
  if (unknown.length) throw unsupported(`Unrecognized content type parameters: ${unknown.join(', ')}. ${SCORING_PROTOCOL_CHANGE_INFO}`);
  return mime === 'text/csv' ? 'csv' : 'json';
}

/**
 * Parses a scoring body in one of MLflow's formats: JSON with exactly one of
 * `dataframe_split`, `dataframe_records`, `instances`, `inputs` (plus
 * optional `params`), or a CSV body with a header row. Rows given as arrays
 * (no column names) are read in `inputColumns` order. Throws `HttpError`.
 */
export function parseScoringRequest(body: Buffer, format: ScoringFormat, query: URLSearchParams,
  inputColumns: readonly string[]): ScoringRequest {
  const queryProba = isTrue(query.get('probabilities'));
  if (format === 'csv') return { kind: 'frame', frame: parseCsvBody(body), probabilities: queryProba };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (e) {
    // Python's json.dumps writes NaN / Infinity, which JSON does not have: say what to send instead.
    const bare = /[[:,]\s*(-?Infinity|NaN)\s*[,\]}]/.exec(body.toString('utf8'))?.[1];
    if (bare !== undefined) throw malformed(`the body is not valid JSON: ${bare} is not a JSON value; send null for a missing value`);
    throw malformed(`the body is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw malformed(`the body must be a JSON object with one of: ${FORMAT_KEYS.join(', ')}`);
  const present = FORMAT_KEYS.filter((k) => k in json);
  if (present.length !== 1) {
    throw malformed(present.length === 0
      ? `the body must have one of: ${FORMAT_KEYS.join(', ')}`
      : `the body has several input formats (${present.join(', ')}); send exactly one`);
  }
  const params = json.params;
  if (params !== undefined && !isObject(params)) throw malformed('"params" must be an object');
  const probabilities = queryProba || isTrue(params?.probabilities);
  const key = present[0];
  const value = json[key];
  const records = key === 'dataframe_split' ? splitRecords(value, inputColumns)
    : key === 'dataframe_records' ? objectRecords(value, key)
      : instanceRecords(value, key, inputColumns);
  return { kind: 'records', records, probabilities };
}

function parseCsvBody(body: Buffer): Frame {
  try {
    return parseCsvBuffer(body, 'the CSV body');
  } catch (e) {
    if (e instanceof DataError) throw malformed(e.message);
    throw e;
  }
}

/** `{"columns": [...], "data": [[...]]}`; without `columns`, rows are in input column order. */
function splitRecords(value: unknown, inputColumns: readonly string[]): Row[] {
  if (!isObject(value)) throw malformed('"dataframe_split" must be an object with "columns" and "data"');
  const { columns, data } = value;
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) {
    throw malformed('"dataframe_split.columns" must be an array of column names');
  }
  if (!Array.isArray(data)) throw malformed('"dataframe_split.data" must be an array of rows');
  const names = (columns as string[] | undefined) ?? inputColumns;
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw malformed(`column "${dup}" appears twice in "dataframe_split.columns"`);
  return data.map((row, i) => arrayRecord(row, names, `"dataframe_split.data" row ${i + 1}`));
}

function objectRecords(value: unknown, key: string): Row[] {
  if (!Array.isArray(value)) throw malformed(`"${key}" must be an array of records`);
  value.forEach((r, i) => {
    if (!isObject(r)) throw malformed(`"${key}" item ${i + 1} is not an object`);
  });
  return value as Row[];
}

/**
 * `instances` / `inputs`: an array of records, an array of arrays in input
 * column order, or (MLflow's columnar form) an object of column → values.
 */
function instanceRecords(value: unknown, key: string, inputColumns: readonly string[]): Row[] {
  if (isObject(value)) {
    const cols = Object.keys(value);
    const lists = cols.map((c) => value[c]);
    if (!lists.every(Array.isArray)) throw malformed(`"${key}" as an object must map each column to an array of values`);
    const n = (lists[0] as unknown[] | undefined)?.length ?? 0;
    if (lists.some((l) => (l as unknown[]).length !== n)) throw malformed(`the columns of "${key}" have different lengths`);
    return Array.from({ length: n }, (_, i) => Object.fromEntries(cols.map((c, j) => [c, (lists[j] as unknown[])[i]])));
  }
  if (!Array.isArray(value)) throw malformed(`"${key}" must be an array of records or of rows`);
  return value.map((item, i) => {
    if (Array.isArray(item)) return arrayRecord(item, inputColumns, `"${key}" item ${i + 1}`);
    if (isObject(item)) return item;
    throw malformed(`"${key}" item ${i + 1} must be an object or an array`);
  });
}

function arrayRecord(row: unknown, names: readonly string[], where: string): Row {
  if (!Array.isArray(row)) throw malformed(`${where} is not an array`);
  if (row.length !== names.length) {
    throw invalidInput(`${where} has ${row.length} values but there are ${names.length} columns (${names.join(', ')})`);
  }
  return Object.fromEntries(names.map((n, j) => [n, row[j]]));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isTrue(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['true', '1', 'yes'].includes(v.toLowerCase()));
}
