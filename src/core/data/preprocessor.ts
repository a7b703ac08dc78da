import type { MissingStrategy } from '../config/trainConfig';
import type { ResolvedInfinite } from './infinite';
import type { Task } from '../models/model';
import type { Column, ColumnType, DenseMatrix, Frame } from './frame';
import { columnByName, columnNames, rowLine } from './frame';
import { CsvError, DataError, quoteValue, showNames } from './dataError';
import { CELL_FALSE, CELL_MISSING, CELL_NUMBER, CELL_TRUE, cellNumber, classifyCell } from './csvCells';
import type { FeatureSpec } from './features';
import { featureNamesOf } from './features';
import { frameFromRecords } from './records';
import type { Label } from './targetEncoding';
import { cellLabel, labelKey } from './targetEncoding';


/** From this size a feature matrix is allocated in a SharedArrayBuffer (see transform). */
const SHARED_MATRIX_BYTES = 8 * 2 ** 20;
/** The JSON form of a fitted preprocessor; non-finite numbers are written as strings. */
export interface PreprocessorJSON {
  readonly format: 'runlens.preprocessor';
  readonly version: 1;
  readonly task: Task;
  readonly target: string;
  readonly classes?: readonly Label[];
  readonly missing: MissingStrategy | 'auto';
  readonly trim: boolean;
  /** Absent in packages from before `data.clean.infinite`: ±Infinity then reaches the model as it is. */
  readonly infinite?: ResolvedInfinite;
  readonly features: readonly unknown[];
}

export interface PreprocessorState {
  readonly task: Task;
  readonly target: string;
  /** Class labels in index order (classification only). */
  readonly classes?: readonly Label[];
  readonly missing: MissingStrategy | 'auto';
  readonly trim: boolean;
  /** What ±Infinity in a numeric input becomes (see `infinite.ts`); absent: passed on as it is (older packages). */
  readonly infinite?: ResolvedInfinite;
  readonly specs: readonly FeatureSpec[];
}

/**
 * The fitted data preparation of a run: cleaning, encoding and scaling of
 * the feature columns and the encoding of the target, learnt on the
 * training split. It turns any frame with the input columns (with or
 * without the target) into the model's matrix, so serving uses exactly what
 * training used. Create one with `fitPreprocessor`.
 */
export class Preprocessor {
  readonly featureNames: readonly string[];
  private readonly classIndex: Map<string, number>;

  constructor(readonly state: PreprocessorState) {
    this.featureNames = featureNamesOf(state.specs);
    this.classIndex = new Map((state.classes ?? []).map((l, i) => [labelKey(l), i]));
  }

  get task(): Task {
    return this.state.task;
  }

  get target(): string {
    return this.state.target;
  }

  /** Class labels, index i being class i of `y` (classification only). */
  get classes(): readonly Label[] | undefined {
    return this.state.classes;
  }

  /** The input columns a frame or record must have. */
  get inputColumns(): string[] {
    return this.state.specs.map((s) => s.column);
  }

  /** The feature matrix of `frame` (rows × featureNames). Throws `DataError` naming missing columns or bad cells. */
  transform(frame: Frame): DenseMatrix {
    const cols = this.resolveColumns(frame);
    const width = this.featureNames.length;
    const rows = frame.rows;
    // A large matrix goes in shared memory: a logistic regression fit hands the rows to a worker thread
    // without copying them (parallelMultinomial.ts; the copy of 1,000,000 × 50 doubled the fit's peak memory,
    // BENCHMARKS.md "Big fits"). Small ones (a served request) stay ordinary: a copy of under 8 MB costs nothing.
    const bytes = rows * width * Float64Array.BYTES_PER_ELEMENT;
    const data = new Float64Array(bytes >= SHARED_MATRIX_BYTES ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    let offset = 0;
    this.state.specs.forEach((spec, j) => {
      const col = cols[j];
      if (spec.kind === 'numeric' || spec.kind === 'boolean') {
        const values = this.numericValues(frame, col, spec.kind === 'boolean');
        for (let r = 0; r < rows; r++) {
          let v = values[r];
          if (v === Infinity || v === -Infinity) v = this.finite(frame, col, r, v, spec);
          if (Number.isNaN(v)) {
            if (this.state.missing === 'drop') throw this.missingError(frame, col, r);
            v = spec.fill;
          }
          if (spec.kind === 'numeric') {
            if (spec.clip) v = Math.min(Math.max(v, spec.clip[0]), spec.clip[1]);
            v = (v - spec.shift) / spec.scale;
          }
          data[r * width + offset] = v;
        }
        offset++;
        return;
      }
      const index = new Map(spec.categories.map((c, i) => [c, i]));
      const texts = this.textValues(col);
      for (let r = 0; r < rows; r++) {
        let t = texts[r];
        if (t === null) {
          if (spec.fill === null) throw this.missingError(frame, col, r);
          t = spec.fill;
        }
        const k = index.get(t);
        if (spec.kind === 'onehot') {
          if (k !== undefined) data[r * width + offset + k] = 1;
        } else {
          data[r * width + offset] = k ?? -1;
        }
      }
      offset += spec.kind === 'onehot' ? spec.categories.length : 1;
    });
    return { data, rows, cols: width };
  }

  /** `transform` for JSON-like records (a serving request); every input column must be a key. */
  transformRecords(records: readonly Record<string, unknown>[]): DenseMatrix {
    const types = this.state.specs.map((s): ColumnType => (s.kind === 'numeric' || s.kind === 'boolean' ? s.kind : 'categorical'));
    return this.transform(frameFromRecords(records, this.inputColumns, types));
  }

  /**
   * The target of `frame` as model input: class indices for classification,
   * values for regression. Every row must have a target.
   */
  encodeTarget(frame: Frame): Float64Array {
    const col = columnByName(frame, this.state.target);
    if (col === undefined) {
      throw new CsvError({ file: frame.source ?? '<data>' },
        `target column ${quoteValue(this.state.target)} not found; the columns are: ${showNames(columnNames(frame))}`);
    }
    const y = new Float64Array(frame.rows);
    for (let r = 0; r < frame.rows; r++) {
      const label = cellLabel(col, r, this.state.trim);
      if (label === undefined) throw this.missingError(frame, col, r);
      if (this.state.task === 'regression') {
        if (typeof label === 'string') throw this.cellError(frame, col, r, `target ${quoteValue(label)} is not a number`);
        y[r] = Number(label);
        continue;
      }
      let k = this.classIndex.get(labelKey(label));
      if (k === undefined && typeof label !== 'string') k = this.classIndex.get(labelKey(String(label)));
      if (k === undefined) {
        throw this.cellError(frame, col, r, `label ${quoteValue(String(label))} was not among the training labels (${showNames((this.state.classes ?? []).map(String))})`);
      }
      y[r] = k;
    }
    return y;
  }

  toJSON(): PreprocessorJSON {
    const { task, target, classes, missing, trim, infinite, specs } = this.state;
    return {
      format: 'runlens.preprocessor',
      version: 1,
      task,
      target,
      ...(classes !== undefined ? { classes } : {}),
      missing,
      trim,
      ...(infinite !== undefined ? { infinite } : {}),
      features: specs.map((s) => encodeNumbers(s)),
    };
  }

  static fromJSON(json: PreprocessorJSON): Preprocessor {
    if (json?.format !== 'runlens.preprocessor' || json.version !== 1) {
      throw new DataError('not a RunLens preprocessor (format runlens.preprocessor, version 1)');
    }
    return new Preprocessor({
      task: json.task,
      target: json.target,
      ...(json.classes !== undefined ? { classes: json.classes } : {}),
      missing: json.missing,
      trim: json.trim,
      ...(json.infinite !== undefined ? { infinite: json.infinite } : {}),
      specs: json.features.map((f) => decodeNumbers(f) as FeatureSpec),
    });
  }

  private resolveColumns(frame: Frame): Column[] {
    const missing = this.inputColumns.filter((n) => columnByName(frame, n) === undefined);
    if (missing.length > 0) {
      throw new DataError(`${frame.source ?? 'the input'} lacks column${missing.length > 1 ? 's' : ''} ` +
        `${missing.map((n) => quoteValue(n)).join(', ')} (the model needs: ${showNames(this.inputColumns)})`);
    }
    return this.inputColumns.map((n) => columnByName(frame, n) as Column);
  }

  /** Numbers of a column that should be numeric (or 0/1): text is parsed, anything else is an error. */
  private numericValues(frame: Frame, col: Column, boolean: boolean): Float64Array {
    const out = new Float64Array(frame.rows);
    for (let r = 0; r < frame.rows; r++) {
      let v: number;
      if (col.type === 'categorical') {
        const t = col.values[r];
        const kind = t === null ? CELL_MISSING : classifyCell(t);
        if (kind === CELL_MISSING) v = NaN;
        else if (kind === CELL_NUMBER) v = cellNumber.value;
        else if (boolean && (kind === CELL_TRUE || kind === CELL_FALSE)) v = kind === CELL_TRUE ? 1 : 0;
        else throw this.cellError(frame, col, r, `${quoteValue(t as string)} is not ${boolean ? 'true/false' : 'a number'}`);
      } else {
        v = col.values[r];
      }
      if (boolean && !Number.isNaN(v) && v !== 0 && v !== 1) {
        throw this.cellError(frame, col, r, `${v} is not true/false (0/1)`);
      }
      out[r] = v;
    }
    return out;
  }

  /** Texts of a column that should be categorical: trimmed when trimming is on; numbers become their text. */
  private textValues(col: Column): (string | null)[] {
    if (col.type === 'categorical') return this.state.trim ? col.values.map((v) => (v === null ? null : v.trim())) : col.values;
    return Array.from(col.values, (v) => (Number.isNaN(v) ? null : col.type === 'boolean' ? String(v === 1) : String(v)));
  }

  /** An infinite input under the fitted `infinite` strategy: clipped, made missing (NaN), or an error. */
  private finite(frame: Frame, col: Column, row: number, v: number, spec: FeatureSpec): number {
    switch (this.state.infinite) {
      case undefined:
        return v;
      case 'missing':
        return NaN;
      case 'clip': {
        const range = spec.kind === 'numeric' ? spec.finiteRange : undefined;
        if (range) return range[v > 0 ? 1 : 0];
        break;
      }
      default:
        break;
    }
    const why = this.state.infinite === 'drop'
      ? 'and data.clean.infinite is drop (rows with infinite values cannot be predicted)'
      : '(inf, Infinity, or a number too large for a double); set data.clean.infinite to drop, clip or missing';
    throw this.cellError(frame, col, row, `${v} is not a usable value ${why}`);
  }

  private missingError(frame: Frame, col: Column, row: number): DataError {
    const why = col.name === this.state.target ? 'the target is missing' : 'missing value, and data.clean.missing is drop (rows with missing values cannot be predicted)';
    return this.cellError(frame, col, row, why);
  }

  private cellError(frame: Frame, col: Column, row: number, reason: string): DataError {
    const index = frame.columns.indexOf(col);
    if (frame.source !== undefined) {
      return new CsvError({ file: frame.source, line: rowLine(frame, row), column: index + 1, columnName: col.name }, reason);
    }
    return new DataError(`row ${row + 1}, column ${quoteValue(col.name)}: ${reason}`);
  }
}

/** Deep copy with NaN / ±Infinity written as strings, so JSON keeps them. */
function encodeNumbers(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(encodeNumbers);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeNumbers(x)]));
  return v;
}

const NUMERIC_KEYS = new Set(['fill', 'clip', 'shift', 'scale']);

/** Inverse of `encodeNumbers` for a feature spec: only numeric fields of numeric specs turn strings back into numbers. */
function decodeNumbers(spec: unknown): unknown {
  const s = spec as Record<string, unknown>;
  if (s.kind !== 'numeric' && s.kind !== 'boolean') return s;
  const toNum = (x: unknown): unknown => (typeof x === 'string' ? Number(x) : Array.isArray(x) ? x.map(toNum) : x);
  return Object.fromEntries(Object.entries(s).map(([k, x]) => [k, NUMERIC_KEYS.has(k) ? toNum(x) : x]));
}
