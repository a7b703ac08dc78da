/**
 * Decimal number parsing straight from bytes, exact to the bit.
 *
 * The CSV reader spends most of its time turning digits into doubles, so this
 * parses from the byte buffer without building a string per cell. Every
 * result equals `Number(text)` bit for bit: a value is only returned by the
 * fast paths when correct rounding is proven, otherwise the parser reports
 * "not handled" (NaN) and the caller falls back to `Number()` on the text.
 *
 * Fast paths, in the order they are tried:
 * 1. At most 15 significant digits and |exponent| <= 22 (Clinger's fast
 *    path): mantissa and power of ten are both exact doubles, so one IEEE
 *    multiplication or division rounds correctly.
 * 2. 16 to 19 significant digits and |exponent| <= 22: the value is computed
 *    in double-double arithmetic (about 100 correct bits) with an explicit
 *    error bound; when the whole error interval rounds to one double, that
 *    double is the correctly rounded result. Only values within ~2^-90
 *    (relative) of a rounding midpoint fail the check, about one in 10^11.
 */

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Veltkamp splitter for 53-bit doubles: 2^27 + 1. */
const SPLITTER = 134217729;
/** Relative error bound used by the double-double check; the real error is below 2^-100. */
const DD_EPS = 2 ** -90;

const D0 = 48;
const D9 = 57;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;
const LOWER_E = 101;
const UPPER_E = 69;

/** The exact rounding error of `a * b`, given `p = fl(a * b)` (Dekker's TwoProduct). */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * `(hi * 10^k + lo) * 10^e10` correctly rounded, where `hi` < 10^15,
 * 1 <= k <= 4, `lo` < 10^k and |e10| <= 22; NaN when too close to call.
 */
function doubleDouble(hi: number, k: number, lo: number, e10: number): number {
  // Mantissa M = hi * 10^k + lo as an (almost exact) double-double mh + ml.
  let P = POW10[k];
  const p = hi * P;
  const pe = productError(hi, P, p);
  const s = p + lo;
  const bb = s - p;
  const se = (p - (s - bb)) + (lo - bb);
  const ml0 = se + pe;
  const mh = s + ml0;
  const ml = ml0 - (mh - s);
  let q1: number;
  let q2: number;
  if (e10 >= 0) {
    P = POW10[e10];
    q1 = mh * P;
    q2 = productError(mh, P, q1) + ml * P;
  } else {
    P = POW10[-e10];
    q1 = mh / P;
    const t1 = q1 * P;
    const t2 = productError(q1, P, t1);
    q2 = ((mh - t1) - t2 + ml) / P;
  }
  const eps = (q1 < 0 ? -q1 : q1) * DD_EPS;
  const down = q1 + (q2 - eps);
  const up = q1 + (q2 + eps);
  return down === up ? down : NaN;
}

/**
 * A reusable byte-level decimal parser. `parse` returns the number, or NaN
 * when the bytes at `pos` are not a plain decimal it can prove exact; `end`
 * is then where the number syntax ended (the caller checks that a field
 * separator follows). A class with a mutable `end` avoids allocating a result
 * object per cell on the hot path.
 */
export class DecimalParser {
  /** Index just past the last byte consumed by the latest `parse`. */
  end = 0;
  /** Scratch slot for callers that hand a parsed value on without another return value. */
  value = 0;
  /** The general parser's latest result (see `parse`); starts as a double so the field stays one. */
  private slow = NaN;

  /** Parses `[+-]digits[.digits][(e|E)[+-]digits]` starting at `pos`, not reading at or past `limit`. */
  parse(buf: Uint8Array, pos: number, limit: number): number {
    // Fast path for the common cell: at most 15 digits in all (leading zeros
    // included, so the integer is exact), no exponent. Same result as the
    // general path below (Clinger's case 1 with e10 = -fraction digits);
    // anything else is re-parsed there.
    let i = pos;
    let c = i < limit ? buf[i] : 0;
    const neg = c === MINUS;
    if (neg || c === PLUS) c = ++i < limit ? buf[i] : 0;
    let m = 0;
    let digits = 0;
    while (c >= D0 && c <= D9) {
      m = m * 10 + (c - D0);
      digits++;
      c = ++i < limit ? buf[i] : 0;
    }
    let frac = 0;
    if (c === DOT) {
      c = ++i < limit ? buf[i] : 0;
      while (c >= D0 && c <= D9) {
        m = m * 10 + (c - D0);
        frac++;
        c = ++i < limit ? buf[i] : 0;
      }
    }
    digits += frac;
    if (digits === 0 || digits > 15 || c === LOWER_E || c === UPPER_E) {
      // Through a double-typed field, not straight from the call: merged with the call's untyped
      // result, every fast-path number was boxed (a heap allocation per cell of mixed files).
      this.slow = this.parseFull(buf, pos, limit);
      return this.slow;
    }
    this.end = i;
    const v = frac === 0 ? m : m / POW10[frac];
    return neg ? -v : v;
  }

  /** The general parser (`parse` without its fast path). */
  private parseFull(buf: Uint8Array, pos: number, limit: number): number {
    let i = pos;
    let c = i < limit ? buf[i] : 0;
    let neg = false;
    if (c === MINUS) {
      neg = true;
      c = ++i < limit ? buf[i] : 0;
    } else if (c === PLUS) {
      c = ++i < limit ? buf[i] : 0;
    }
    let hi = 0;
    let lo = 0;
    let nd = 0; // significant digits taken into hi/lo
    let digits = 0; // all mantissa digits seen
    let tooLong = false;
    let frac = 0; // digits after the decimal point
    while (c >= D0 && c <= D9) {
      const d = c - D0;
      digits++;
      if (nd < 15) {
        if (nd > 0 || d !== 0) {
          hi = hi * 10 + d;
          nd++;
        }
      } else if (nd < 19) {
        lo = lo * 10 + d;
        nd++;
      } else {
        tooLong = true;
      }
      c = ++i < limit ? buf[i] : 0;
    }
    if (c === DOT) {
      c = ++i < limit ? buf[i] : 0;
      while (c >= D0 && c <= D9) {
        const d = c - D0;
        digits++;
        frac++;
        if (nd < 15) {
          if (nd > 0 || d !== 0) {
            hi = hi * 10 + d;
            nd++;
          }
        } else if (nd < 19) {
          lo = lo * 10 + d;
          nd++;
        } else {
          tooLong = true;
        }
        c = ++i < limit ? buf[i] : 0;
      }
    }
    if (digits === 0) {
      this.end = i;
      return NaN;
    }
    let exp = 0;
    if (c === LOWER_E || c === UPPER_E) {
      c = ++i < limit ? buf[i] : 0;
      let expNeg = false;
      if (c === MINUS) {
        expNeg = true;
        c = ++i < limit ? buf[i] : 0;
      } else if (c === PLUS) {
        c = ++i < limit ? buf[i] : 0;
      }
      let expDigits = 0;
      while (c >= D0 && c <= D9) {
        if (exp < 100000) exp = exp * 10 + (c - D0);
        expDigits++;
        c = ++i < limit ? buf[i] : 0;
      }
      this.end = i;
      if (expDigits === 0) return NaN; // "1e" is not a number
      if (expNeg) exp = -exp;
    } else {
      this.end = i;
    }
    if (tooLong) return NaN;
    if (nd === 0) return neg ? -0 : 0;
    const e10 = exp - frac;
    let v: number;
    if (nd <= 15) {
      if (e10 >= 0) {
        if (e10 <= 22) v = hi * POW10[e10];
        else if (e10 <= 37 && nd + e10 - 22 <= 15) v = hi * POW10[e10 - 22] * 1e22;
        else return NaN;
      } else if (e10 >= -22) {
        v = hi / POW10[-e10];
      } else {
        return NaN;
      }
    } else {
      if (e10 > 22 || e10 < -22) return NaN;
      v = doubleDouble(hi, nd - 15, lo, e10);
    }
    return neg ? -v : v;
  }
}

/** Matches exactly the decimal syntax `DecimalParser` accepts, for text cells. */
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY_RE = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Parses one already-decoded, trimmed cell as a number: plain decimals (as
 * `Number()` would, exactly) and `inf` / `Infinity` with an optional sign.
 * Returns undefined when the text is not a number. Hex, binary, `_`
 * separators and the empty string are not numbers here, unlike `Number()`.
 */
export function parseNumberText(text: string): number | undefined {
  if (DECIMAL_RE.test(text)) return Number(text);
  const m = INFINITY_RE.exec(text);
  if (m) return m[1] === '-' ? -Infinity : Infinity;
  return undefined;
}
