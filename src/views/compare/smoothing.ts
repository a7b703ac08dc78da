/**
 * Exponential moving average, debiased like TensorBoard's scalar smoothing:
 * `s_i = (w·acc_{i-1} + (1-w)·y_i) / (1 - w^n)` with `n` the finite points so
 * far, so the first points are not pulled toward zero. Non-finite or missing
 * values pass through unchanged and do not feed the average. A constant
 * series stays exactly constant (no rounding wobble), as in TensorBoard.
 * Hand-written because chart.js has no smoothing and the page needs it per
 * dataset on every slider move.
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.slice();
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length > 0 && finite.every((v) => v === finite[0])) return values.slice();
  const out: (number | null)[] = new Array(values.length);
  let acc = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i];
    if (y === null || !Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    acc = acc * w + (1 - w) * y;
    n++;
    out[i] = acc / (1 - Math.pow(w, n));
  }
  return out;
}
