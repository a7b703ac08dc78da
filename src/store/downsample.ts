import type { Sql } from './connection';
import { BLOCK_SHIFT, BLOCK_SIZE, BlockAccumulator, MAX_TAIL } from './metricRollup';
import type { MetricHistory, StepRange } from './types';

/** A downsampled series: a subset of the real points, in step order. */
export interface DownsampledMetric extends MetricHistory {
  /** False when every point in the range was returned. */
  readonly downsampled: boolean;
}

export interface SeriesInfo {
  readonly id: number;
  readonly count: number;
  readonly monotonic: boolean;
  readonly rollupN: number;
}

type PointRow = [step: number, ts: number, value: number | null];

/** A metric_blocks row as an array (raw rows are ~3× cheaper to read than objects). */
type BlockRow = [
  block: number,
  firstStep: number, firstTs: number, firstValue: number | null,
  lastStep: number, lastTs: number, lastValue: number | null,
  minStep: number | null, minTs: number | null, minValue: number | null,
  maxStep: number | null, maxTs: number | null, maxValue: number | null,
];

const nan = (v: number | null): number => (v === null ? NaN : v);
/** Points per bucket below which blocks are too coarse and the points are scanned instead. */
const MIN_POINTS_PER_BUCKET = 4 * BLOCK_SIZE;

/**
 * Min/max downsampling by step range: the range splits into ⌊maxPoints/4⌋
 * buckets of equal step width and each bucket keeps its first, last, min and
 * max points, so spikes survive. Large monotonic series read the 64-point
 * block roll-up (one row per block, plus the raw tail; a bucket boundary then
 * falls on a block boundary); others run four indexed queries per bucket.
 */
export function downsampleSeries(
  sql: Sql,
  s: SeriesInfo,
  maxPoints: number,
  range: StepRange,
  history: () => MetricHistory,
): DownsampledMetric {
  const all = (): DownsampledMetric => ({ ...history(), downsampled: false });
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const first = sql.stmt('SELECT step FROM metric_points WHERE series_id = ? ORDER BY step, seq LIMIT 1').pluck(true).get(s.id) as
    | number
    | undefined;
  if (first === undefined || s.count <= maxPoints) return all();
  const last = sql.stmt('SELECT step FROM metric_points WHERE series_id = ? ORDER BY step DESC, seq DESC LIMIT 1').pluck(true).get(s.id) as number;
  const lo = Math.max(first, range.minStep ?? -Infinity);
  const hi = Math.min(last, range.maxStep ?? Infinity);
  if (hi < lo) return all();

  const tail = s.count - s.rollupN;
  const rollupOk = s.monotonic && s.rollupN % BLOCK_SIZE === 0 && tail >= 0 && tail <= MAX_TAIL;
  const units = rollupOk ? unitsFromBlocks(sql, s, lo, hi) : undefined;
  const whole = lo === first && hi === last;
  if (units && !(whole && units.total !== s.count)) {
    if (units.total <= maxPoints) return all();
    if (units.total >= MIN_POINTS_PER_BUCKET * buckets) return emit(bucketize(units.list, lo, hi, buckets));
    // Mid-size series (e.g. 10,000 points into 1,000): one bucket per 64-point
    // block still keeps every spike and costs one row per block, where exact
    // equal-width buckets would cost four queries each.
    if (units.list.length * 4 <= maxPoints) return emit(units.list);
  }
  const inRange = whole
    ? s.count
    : (sql.stmt('SELECT count(*) FROM metric_points WHERE series_id = ? AND step >= ? AND step <= ?').pluck(true).get(s.id, lo, hi) as number);
  if (inRange <= maxPoints) return all();
  return emit(scanBuckets(sql, s.id, lo, hi, buckets));
}

function pointUnit(step: number, ts: number, value: number): BlockAccumulator {
  const u = new BlockAccumulator();
  u.add(step, ts, value);
  return u;
}

/**
 * The range as roll-up blocks plus single points for the partial blocks at its
 * ends and the not-yet-complete tail. Undefined when the roll-up does not add
 * up (another writer did not maintain it), so the caller scans instead.
 */
function unitsFromBlocks(sql: Sql, s: SeriesInfo, lo: number, hi: number): { list: BlockAccumulator[]; total: number } | undefined {
  const blocks = sql
    .stmt(
      `SELECT block, first_step, first_ts, first_value, last_step, last_ts, last_value, min_step, min_ts, min_value,
              max_step, max_ts, max_value FROM metric_blocks WHERE series_id = ? ORDER BY block`,
    )
    .raw(true)
    .all(s.id) as BlockRow[];
  if (blocks.length !== s.rollupN >> BLOCK_SHIFT) return undefined;
  const pointsOf = sql
    .stmt('SELECT step, timestamp, value FROM metric_points WHERE series_id = ? AND step >= ? AND step <= ? AND seq >= ? AND seq < ? ORDER BY step, seq')
    .raw(true);
  const list: BlockAccumulator[] = [];
  let total = 0;
  let prevLast = -Infinity;
  const addPoints = (from: number, to: number, seqFrom: number, seqTo: number) => {
    for (const [step, ts, value] of pointsOf.all(s.id, from, to, seqFrom, seqTo) as PointRow[]) {
      list.push(pointUnit(step, ts, nan(value)));
      total++;
    }
  };
  for (const b of blocks) {
    const [block, firstStep, , , lastStep] = b;
    if (firstStep < prevLast) return undefined; // steps went backwards: roll-up unusable
    prevLast = lastStep;
    if (lastStep < lo || firstStep > hi) continue;
    const seq0 = block << BLOCK_SHIFT;
    if (firstStep >= lo && lastStep <= hi) {
      list.push(blockUnit(b));
      total += BLOCK_SIZE;
    } else {
      addPoints(Math.max(lo, firstStep), Math.min(hi, lastStep), seq0, seq0 + BLOCK_SIZE);
    }
  }
  addPoints(Math.max(lo, prevLast), hi, s.rollupN, Number.MAX_SAFE_INTEGER);
  return { list, total };
}

function blockUnit(b: BlockRow): BlockAccumulator {
  const u = new BlockAccumulator();
  u.n = BLOCK_SIZE;
  u.firstStep = b[1]; u.firstTs = b[2]; u.firstValue = nan(b[3]);
  u.lastStep = b[4]; u.lastTs = b[5]; u.lastValue = nan(b[6]);
  if (b[7] !== null) {
    u.hasMin = true; u.minStep = b[7]; u.minTs = b[8] as number; u.minValue = nan(b[9]);
  }
  if (b[10] !== null) {
    u.hasMax = true; u.maxStep = b[10]; u.maxTs = b[11] as number; u.maxValue = nan(b[12]);
  }
  return u;
}

/** Merges step-ordered units into `count` buckets by the step of their first point. */
function bucketize(units: readonly BlockAccumulator[], lo: number, hi: number, count: number): BlockAccumulator[] {
  const width = (hi + 1 - lo) / count;
  const out: BlockAccumulator[] = [];
  let current: BlockAccumulator | undefined;
  let currentIndex = -1;
  for (const u of units) {
    const index = Math.min(count - 1, Math.floor((u.firstStep - lo) / width));
    if (index !== currentIndex || !current) {
      current = new BlockAccumulator();
      out.push(current);
      currentIndex = index;
    }
    current.merge(u);
  }
  return out;
}

/** Exact buckets straight from the points: first/last by index seek, min/max by one scan each. */
function scanBuckets(sql: Sql, seriesId: number, lo: number, hi: number, count: number): BlockAccumulator[] {
  const where = 'FROM metric_points WHERE series_id = ? AND step >= ? AND step < ?';
  const firstQ = sql.stmt(`SELECT step, timestamp, value ${where} ORDER BY step, seq LIMIT 1`).raw(true);
  const lastQ = sql.stmt(`SELECT step, timestamp, value ${where} ORDER BY step DESC, seq DESC LIMIT 1`).raw(true);
  // With exactly one min()/max() aggregate, SQLite takes the bare columns from that row.
  const minQ = sql.stmt(`SELECT step, timestamp, min(value) ${where}`).raw(true);
  const maxQ = sql.stmt(`SELECT step, timestamp, max(value) ${where}`).raw(true);
  const width = (hi + 1 - lo) / count;
  const out: BlockAccumulator[] = [];
  for (let b = 0; b < count; b++) {
    const from = lo + b * width;
    const to = b === count - 1 ? hi + 1 : lo + (b + 1) * width;
    const f = firstQ.get(seriesId, from, to) as PointRow | undefined;
    if (!f) continue;
    const l = lastQ.get(seriesId, from, to) as PointRow;
    const mn = minQ.get(seriesId, from, to) as PointRow;
    const mx = maxQ.get(seriesId, from, to) as PointRow;
    const u = new BlockAccumulator();
    u.n = 2;
    u.firstStep = f[0]; u.firstTs = f[1]; u.firstValue = nan(f[2]);
    u.lastStep = l[0]; u.lastTs = l[1]; u.lastValue = nan(l[2]);
    if (mn[2] !== null) { u.hasMin = true; u.minStep = mn[0]; u.minTs = mn[1]; u.minValue = mn[2]; }
    if (mx[2] !== null) { u.hasMax = true; u.maxStep = mx[0]; u.maxTs = mx[1]; u.maxValue = mx[2]; }
    out.push(u);
  }
  return out;
}

/** Flattens buckets into arrays: per bucket its distinct first/min/max/last points in step order. */
function emit(buckets: readonly BlockAccumulator[]): DownsampledMetric {
  const steps: number[] = [];
  const timestamps: number[] = [];
  const values: number[] = [];
  const pts: [number, number, number][] = [];
  for (const u of buckets) {
    pts.length = 0;
    pts.push([u.firstStep, u.firstTs, u.firstValue]);
    if (u.hasMin) pts.push([u.minStep, u.minTs, u.minValue]);
    if (u.hasMax) pts.push([u.maxStep, u.maxTs, u.maxValue]);
    if (u.n > 1) pts.push([u.lastStep, u.lastTs, u.lastValue]);
    pts.sort((a, b) => a[0] - b[0]);
    let prev: [number, number, number] | undefined;
    for (const p of pts) {
      if (prev && prev[0] === p[0] && prev[1] === p[1] && Object.is(prev[2], p[2])) continue;
      steps.push(p[0]);
      timestamps.push(p[1]);
      values.push(p[2]);
      prev = p;
    }
  }
  return { steps: Float64Array.from(steps), timestamps: Float64Array.from(timestamps), values: Float64Array.from(values), downsampled: true };
}
