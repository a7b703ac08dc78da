/** How a column of table values is laid out on a chart axis. */
export type AxisScale =
  | { readonly kind: 'numeric'; readonly values: readonly (number | null)[]; readonly min: number; readonly max: number }
  | { readonly kind: 'categorical'; readonly values: readonly (number | null)[]; readonly categories: readonly string[] };

/**
 * Numeric when every present value parses as a finite number, else
 * categorical with the categories sorted (numbers-as-text naturally) and each
 * value mapped to its category index. Missing values stay null.
 */
export function axisScale(values: readonly (string | null)[]): AxisScale {
  const present = values.filter((v): v is string => v !== null && v.trim() !== '');
  const nums = present.map(Number);
  if (present.length > 0 && nums.every(Number.isFinite)) {
    const mapped = values.map((v) => (v === null || v.trim() === '' ? null : Number(v)));
    return { kind: 'numeric', values: mapped, min: Math.min(...nums), max: Math.max(...nums) };
  }
  const categories = [...new Set(present)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const index = new Map(categories.map((c, i) => [c, i]));
  return { kind: 'categorical', values: values.map((v) => (v === null ? null : (index.get(v) ?? null))), categories };
}

/** Position in [0, 1] of a value on the axis (parallel coordinates); 0.5 when the axis has one value. */
export function normalizeOnAxis(axis: AxisScale, value: number): number {
  if (axis.kind === 'numeric') return axis.max === axis.min ? 0.5 : (value - axis.min) / (axis.max - axis.min);
  return axis.categories.length <= 1 ? 0.5 : value / (axis.categories.length - 1);
}
