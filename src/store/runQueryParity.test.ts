/**
 * listRuns's page plans (bounded walks, index walks of a sort key, the lead
 * set with probes inside it) against the plain path they replace: every
 * filter term an `r.id IN (set)`, the whole match set sorted with LEFT JOINs,
 * then LIMIT/OFFSET. Same ids in the same order, on a generated store with
 * every filter operator, missing keys, NaN metrics, text and numeric params,
 * ties in created_at, child runs and soft-deleted runs.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import { Rng } from '../core/util/rng';
import { Sql } from './connection';
import { filterToSql } from './filterToSql';
import type { ListRunsQuery } from './runQuery';
import { listRuns } from './runQuery';
import { sortToSql } from './sortToSql';
import { tempStore } from './testing/tempStore';

const FILTERS = [
  '',
  "params.model = 'tree'",
  "params.model != 'tree'",
  "params.model LIKE 't%'",
  "params.model ILIKE 'T%'",
  "params.model NOT LIKE '%e'",
  "params.model NOT ILIKE 'TREE'",
  "params.model IN ('tree', 'knn')",
  "params.model NOT IN ('tree', 'knn')",
  'params.model IS NULL',
  'params.model IS NOT NULL',
  'params.mixed = 3',
  "params.mixed = '3'",
  'params.mixed > 3',
  'params.mixed <= 10',
  "params.mixed >= 'auto'",
  'params.mixed IN (3, 10, \'auto\')',
  'params.mixed NOT IN (3, 10)',
  'params.mixed = NaN',
  'params.mixed != NaN',
  'params.flag = true',
  'params.lr < 0.01',
  'metrics.acc > 0.5',
  'metrics.acc >= 0.5 and metrics.acc < 0.75',
  'metrics.acc = NaN',
  'metrics.acc != NaN',
  'metrics.acc IS NULL',
  'metrics.acc IN (0.25, 0.5)',
  'metrics.acc != 0.5',
  "tags.team = 'Vision'",
  "tags.team ILIKE 'vision'",
  "metrics.acc > 0.3 and params.model = 'tree' and params.mixed >= 3",
  "status = 'finished' and metrics.loss < 0.5",
  "name LIKE 'run-1%' and params.model = 'mlp'",
  "(metrics.acc > 0.8 or params.model = 'mlp') and not params.mixed < 10",
  "not (params.model = 'tree' or tags.team IS NOT NULL)",
  "metrics.loss < 0.4 and (status = 'failed' or params.lr > 0.001)",
  "params.model = 'knn' and metrics.acc > 0.95 and metrics.loss < 0.05",
];
const SORTS = ['', 'metrics.acc DESC', 'metrics.acc', 'params.mixed DESC', 'params.mixed', 'tags.team DESC', 'attributes.name', 'metrics.loss DESC, params.model'];
const PAGES: { limit?: number; offset?: number }[] = [{}, { limit: 5 }, { limit: 40, offset: 7 }];

/** The plain path: the whole match set sorted, then the page. */
function plainIds(db: Database.Database, q: ListRunsQuery): string[] {
  const filter = parseFilterOrEmpty(typeof q.filter === 'string' ? q.filter : '');
  const sort = sortToSql(parseSort(typeof q.sort === 'string' ? q.sort : ''), { now: 0 });
  const where = ['r.deleted_at IS NULL'];
  const params: unknown[] = [...sort.joinParams];
  if (q.parentId === null) where.push('r.parent_id IS NULL');
  else if (q.parentId !== undefined) {
    where.push('r.parent_id = ?');
    params.push(q.parentId);
  }
  if (q.experiment !== undefined) {
    where.push('r.experiment_id = (SELECT id FROM experiments WHERE name = ?)');
    params.push(q.experiment);
  }
  if (filter) {
    const f = filterToSql(filter, { now: 0, terms: 'sets' });
    where.push(f.sql);
    params.push(...f.params);
  }
  const sql = `SELECT r.id FROM runs r ${sort.joins} WHERE ${where.join(' AND ')} ORDER BY ${sort.orderBy} LIMIT ? OFFSET ?`;
  return db.prepare(sql).pluck(true).all(...params, ...sort.orderParams, q.limit ?? -1, q.offset ?? 0) as string[];
}

test('every page plan returns the ids, in the order, of the plain sorted match set', (t) => {
  const { store, dir, clock } = tempStore(t, { staleAfterMs: Number.MAX_SAFE_INTEGER });
  const rng = new Rng(17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  let previous: string | undefined;
  for (let i = 0; i < 240; i++) {
    const parentId = i % 9 === 8 ? previous : undefined;
    const run = store.createRun({ experiment: `e${i % 3}`, name: `run-${i}`, status: pick(['finished', 'failed', 'killed'] as const), parentId });
    previous = run.id;
    const params: Record<string, string | number | boolean> = { lr: pick(['0.01', '1e-3', '0.1', '0.0001']) };
    if (rng.next() < 0.85) params.model = pick(['tree', 'mlp', 'Tree', 'knn']);
    if (rng.next() < 0.8) params.mixed = pick(['3', '10', 'auto', 'NaN', 'inf', '-2.5', 'zeta', '03']);
    if (rng.next() < 0.3) params.flag = rng.next() < 0.5;
    store.logParams(run.id, params);
    const points: { key: string; value: number }[] = [];
    const r = rng.next();
    if (r < 0.8) points.push({ key: 'acc', value: pick([0.25, 0.5, 0.75]) }, { key: 'acc', value: r < 0.1 ? NaN : Math.round(rng.next() * 100) / 100 });
    if (rng.next() < 0.9) points.push({ key: 'loss', value: Math.round(rng.next() * 20) / 20 });
    if (points.length > 0) store.logMetrics(run.id, points);
    if (rng.next() < 0.4) store.setTags(run.id, { team: pick(['Vision', 'vision', 'nlp']) });
    if (rng.next() < 0.05) store.lifecycle.deleteRun(run.id);
    // Half the runs share their created_at with the one before: ties go to the id.
    if (rng.next() < 0.5) clock.advance(1000);
  }
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  const sql = new Sql(db, true);
  let compared = 0;
  let nonEmpty = 0;
  for (const filter of FILTERS) {
    for (const sort of SORTS) {
      for (const page of PAGES) {
        const q: ListRunsQuery = { filter, sort, ...page };
        const want = plainIds(db, q);
        const got = store.listRuns(q).map((r) => r.id);
        assert.deepEqual(got, want, `${JSON.stringify(q)}: listRuns differs from the plain path`);
        // A one-run walk budget: the bounded walk gives up at once and the set plan makes the page.
        const fallback = listRuns(sql, q, clock.now(), { walkMin: 1 }).map((r) => r.id);
        assert.deepEqual(fallback, want, `${JSON.stringify(q)}: the set plan after the walk differs from the plain path`);
        compared++;
        if (want.length > 0) nonEmpty++;
      }
    }
  }
  assert.equal(compared, FILTERS.length * SORTS.length * PAGES.length);
  // The filters are not vacuous: most pages have runs in them.
  assert.ok(nonEmpty > compared * 0.8, `${nonEmpty} of ${compared} pages non-empty`);
});

test('one experiment, top-level runs only, a run\'s children: the page plans agree with the plain path', (t) => {
  const { store, dir, clock } = tempStore(t, { staleAfterMs: Number.MAX_SAFE_INTEGER });
  let parent: string | undefined;
  for (let i = 0; i < 60; i++) {
    const run = store.createRun({ experiment: `e${i % 2}`, name: `r${i}`, parentId: i % 4 === 3 ? parent : undefined, status: 'finished' });
    if (i % 4 === 0) parent = run.id;
    store.logParams(run.id, { model: ['tree', 'mlp'][i % 2 === 0 ? (i >> 1) % 2 : 0], depth: i % 5 });
    store.logMetrics(run.id, [{ key: 'acc', value: (i % 7) / 7 }]);
    clock.advance(i % 3 === 0 ? 0 : 500);
  }
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  for (const filter of ['', "params.model = 'tree'", 'metrics.acc > 0.4 and params.depth >= 2']) {
    for (const sort of ['', 'metrics.acc DESC', 'params.depth']) {
      for (const scope of [{ experiment: 'e0' }, { parentId: null }, { experiment: 'e1', parentId: null }, { parentId: parent }]) {
        const q: ListRunsQuery = { filter, sort, limit: 6, offset: 2, ...scope };
        assert.deepEqual(store.listRuns(q).map((r) => r.id), plainIds(db, q), JSON.stringify(q));
      }
    }
  }
});
