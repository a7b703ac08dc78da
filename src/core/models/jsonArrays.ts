/**
 * Number arrays in a model's JSON form. JSON.stringify writes every finite
 * double so that parsing gives the same bits back, but turns NaN and ±Infinity
 * into null; those are written as strings instead.
 */

/** A double as written to model JSON. */
export type JSONNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** Doubles to JSON values, non-finite ones as strings. */
export function floatsToJSON(a: ArrayLike<number>): JSONNumber[] {
  const out: JSONNumber[] = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    out[i] = Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  return out;
}

/** Inverse of `floatsToJSON` for one value. */
export function floatFromJSON(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`Invalid model JSON: ${what} holds ${JSON.stringify(v)}.`);
}

/** Inverse of `floatsToJSON`, checking the length when given. */
export function floatsFromJSON(v: unknown, what: string, length?: number): Float64Array {
  if (!Array.isArray(v)) throw new Error(`Invalid model JSON: ${what} must be an array.`);
  if (length !== undefined && v.length !== length) {
    throw new Error(`Invalid model JSON: ${what} has ${v.length} values, expected ${length}.`);
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = floatFromJSON(v[i], what);
  return out;
}

/** An array of integers from model JSON. */
export function intsFromJSON(v: unknown, what: string, length?: number): Int32Array {
  if (!Array.isArray(v)) throw new Error(`Invalid model JSON: ${what} must be an array.`);
  if (length !== undefined && v.length !== length) {
    throw new Error(`Invalid model JSON: ${what} has ${v.length} values, expected ${length}.`);
  }
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new Error(`Invalid model JSON: ${what} holds ${JSON.stringify(x)}.`);
    out[i] = x;
  }
  return out;
}

/** A required numeric field of model JSON. */
export function numberField(json: Readonly<Record<string, unknown>>, name: string): number {
  const v = json[name];
  if (typeof v !== 'number') throw new Error(`Invalid model JSON: "${name}" must be a number.`);
  return v;
}

/** The optional `featureNames` field of model JSON. */
export function optionalNames(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
    throw new Error('Invalid model JSON: "featureNames" must be an array of strings.');
  }
  return v as string[];
}
