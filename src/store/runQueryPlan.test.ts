/**
 * The query plans behind listRuns at team scale (BENCHMARKS.md, Store: 100,000
 * runs): for each common shape, SQLite's EXPLAIN QUERY PLAN of the page query
 * must search an index rather than scan. RunLens never runs ANALYZE, so the
 * planner works from its defaults and a small store plans like a large one.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { pageQuery } from './pagePlan';
import type { ListRunsQuery } from './runQuery';
import { tempStore } from './testing/tempStore';

/**
 * 40 runs in two experiments, each with params model, p1 and metrics m1, m2; returns the plans of `q`'s
 * page: the bounded walk when there is one (`walk`), its window's boundary (`boundary`), and the set
 * plan (`plan`, the page when there is no walk or the walk comes up short), with the page's run names.
 */
function plan(t: TestContext, q: ListRunsQuery): { plan: string[]; walk: string[]; boundary: string[]; names: string[] } {
  const { store, dir, clock } = tempStore(t, { staleAfterMs: Number.MAX_SAFE_INTEGER });
  for (let i = 0; i < 40; i++) {
    const run = store.createRun({ experiment: `exp${i % 2}`, name: `run-${i}`, status: 'finished' });
    store.logParams(run.id, { model: ['tree', 'mlp'][i % 2], p1: i });
    store.logMetrics(run.id, [{ key: 'm1', value: i / 40 }, { key: 'm2', value: (i % 7) / 7 }]);
    clock.advance(1000);
  }
  const names = store.listRuns(q).map((r) => r.name);
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  const explain = (sql: string, params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  const page = pageQuery(q, 0);
  const [first] = page.parts;
  const w = page.walk;
  const walk = w ? explain(w.sql, [...(w.bind === 'created' ? [0, 0, ''] : [0]), ...w.params]) : [];
  const boundary = w ? explain(w.boundary.sql, w.boundary.params) : [];
  return { plan: explain(first.sql, first.params), walk, boundary, names };
}

const has = (lines: string[], re: RegExp): boolean => lines.some((l) => re.test(l));
/** A full pass over a table (an index named after USING is still read whole). */
const scans = (lines: string[]): boolean => has(lines, /^SCAN (r|s|p|t|ls|lp|lt|sk\d|runs|params|metric_series)\b/);

test('a metric compared with a constant is a range search of metric_series_by_latest, no table scan', (t) => {
  const { plan: p, names } = plan(t, { filter: 'metrics.m1 > 0.9' });
  assert.ok(has(p, /SEARCH ls USING COVERING INDEX metric_series_by_latest \(key=\? AND latest>\?\)/), p.join('\n'));
  assert.ok(has(p, /SEARCH r USING INDEX sqlite_autoindex_runs_1 \(id=\?\)/), p.join('\n'));
  assert.ok(!scans(p), p.join('\n'));
  assert.deepEqual(names, ['run-39', 'run-38', 'run-37']);
});

test('no limit, three terms: the metric drives as a set, the param terms probe inside it (the equality by its covering index); runs read last; no scan', (t) => {
  const { plan: p, names } = plan(t, { filter: "metrics.m1 > 0.5 and params.model = 'tree' and params.p1 >= 30" });
  assert.ok(has(p, /SEARCH ls USING COVERING INDEX metric_series_by_latest \(key=\? AND latest>\?\)/), p.join('\n'));
  assert.ok(has(p, /SEARCH p (EXISTS )?USING COVERING INDEX params_by_value \(key=\? AND value=\? AND run_id=\?\)/), p.join('\n'));
  assert.ok(has(p, /SEARCH p (EXISTS )?USING PRIMARY KEY \(run_id=\? AND key=\?\)/), p.join('\n'));
  assert.ok(!scans(p), p.join('\n'));
  assert.deepEqual(names, ['run-38', 'run-36', 'run-34', 'run-32', 'run-30']);
});

test('or + not with a limit, newest first: a walk of runs_by_created_id that stops at the limit, each run probed; the fallback searches indexes', (t) => {
  const { plan: p, walk, names } = plan(t, { filter: "(metrics.m1 > 0.9 or params.model = 'mlp') and not params.p1 < 10", limit: 4 });
  assert.ok(has(walk, /SEARCH r USING INDEX runs_by_created_id \(created_at/), walk.join('\n'));
  // No sort step: rows leave in index order, so LIMIT ends the walk.
  assert.ok(!has(walk, /TEMP B-TREE/), walk.join('\n'));
  assert.ok(has(walk, /SEARCH s (EXISTS )?USING INDEX sqlite_autoindex_metric_series_1 \(run_id=\? AND key=\?\)/), walk.join('\n'));
  assert.ok(has(walk, /SEARCH p (EXISTS )?USING COVERING INDEX params_by_value \(key=\? AND value=\? AND run_id=\?\)/), walk.join('\n'));
  assert.ok(has(walk, /SEARCH p (EXISTS )?USING PRIMARY KEY \(run_id=\? AND key=\?\)/), walk.join('\n'));
  assert.ok(!scans(walk), walk.join('\n'));
  // The set plan, used when the walk's budget runs out first.
  assert.ok(has(p, /metric_series_by_latest \(key=\? AND latest>\?\)/), p.join('\n'));
  assert.ok(has(p, /params_by_value \(key=\? AND value=\?\)/), p.join('\n'));
  assert.ok(!scans(p), p.join('\n'));
  assert.deepEqual(names, ['run-39', 'run-38', 'run-37', 'run-35']);
});

test('a bounded walk finds the end of its window in the covering index it walks', (t) => {
  assert.deepEqual(plan(t, { limit: 10 }).boundary, ['SCAN runs USING COVERING INDEX runs_by_created_id']);
  assert.deepEqual(plan(t, { sort: 'metrics.m1', limit: 10 }).boundary, ['SEARCH metric_series USING COVERING INDEX metric_series_by_latest (key=? AND latest>?)']);
  assert.deepEqual(plan(t, { sort: 'params.p1 DESC', limit: 10 }).boundary, ['SEARCH params USING COVERING INDEX params_by_num (key=? AND num>?)']);
});

test('sorted by a metric with a limit: the walk follows metric_series_by_latest, the filter probes (run_id, key)', (t) => {
  const { walk: p, plan: set, names } = plan(t, { filter: 'metrics.m1 > 0.5', sort: 'metrics.m2 DESC', limit: 3 });
  assert.match(p[0], /SEARCH sk0 USING COVERING INDEX metric_series_by_latest \(key=\? AND latest>\?\)/, p.join('\n'));
  assert.ok(has(p, /SEARCH s (EXISTS )?USING INDEX sqlite_autoindex_metric_series_1 \(run_id=\? AND key=\?\)/), p.join('\n'));
  assert.ok(!has(p, /USE TEMP B-TREE FOR ORDER BY/), p.join('\n'));
  assert.ok(!scans(p), p.join('\n'));
  // The fallback when the walk's window has too few matches: the metric filter as a set, sorted.
  assert.ok(has(set, /SEARCH ls USING COVERING INDEX metric_series_by_latest/), set.join('\n'));
  assert.ok(!scans(set), set.join('\n'));
  // Among i ≥ 21 (m1 > 0.5), m2 = (i % 7) / 7 is highest (6/7) at i = 34 and 27 (newest first), then 5/7 at 33.
  assert.deepEqual(names, ['run-34', 'run-27', 'run-33']);
});

test('sorted by a numeric param with a limit: the walk follows params_by_num, only ties are sorted; no scan', (t) => {
  const { walk: p, names } = plan(t, { filter: "params.model = 'tree'", sort: 'params.p1 DESC', limit: 3 });
  assert.match(p[0], /SEARCH sk0 USING INDEX params_by_num \(key=\? AND num>\?\)/, p.join('\n'));
  assert.ok(!has(p, /USE TEMP B-TREE FOR ORDER BY/), p.join('\n'));
  assert.ok(has(p, /SEARCH p (EXISTS )?USING COVERING INDEX params_by_value \(key=\? AND value=\? AND run_id=\?\)/), p.join('\n'));
  assert.ok(!scans(p), p.join('\n'));
  assert.deepEqual(names, ['run-38', 'run-36', 'run-34']);
});

test('sorted by a metric, fewer matches than the limit: runs lacking the metric follow (NULLS LAST), offset across both', (t) => {
  const { store } = tempStore(t);
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    const run = store.createRun({ experiment: 'e', name: `r${i}` });
    ids.push(run.id);
    if (i < 2) store.logMetrics(run.id, [{ key: 'acc', value: i }]);
    if (i === 2) store.logMetrics(run.id, [{ key: 'acc', value: NaN }]);
  }
  const names = (offset: number) => store.listRuns({ sort: 'metrics.acc DESC', limit: 3, offset }).map((r) => r.name);
  assert.deepEqual(names(0).slice(0, 2), ['r1', 'r0']);
  assert.deepEqual(new Set(names(0).slice(2).concat(names(3))), new Set(['r2', 'r3']));
  assert.equal(names(1)[0], 'r0');
});

test('one experiment: the walk stays on runs_by_created_id; the set plan searches runs_by_experiment or the metric index', (t) => {
  const { plan: p, walk, names } = plan(t, { experiment: 'exp1', filter: 'metrics.m1 > 0.8', limit: 200 });
  assert.ok(has(walk, /SEARCH r USING INDEX runs_by_created_id/), walk.join('\n'));
  assert.ok(has(p, /SEARCH r USING INDEX runs_by_experiment \(experiment_id=\?\)|metric_series_by_latest/), p.join('\n'));
  assert.ok(!scans(p) && !scans(walk), [...p, ...walk].join('\n'));
  assert.deepEqual(names, ['run-39', 'run-37', 'run-35', 'run-33']);
});

test("a run's children, or a run by id, with a limit: no walk in created order; runs_by_parent or the id key finds them", (t) => {
  const { store, dir } = tempStore(t);
  const parent = store.createRun({ experiment: 'e', name: 'sweep' });
  const db = new Database(path.join(dir, 'store.db'), { readonly: true });
  t.after(() => db.close());
  const cases: [ListRunsQuery, RegExp][] = [
    [{ parentId: parent.id, limit: 100_000 }, /SEARCH r USING INDEX runs_by_parent \(parent_id=\?\)/],
    [{ filter: `attributes.id = '${parent.id}' and metrics.acc > 0`, limit: 1 }, /SEARCH r USING INDEX sqlite_autoindex_runs_1 \(id=\?\)/],
  ];
  for (const [q, index] of cases) {
    const page = pageQuery(q, 0);
    assert.equal(page.walk, undefined, JSON.stringify(q));
    const p = (db.prepare(`EXPLAIN QUERY PLAN ${page.parts[0].sql}`).all(...page.parts[0].params) as { detail: string }[]).map((r) => r.detail);
    assert.ok(has(p, index), p.join('\n'));
    assert.ok(!scans(p), p.join('\n'));
  }
});
