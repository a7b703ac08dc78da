import type { FeaturesConfig } from '../config/trainConfig';
import type { Column, Frame } from './frame';
import { columnNames } from './frame';
import { DataError, quoteValue, showNames } from './dataError';
import type { ResolvedClean } from './clean';
import { fitBooleanFill, fitCategoricalFill, fitNumericClean, trimStrings } from './clean';
import { compareStrings, finiteValues, mean, std } from './stats';

/**
 * How one input column becomes feature columns, with everything learnt from
 * the training split. Numbers here are the whole fitted state: transforming
 * with a spec read back from JSON gives the same bits.
 *
 * - `numeric`: ±Infinity → the ends of `finiteRange` (when given), missing → `fill`, then clipped to `clip`, then
 *   `(x - shift) / scale` (shift 0 and scale 1 when not scaled).
 * - `boolean`: 0/1, missing → `fill`; never scaled.
 * - `onehot`: one 0/1 column per training category (sorted); a category not
 *   seen in training gives all zeros in the group, so serving never fails
 *   on a new value.
 * - `ordinal` (`onehot: none`): the category's index in the sorted training
 *   categories, -1 for a category not seen in training.
 * Scaling applies to numeric columns only; 0/1 indicators and ordinal codes
 * stay as they are.
 */
export type FeatureSpec =
  | {
      readonly kind: 'numeric'; readonly column: string; readonly fill: number; readonly clip?: readonly [number, number];
      /** Where ±Infinity is clipped to (`data.clean.infinite: clip`): the training values' finite min and max. */
      readonly finiteRange?: readonly [number, number];
      readonly shift: number; readonly scale: number;
    }
  | { readonly kind: 'boolean'; readonly column: string; readonly fill: number }
  | { readonly kind: 'onehot' | 'ordinal'; readonly column: string; readonly fill: string | null; readonly categories: readonly string[] };

/**
 * The input columns used as features: `include` (default: all) minus
 * `exclude`, never the target, in the frame's column order. Unknown names in
 * either list are an error that lists the columns there are.
 */
export function selectFeatureColumns(frame: Frame, target: string, features: FeaturesConfig | undefined): string[] {
  const names = columnNames(frame);
  const known = new Set(names);
  for (const key of ['include', 'exclude'] as const) {
    const unknown = (features?.[key] ?? []).filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new DataError(`data.features.${key} names unknown column${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((n) => quoteValue(n)).join(', ')} in ${frame.source ?? 'the data'}; the columns are: ${showNames(names)}`);
    }
  }
  const include = features?.include !== undefined ? new Set(features.include) : undefined;
  const exclude = new Set(features?.exclude ?? []);
  const chosen = names.filter((n) => n !== target && (include === undefined || include.has(n)) && !exclude.has(n));
  if (chosen.length === 0) {
    throw new DataError(`no feature columns left in ${frame.source ?? 'the data'} after include/exclude ` +
      `(target ${quoteValue(target)}; columns: ${showNames(names)})`);
  }
  return chosen;
}

/** Fits the spec of every feature column on the training rows (cleaning, then encoding and scaling). */
export function fitFeatureSpecs(frame: Frame, columns: readonly Column[], clean: ResolvedClean,
  features: FeaturesConfig | undefined): FeatureSpec[] {
  const scaleMode = features?.scale ?? 'none';
  const onehot = (features?.onehot ?? 'auto') === 'auto';
  return columns.map((col): FeatureSpec => {
    const where = `column ${quoteValue(col.name)} of ${frame.source ?? 'the training data'}`;
    if (col.type === 'boolean') return { kind: 'boolean', column: col.name, fill: fitBooleanFill(col, clean) };
    if (col.type !== 'categorical') {
      const c = fitNumericClean(col, clean);
      if (clean.missing !== 'drop' && Number.isNaN(c.fill)) {
        throw new DataError(`${where} has no values in the training split; exclude it with data.features.exclude`);
      }
      let shift = 0;
      let scale = 1;
      if (scaleMode !== 'none') {
        const range = c.finiteRange;
        const cleaned = finiteValues(col.values.map((v) => {
          const x = Number.isNaN(v) ? c.fill : range && (v === Infinity || v === -Infinity) ? range[v > 0 ? 1 : 0] : v;
          return c.clip ? Math.min(Math.max(x, c.clip[0]), c.clip[1]) : x;
        }));
        if (scaleMode === 'standard') {
          shift = mean(cleaned);
          scale = std(cleaned, 0, shift);
        } else {
          shift = cleaned.reduce((a, b) => Math.min(a, b), Infinity);
          scale = cleaned.reduce((a, b) => Math.max(a, b), -Infinity) - shift;
        }
        // A constant column: divide by 1, as scikit-learn does, so it scales to 0.
        if (!(scale >= 10 * Number.EPSILON) || !Number.isFinite(scale)) scale = 1;
        if (!Number.isFinite(shift)) shift = 0;
      }
      return {
        kind: 'numeric', column: col.name, fill: c.fill, ...(c.clip ? { clip: c.clip } : {}),
        ...(c.finiteRange ? { finiteRange: c.finiteRange } : {}), shift, scale,
      };
    }
    const values: readonly (string | null)[] = clean.trim ? trimStrings(col.values) : col.values;
    const fill = fitCategoricalFill(values, clean);
    const set = new Set<string>();
    for (const v of values) if (v !== null) set.add(v);
    if (fill !== null && values.some((v) => v === null)) set.add(fill);
    if (set.size === 0) {
      throw new DataError(`${where} has no values in the training split; exclude it with data.features.exclude`);
    }
    return { kind: onehot ? 'onehot' : 'ordinal', column: col.name, fill, categories: [...set].sort(compareStrings) };
  });
}

/** Output column names: the column name, or `column=category` for one-hot columns. */
export function featureNamesOf(specs: readonly FeatureSpec[]): string[] {
  return specs.flatMap((s) => (s.kind === 'onehot' ? s.categories.map((c) => `${s.column}=${c}`) : [s.column]));
}
