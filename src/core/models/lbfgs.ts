/**
 * Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright,
 * Numerical Optimization, algorithms 7.4, 3.5 and 3.6), for smooth convex
 * objectives such as the logistic loss. Hand-written because no installed
 * package has a converging L-BFGS (ml-logistic-regression is plain gradient
 * descent).
 */

/** Writes ∇f(x) into `grad` and returns f(x). */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

/** An objective that may compute on other threads and answer later (`ParallelMultinomial`). */
export type AsyncObjectiveFn = (x: Float64Array, grad: Float64Array) => number | Promise<number>;

export interface LbfgsOptions {
  readonly maxIter: number;
  /** Stop when max |∂f/∂x_i| ≤ gtol (scipy's `gtol`, as scikit-learn passes `tol`). */
  readonly gtol: number;
  /** Stop when the relative decrease of f in an iteration is ≤ ftol. */
  readonly ftol?: number;
  /** Number of correction pairs kept. */
  readonly memory?: number;
  /** Function evaluations allowed per line search. */
  readonly maxLineSearch?: number;
  /** Called after every iteration; may be async (to yield, or to throw on abort). */
  readonly onIteration?: (iteration: number, f: number, x: Float64Array) => void | Promise<void>;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly message: string;
}

const EPS = 2.220446049250313e-16;
const C1 = 1e-4;
const C2 = 0.9;

export async function minimizeLbfgs(fg: AsyncObjectiveFn, x0: Float64Array, options: LbfgsOptions): Promise<LbfgsResult> {
  const n = x0.length;
  const mem = options.memory ?? 10;
  const ftol = options.ftol ?? 64 * EPS;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = await fg(x, g);
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alphaBuf = new Float64Array(mem);
  const ls = new LineSearch(fg, n, options.maxLineSearch ?? 50);
  if (!Number.isFinite(f)) return { x, f, iterations: 0, converged: false, message: 'objective is not finite at the start' };
  if (normInf(g) <= options.gtol) return { x, f, iterations: 0, converged: true, message: 'gradient below gtol' };

  let iter = 0;
  while (iter < options.maxIter) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = s.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = rho[j] * dot(s[j], d);
      alphaBuf[j] = a;
      axpy(-a, yv[j], d);
    }
    if (k > 0) {
      const gamma = dot(s[k - 1], yv[k - 1]) / dot(yv[k - 1], yv[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = rho[j] * dot(yv[j], d);
      axpy(alphaBuf[j] - b, s[j], d);
    }
    let dg = dot(d, g);
    if (!(dg < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = yv.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
    }
    const step0 = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;
    let found = await ls.search(x, f, g, d, dg, step0);
    if (!found && s.length > 0) {
      s.length = yv.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      found = await ls.search(x, f, g, d, dot(d, g), Math.min(1, 1 / Math.sqrt(dot(d, d))));
    }
    if (!found) return { x, f, iterations: iter, converged: false, message: 'line search found no lower point' };
    iter++;
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = ls.x[i] - x[i];
      yNew[i] = ls.g[i] - g[i];
    }
    const fOld = f;
    x.set(ls.x);
    g.set(ls.g);
    f = ls.f;
    const sy = dot(sNew, yNew);
    if (sy > EPS * dot(yNew, yNew)) {
      if (s.length === mem) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sNew);
      yv.push(yNew);
      rho.push(1 / sy);
    }
    if (options.onIteration) await options.onIteration(iter, f, x);
    if (normInf(g) <= options.gtol) return { x, f, iterations: iter, converged: true, message: 'gradient below gtol' };
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations: iter, converged: true, message: 'relative reduction of f below ftol' };
    }
  }
  return { x, f, iterations: iter, converged: false, message: 'reached max_iter' };
}

/** Strong-Wolfe line search; on success the accepted point is in x, f, g. */
class LineSearch {
  readonly x: Float64Array;
  readonly g: Float64Array;
  f = 0;
  private readonly xt: Float64Array;
  private readonly gt: Float64Array;

  constructor(
    private readonly fg: AsyncObjectiveFn,
    private readonly n: number,
    private readonly maxEval: number,
  ) {
    this.x = new Float64Array(n);
    this.g = new Float64Array(n);
    this.xt = new Float64Array(n);
    this.gt = new Float64Array(n);
  }

  private async evaluate(x0: Float64Array, d: Float64Array, step: number): Promise<{ f: number; dg: number }> {
    for (let i = 0; i < this.n; i++) this.xt[i] = x0[i] + step * d[i];
    const f = await this.fg(this.xt, this.gt);
    return { f, dg: dot(this.gt, d) };
  }

  private accept(f: number): void {
    this.x.set(this.xt);
    this.g.set(this.gt);
    this.f = f;
  }

  async search(x0: Float64Array, f0: number, _g0: Float64Array, d: Float64Array, dg0: number, step0: number): Promise<boolean> {
    let prevStep = 0;
    let prevF = f0;
    let prevDg = dg0;
    let step = step0;
    let evals = 0;
    // The point with the lowest f meeting sufficient decrease, in case the search runs out of evaluations.
    let haveLow = false;
    while (evals < this.maxEval) {
      const { f, dg } = await this.evaluate(x0, d, step);
      evals++;
      if (!Number.isFinite(f) || f > f0 + C1 * step * dg0 || (evals > 1 && f >= prevF)) {
        return this.zoom(x0, f0, d, dg0, prevStep, step, prevF, f, prevDg, dg, evals, haveLow);
      }
      if (Math.abs(dg) <= -C2 * dg0) {
        this.accept(f);
        return true;
      }
      this.accept(f);
      haveLow = true;
      if (dg >= 0) return this.zoom(x0, f0, d, dg0, step, prevStep, f, prevF, dg, prevDg, evals, haveLow);
      const next = cubicMin(prevStep, prevF, prevDg, step, f, dg);
      const lo = step + 1.1 * (step - prevStep);
      const hi = step * 10;
      prevStep = step;
      prevF = f;
      prevDg = dg;
      step = Number.isFinite(next) && next > lo && next < hi ? next : Math.min(Math.max(next, lo), hi) || hi;
    }
    return haveLow;
  }

  private async zoom(
    x0: Float64Array, f0: number, d: Float64Array, dg0: number,
    lo: number, hi: number, fLo: number, fHi: number, dgLo: number, dgHi: number,
    evals: number, haveLow: boolean,
  ): Promise<boolean> {
    while (evals < this.maxEval) {
      const width = Math.abs(hi - lo);
      if (width <= EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      let step = Number.isFinite(fHi) ? cubicMin(lo, fLo, dgLo, hi, fHi, dgHi) : NaN;
      const a = Math.min(lo, hi);
      const b = Math.max(lo, hi);
      if (!(step > a + 0.1 * width && step < b - 0.1 * width)) step = (lo + hi) / 2;
      const { f, dg } = await this.evaluate(x0, d, step);
      evals++;
      if (!Number.isFinite(f) || f > f0 + C1 * step * dg0 || f >= fLo) {
        hi = step;
        fHi = f;
        dgHi = dg;
      } else {
        this.accept(f);
        haveLow = true;
        if (Math.abs(dg) <= -C2 * dg0) return true;
        if (dg * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dgHi = dgLo;
        }
        lo = step;
        fLo = f;
        dgLo = dg;
      }
    }
    // Out of evaluations: take the best sufficient-decrease point, if any.
    return haveLow && this.f < f0;
  }
}

/** Minimiser of the cubic through (a, fa, ga) and (b, fb, gb); NaN if it has none. */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
