import type { ParamValue } from './types';

const NUMERIC_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INFINITY_RE = /^([-+]?)inf(inity)?$/i;

/**
 * The number a param/tag text stands for, or null when it does not look like
 * one. Stored beside the text so filters (`params.lr > 0.01`) and sorts compare
 * numerically without parsing in SQL.
 */
export function numericValue(text: string): number | null {
  const t = text.trim();
  if (NUMERIC_RE.test(t)) return Number(t);
  const inf = INFINITY_RE.exec(t);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return null;
}

/** Text form of a logged param or tag value (`null` → "null", `true` → "true"). */
export function valueText(value: ParamValue): string {
  if (typeof value === 'string') return value;
  return String(value);
}

export function checkKey(kind: string, key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${kind} key must be a non-empty string`);
}
