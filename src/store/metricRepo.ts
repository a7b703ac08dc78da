import type { Sql } from './connection';
import type { DownsampledMetric } from './downsample';
import { downsampleSeries } from './downsample';
import { StoreError, isForeignKeyError } from './errors';
import { BLOCK_SIZE, FLUSH_BLOCKS, MAX_TAIL, SeriesRollup } from './metricRollup';
import { emptyHistory, rowColumns } from './metricColumns';
import { packedHistory } from './packedHistory';
import type { MetricHistory, MetricPoint, MetricSummary, StepRange } from './types';

interface SeriesDbRow {
  id: number;
  run_id: string;
  key: string;
  count: number;
  latest: number | null;
  latest_step: number | null;
  latest_ts: number | null;
  min: number | null;
  max: number | null;
  monotonic: number;
  rollup_n: number;
}

/** Per-series state while one batch is written. */
interface BatchSeries {
  readonly id: number;
  // Flags instead of nulls keep these fields unboxed doubles (no allocation per point).
  count: number;
  /** Whether the series has a point yet (then latest* are set). */
  hasLatest: boolean;
  latest: number;
  latestStep: number;
  latestTs: number;
  /** Whether a non-NaN value was seen (then min/max are set). */
  hasRange: boolean;
  min: number;
  max: number;
  monotonic: boolean;
  /** The block roll-up, while it is maintained for this series. */
  rollup: SeriesRollup | undefined;
  /** `rollup_n` as read; kept when the roll-up is given up. */
  readonly rollupN0: number;
}
/** A batch counts as a heartbeat of its run, written at most this often per run. */
const HEARTBEAT_EVERY_MS = 1000;

const SERIES_COLUMNS = 'id, run_id, key, count, latest, latest_step, latest_ts, min, max, monotonic, rollup_n';

/** SQLite turns NaN into NULL anyway; doing it here makes it deliberate and mapped back on read. */
function fromDb(v: number | null): number {
  return v === null ? NaN : v;
}

/**
 * Metric series and points. A batch is one transaction: per point one cached
 * INSERT; per series one SELECT and one UPDATE of its summary row.
 */
export class MetricRepo {
  /** `runId \0 key` → series id. Ids come from AUTOINCREMENT and are never reused. */
  private readonly seriesIds = new Map<string, number>();
  /**
   * Roll-up state per series id as of `count`, so the next batch of this
   * process need not read the tail back from the table.
   */
  private readonly rollups = new Map<number, { count: number; state: SeriesRollup }>();
  /** When this process last wrote each run's heartbeat from a batch. */
  private readonly heartbeats = new Map<string, number>();

  private readonly writeBatch: MetricRepo['writeBatchTx'];

  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
  ) {
    this.writeBatch = sql.writer(this.writeBatchTx.bind(this));
  }

  log(runId: string, points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    const now = this.now();
    const heartbeat = !(now - (this.heartbeats.get(runId) ?? -Infinity) < HEARTBEAT_EVERY_MS);
    // Inside a caller's transaction nothing is committed yet: cache nothing it could roll back.
    const nested = this.sql.db.inTransaction;
    const { created, written } = this.writeBatch(runId, points, now, heartbeat);
    for (const s of written) {
      if (!nested && s.rollup) this.rollups.set(s.id, { count: s.count, state: s.rollup });
      else this.rollups.delete(s.id);
    }
    if (nested) return;
    for (const [k, id] of created) this.seriesIds.set(k, id);
    if (heartbeat) this.heartbeats.set(runId, now);
  }

  /** One batch inside its write transaction; returns what to cache after the commit. */
  private writeBatchTx(runId: string, points: readonly MetricPoint[], now: number, heartbeat: boolean): { created: [string, number][]; written: BatchSeries[] } {
    const created: [string, number][] = [];
    const insert = this.sql.stmt('INSERT INTO metric_points (series_id, step, seq, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    const batch = new Map<string, BatchSeries>();
    for (const p of points) {
      let s = batch.get(p.key);
      if (s === undefined) {
        s = this.begin(runId, p.key, created);
        batch.set(p.key, s);
      }
      const value = p.value;
      if (typeof value !== 'number') throw new StoreError(`metric "${p.key}": value must be a number, got ${typeof value}`);
      let step = p.step;
      if (step === undefined) step = s.hasLatest ? s.latestStep + 1 : 0;
      else if (!Number.isSafeInteger(step)) throw new StoreError(`metric "${p.key}": step must be an integer, got ${step}`);
      const ts = p.timestamp ?? now;
      const seq = s.count++;
      insert.run(s.id, step, seq, ts, value === value ? value : null);
      if (!s.hasLatest || step >= s.latestStep) {
        s.hasLatest = true;
        s.latestStep = step;
        s.latest = value;
        s.latestTs = ts;
      } else {
        s.monotonic = false;
        s.rollup = undefined;
      }
      if (value === value) {
        if (!s.hasRange) {
          s.hasRange = true;
          s.min = s.max = value;
        } else if (value < s.min) s.min = value;
        else if (value > s.max) s.max = value;
      }
      if (s.rollup) s.rollup.add(step, ts, value);
    }
    const update = this.sql.stmt(
      `UPDATE metric_series SET count = ?, latest = ?, latest_step = ?, latest_ts = ?, min = ?, max = ?,
         monotonic = ?, rollup_n = ? WHERE id = ?`,
    );
    const written = [...batch.values()];
    for (const s of written) {
      if (s.rollup && s.rollup.pending.length >= FLUSH_BLOCKS) this.storeBlocks(s.id, s.rollup);
      update.run(
        s.count, s.latest === s.latest ? s.latest : null, s.latestStep, s.latestTs,
        s.hasRange ? s.min : null, s.hasRange ? s.max : null,
        s.monotonic ? 1 : 0, s.rollup ? s.rollup.rollupN : s.rollupN0, s.id,
      );
    }
    if (heartbeat) this.sql.stmt(`UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status IN ('running', 'queued')`).run(now, runId);
    return { created, written };
  }

  /** Loads (or creates) the series row of `key` for this batch. */
  private begin(runId: string, key: string, created: [string, number][]): BatchSeries {
    if (typeof key !== 'string' || key.length === 0) throw new StoreError('metric key must be a non-empty string');
    const cacheKey = `${runId}\0${key}`;
    let row: SeriesDbRow | undefined;
    const cached = this.seriesIds.get(cacheKey);
    if (cached !== undefined) {
      row = this.sql.stmt(`SELECT ${SERIES_COLUMNS} FROM metric_series WHERE id = ?`).get(cached) as SeriesDbRow | undefined;
      if (row?.run_id !== runId || row.key !== key) {
        this.seriesIds.delete(cacheKey); // deleted meanwhile (run deleted, or a rollback)
        row = undefined;
      }
    }
    if (row === undefined) {
      row = this.sql
        .stmt(`SELECT ${SERIES_COLUMNS} FROM metric_series WHERE run_id = ? AND key = ?`)
        .get(runId, key) as SeriesDbRow | undefined;
      if (row === undefined) {
        let id: number;
        try {
          id = Number(this.sql.stmt('INSERT INTO metric_series (run_id, key) VALUES (?, ?)').run(runId, key).lastInsertRowid);
        } catch (e) {
          if (isForeignKeyError(e)) throw new StoreError(`no run with id ${runId}`);
          throw e;
        }
        row = { id, run_id: runId, key, count: 0, latest: null, latest_step: null, latest_ts: null, min: null, max: null, monotonic: 1, rollup_n: 0 };
      }
      created.push([cacheKey, row.id]);
    }
    const monotonic = row.monotonic !== 0;
    return {
      id: row.id,
      count: row.count,
      latest: fromDb(row.latest),
      hasLatest: row.latest_step !== null,
      latestStep: row.latest_step ?? 0,
      latestTs: row.latest_ts ?? 0,
      hasRange: row.min !== null,
      min: row.min ?? 0,
      max: row.max ?? 0,
      monotonic,
      rollup: monotonic ? this.rollupOf(row) : undefined,
      rollupN0: row.rollup_n,
    };
  }

  /**
   * The roll-up state at the start of a batch: this process's cached copy when
   * nobody else wrote the series since, else rebuilt by reading the tail back
   * (monotonic, so the last n points by step are the last n logged; checked).
   */
  private rollupOf(row: SeriesDbRow): SeriesRollup | undefined {
    const cached = this.rollups.get(row.id);
    if (cached && cached.count === row.count && cached.state.rollupN === row.rollup_n) return cached.state.clone();
    const tail = row.count - row.rollup_n;
    if (row.rollup_n % BLOCK_SIZE !== 0 || tail < 0 || tail > MAX_TAIL) return undefined;
    const state = new SeriesRollup(row.rollup_n);
    if (tail === 0) return state;
    const rows = this.sql
      .stmt('SELECT seq, step, timestamp, value FROM metric_points WHERE series_id = ? ORDER BY step DESC, seq DESC LIMIT ?')
      .raw(true)
      .all(row.id, tail) as [number, number, number, number | null][];
    if (rows.length !== tail || rows.some((r, i) => r[0] !== row.count - 1 - i)) return undefined;
    for (let i = rows.length - 1; i >= 0; i--) state.add(rows[i][1], rows[i][2], fromDb(rows[i][3]));
    return state;
  }

  /** Stores the pending blocks; `rollup_n` then covers them. */
  private storeBlocks(seriesId: number, rollup: SeriesRollup): void {
    const insert = this.sql.stmt(
      `INSERT OR REPLACE INTO metric_blocks (series_id, block, first_step, first_ts, first_value, last_step, last_ts,
         last_value, min_step, min_ts, min_value, max_step, max_ts, max_value, points)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const { first, blocks, points } = rollup.take();
    blocks.forEach((b, i) =>
      insert.run(
        seriesId, first + i,
        b.firstStep, b.firstTs, nanToNull(b.firstValue),
        b.lastStep, b.lastTs, nanToNull(b.lastValue),
        b.hasMin ? b.minStep : null, b.hasMin ? b.minTs : null, b.hasMin ? b.minValue : null,
        b.hasMax ? b.maxStep : null, b.hasMax ? b.maxTs : null, b.hasMax ? b.maxValue : null,
        points[i],
      ),
    );
  }

  summaries(runId: string): MetricSummary[] {
    const rows = this.sql
      .stmt('SELECT key, latest, latest_step, latest_ts, min, max, count FROM metric_series WHERE run_id = ? AND count > 0 ORDER BY key')
      .all(runId) as { key: string; latest: number | null; latest_step: number; latest_ts: number; min: number | null; max: number | null; count: number }[];
    return rows.map((r) => ({
      key: r.key,
      latest: fromDb(r.latest),
      latestStep: r.latest_step,
      latestTimestamp: r.latest_ts,
      min: fromDb(r.min),
      max: fromDb(r.max),
      count: r.count,
    }));
  }

  /** The series row of (run, key), or undefined when the run never logged the key. */
  series(runId: string, key: string): { id: number; count: number; monotonic: boolean; rollupN: number } | undefined {
    const row = this.sql
      .stmt('SELECT id, count, monotonic, rollup_n FROM metric_series WHERE run_id = ? AND key = ?')
      .get(runId, key) as { id: number; count: number; monotonic: number; rollup_n: number } | undefined;
    return row && { id: row.id, count: row.count, monotonic: row.monotonic !== 0, rollupN: row.rollup_n };
  }

  /**
   * At most `limit` points of a series from position `fromSeq` of logging
   * order on (what a push has not shipped yet). A series whose steps never
   * went backwards is in logging order in its primary key, so the read walks
   * the index; otherwise it sorts by seq.
   */
  pointsFrom(runId: string, key: string, fromSeq: number, limit: number): MetricHistory {
    return this.sql.read(() => {
      const s = this.series(runId, key);
      if (!s) return emptyHistory();
      return s.monotonic
        ? rowColumns(this.sql, 'SELECT step, timestamp, value FROM metric_points WHERE series_id = ? ORDER BY step, seq LIMIT ? OFFSET ?', s.id, limit, fromSeq)
        : rowColumns(this.sql, 'SELECT step, timestamp, value FROM metric_points WHERE series_id = ? AND seq >= ? ORDER BY seq LIMIT ?', s.id, fromSeq, limit);
    });
  }

  /**
   * All points of a series in step order, as typed arrays (empty when the key
   * is unknown). A monotonic series reads its packed blocks and the tail
   * (packedHistory.ts); any other, or one whose blocks are not all packed, the rows.
   */
  history(runId: string, key: string, range: StepRange = {}): MetricHistory {
    return this.sql.read(() => {
      const s = this.series(runId, key);
      if (!s) return emptyHistory();
      const packed = packedHistory(this.sql, s, range);
      if (packed) return packed;
      return rowColumns(this.sql, 
        'SELECT step, timestamp, value FROM metric_points WHERE series_id = ? AND step >= ? AND step <= ? ORDER BY step, seq',
        s.id, range.minStep ?? -Infinity, range.maxStep ?? Infinity,
      );
    });
  }

  /** At most ~maxPoints points keeping each step bucket's first, last, min and max (spikes survive). */
  downsample(runId: string, key: string, maxPoints: number, range: StepRange = {}): DownsampledMetric {
    return this.sql.read(() => {
      const s = this.series(runId, key);
      if (!s) return { ...this.history(runId, key, range), downsampled: false };
      return downsampleSeries(this.sql, s, maxPoints, range, () => this.history(runId, key, range));
    });
  }
}

function nanToNull(v: number): number | null {
  return v === v ? v : null;
}
