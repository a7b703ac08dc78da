/**
 * The seeded pseudo-random generator of RunLens: model fits, data splits,
 * folds, sweeps, the diff's samples and generated data sets all repeat
 * exactly for a given seed on every machine. Math.random cannot be seeded,
 * hence this.
 *
 * mulberry32 (32-bit state) is hand-written instead of a library because it
 * is ten lines, fast, and good enough for shuffling, sampling and
 * initialisation; it is not for cryptography. The seed goes through a
 * splitmix32-style scramble first, so nearby seeds (42, 43) give unrelated
 * streams.
 *
 * There was a second generator in src/core/util until #15.7; this is the one
 * the model code used, kept bit for bit so trained models did not change
 * (rng.test.ts pins its stream).
 */
export class Rng {
  private state: number;
  private spareNormal: number | undefined;

  /** Any finite number: integers in [-2^31, 2^32) are taken mod 2^32; larger ones and fractions fold all their bits in. */
  constructor(seed: number) {
    let s = (seedBits(seed) ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.state = (s ^ (s >>> 16)) >>> 0;
  }

  /** 32 random bits (mulberry32). */
  nextUint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return rng.shuffle(p);
}

/** The seed as 32 bits. */
function seedBits(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // What the model code always did (Math.trunc, then 32 bits): every seed it was given keeps its stream.
  if (Number.isInteger(seed) && seed >= -(2 ** 31) && seed < 2 ** 32) return seed >>> 0;
  if (Number.isInteger(seed) && Math.abs(seed) < 2 ** 53) {
    // Fold high bits in so 2^32 + 1 and 1 differ.
    return ((seed >>> 0) ^ Math.floor(seed / 4294967296)) >>> 0;
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed);
  return (view.getUint32(0) ^ view.getUint32(4)) >>> 0;
}
