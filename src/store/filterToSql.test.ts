import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type { CompareOp, Entity, FieldRef, FilterExpr, Literal } from '../core/query/ast';
import { QueryError } from '../core/query/ast';
import { parseFilter } from '../core/query/parseFilter';
import { filterToSql } from './filterToSql';
import { likeToGlob } from './queryFields';
import type { RunStore } from './runStore';
import { tempStore } from './testing/tempStore';

// ── AST builders (the parser is tested elsewhere; these pin what the store compiles) ──
const f = (entity: Entity, key: string, start = 0, end = 0): FieldRef => ({ entity, key, start, end });
const cmp = (field: FieldRef, op: CompareOp, value: Literal): FilterExpr => ({ kind: 'compare', field, op, value, start: field.start, end: field.end });
const inList = (field: FieldRef, values: Literal[], negated = false): FilterExpr => ({ kind: 'in', field, values, negated, start: 0, end: 0 });
const exists = (field: FieldRef, negated = false): FilterExpr => ({ kind: 'exists', field, negated, start: 0, end: 0 });
const and = (left: FilterExpr, right: FilterExpr): FilterExpr => ({ kind: 'and', left, right });
const or = (left: FilterExpr, right: FilterExpr): FilterExpr => ({ kind: 'or', left, right });
const not = (expr: FilterExpr): FilterExpr => ({ kind: 'not', expr });
const m = (k: string) => f('metrics', k);
const p = (k: string) => f('params', k);
const tg = (k: string) => f('tags', k);
const a = (k: string) => f('attributes', k);
const ds = (k: string) => f('datasets', k);

interface Fixture {
  store: RunStore;
  ids: Record<string, string>;
  names: (filter: FilterExpr | string) => string[];
}

/** alpha, beta (child of alpha), Gamma, delta: see the comments for what each has. */
function fixture(t: TestContext): Fixture {
  const { store, clock } = tempStore(t, { staleAfterMs: Number.MAX_SAFE_INTEGER });
  const ids: Record<string, string> = {};
  // alpha: finished after 60 s, starred, params/metrics/tags/inputs everywhere.
  const alpha = store.createRun({ experiment: 'iris', name: 'alpha', configPath: 'iris.train.yaml', gitCommit: 'abc123' });
  ids.alpha = alpha.id;
  store.logParams(alpha.id, { model: 'tree', lr: '0.01', depth: 4, flag: true, pattern: 'a*b' });
  store.logMetrics(alpha.id, [{ key: 'acc', value: 0.95 }, { key: 'loss', value: 0.1 }]);
  store.setTags(alpha.id, { team: 'Vision', stage: 'prod' });
  store.setStar(alpha.id, true);
  store.setNote(alpha.id, 'best one');
  store.datasets.logInput(alpha.id, { fingerprint: 'fp1', path: 'data/iris.csv', rows: 150 }, 'train');
  clock.advance(60_000);
  store.setStatus(alpha.id, 'finished');
  // beta: failed child of alpha; latest loss is NaN; depth is not a number.
  const beta = store.createRun({ experiment: 'iris', name: 'beta', parentId: alpha.id });
  ids.beta = beta.id;
  store.logParams(beta.id, { model: 'mlp', lr: '0.1', depth: 'deep', pattern: 'axxb' });
  store.logMetrics(beta.id, [{ key: 'acc', value: 0.8 }, { key: 'loss', value: NaN }]);
  store.setTags(beta.id, { team: 'vision' });
  store.datasets.logInput(beta.id, { fingerprint: 'fp2', path: 'data/test.csv', rows: 30 }, 'test');
  clock.advance(1000);
  store.setStatus(beta.id, 'failed', { error: 'diverged' });
  // Gamma: running (no end), acc is +Infinity, capitalised model.
  const gamma = store.createRun({ experiment: 'wine', name: 'Gamma' });
  ids.Gamma = gamma.id;
  store.logParams(gamma.id, { model: 'Tree', lr: '1e-3' });
  store.logMetrics(gamma.id, [{ key: 'acc', value: Infinity }]);
  // delta: queued, nothing logged.
  ids.delta = store.createRun({ experiment: 'wine', name: 'delta', status: 'queued' }).id;
  clock.advance(10_000);
  const names = (filter: FilterExpr | string) => store.listRuns({ filter }).map((r) => r.name).sort();
  return { store, ids, names };
}

test('metrics compare the latest value; runs without the key never match', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(m('acc'), '>', 0.9)), ['Gamma', 'alpha']);
  assert.deepEqual(names(cmp(m('acc'), '>=', 0.8)), ['Gamma', 'alpha', 'beta']);
  assert.deepEqual(names(cmp(m('acc'), '<', 0.9)), ['beta']);
  assert.deepEqual(names(cmp(m('acc'), '<=', 0.95)), ['alpha', 'beta']);
  assert.deepEqual(names(cmp(m('acc'), '=', 0.8)), ['beta']);
  assert.deepEqual(names(cmp(m('acc'), '!=', 0.8)), ['Gamma', 'alpha']);
  assert.deepEqual(names(cmp(m('acc'), '=', Infinity)), ['Gamma']);
  assert.deepEqual(names(cmp(m('acc'), '=', '0.8')), ['beta']);
  assert.deepEqual(names(not(cmp(m('acc'), '>', 0.9))), ['beta', 'delta']);
});

test('metrics: NaN, IS NULL / IS NOT NULL, IN, and LIKE refused', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(m('loss'), '=', NaN)), ['beta']);
  assert.deepEqual(names(cmp(m('loss'), '!=', NaN)), ['alpha']);
  assert.deepEqual(names(cmp(m('loss'), '<', NaN)), []);
  assert.deepEqual(names(cmp(m('loss'), '<', 1)), ['alpha']);
  assert.deepEqual(names(exists(m('loss'), true)), ['Gamma', 'delta']);
  assert.deepEqual(names(exists(m('loss'))), ['alpha', 'beta']);
  assert.deepEqual(names(cmp(m('loss'), '=', null)), ['Gamma', 'delta']);
  assert.deepEqual(names(inList(m('acc'), [0.8, 0.95])), ['alpha', 'beta']);
  assert.deepEqual(names(inList(m('acc'), [0.8], true)), ['Gamma', 'alpha']);
  assert.throws(() => names(cmp(m('acc'), 'LIKE', '1%')), QueryError);
  assert.throws(() => names(cmp(m('acc'), '>', 'high')), /expected a number/);
});

test('params compare text, or numbers when the literal is a number', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(p('model'), '=', 'tree')), ['alpha']);
  assert.deepEqual(names(cmp(p('model'), '!=', 'tree')), ['Gamma', 'beta']);
  assert.deepEqual(names(cmp(p('lr'), '<', 0.05)), ['Gamma', 'alpha']); // 0.01 and 1e-3 numerically
  assert.deepEqual(names(cmp(p('lr'), '<', '0.05')), ['alpha']); // text: '0.1' and '1e-3' sort after
  assert.deepEqual(names(cmp(p('depth'), '>', 3)), ['alpha']); // 'deep' is not a number: false
  assert.deepEqual(names(cmp(p('depth'), '=', 4)), ['alpha']);
  assert.deepEqual(names(cmp(p('depth'), '=', 4.0)), ['alpha']);
  assert.deepEqual(names(cmp(p('flag'), '=', true)), ['alpha']);
  assert.deepEqual(names(cmp(p('flag'), '=', false)), []);
  assert.deepEqual(names(exists(p('depth'), true)), ['Gamma', 'delta']);
  assert.deepEqual(names(inList(p('model'), ['tree', 'mlp'])), ['alpha', 'beta']);
  assert.deepEqual(names(inList(p('model'), ['tree'], true)), ['Gamma', 'beta']);
  assert.deepEqual(names(inList(p('depth'), [4, 'deep'])), ['alpha', 'beta']);
  assert.deepEqual(names(inList(p('depth'), [4], true)), ['beta']);
});

test('LIKE is case-sensitive, ILIKE not; wildcards are only % and _', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(p('model'), 'LIKE', 't%')), ['alpha']);
  assert.deepEqual(names(cmp(p('model'), 'ILIKE', 't%')), ['Gamma', 'alpha']);
  assert.deepEqual(names(cmp(p('model'), 'NOT LIKE', 't%')), ['Gamma', 'beta']);
  assert.deepEqual(names(cmp(p('model'), 'NOT ILIKE', 'T%')), ['beta']);
  assert.deepEqual(names(cmp(tg('stage'), 'LIKE', 'pr_d')), ['alpha']);
  assert.deepEqual(names(cmp(p('pattern'), 'LIKE', 'a*b')), ['alpha']); // * is literal, not a GLOB wildcard
  assert.deepEqual(names(cmp(p('pattern'), 'LIKE', 'a%b')), ['alpha', 'beta']);
  assert.deepEqual(names(cmp(a('name'), 'LIKE', '%a')), ['Gamma', 'alpha', 'beta', 'delta']);
  assert.deepEqual(names(cmp(a('name'), 'LIKE', 'g%')), []);
  assert.deepEqual(names(cmp(a('run_name'), 'ILIKE', 'g%')), ['Gamma']);
  assert.equal(likeToGlob('a%b_c*d?e[f]'), 'a*b?c[*]d[?]e[[]f]');
});

test('tags', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(tg('team'), '=', 'vision')), ['beta']);
  assert.deepEqual(names(cmp(tg('team'), 'ILIKE', 'VISION')), ['alpha', 'beta']);
  assert.deepEqual(names(exists(tg('team'), true)), ['Gamma', 'delta']);
  assert.deepEqual(names(inList(tg('team'), ['Vision', 'x'])), ['alpha']);
});

test('attributes: status, ids, names, experiment, parent, text columns', (t) => {
  const { names, ids } = fixture(t);
  assert.deepEqual(names(cmp(a('status'), '=', 'RUNNING')), ['Gamma']);
  assert.deepEqual(names(cmp(a('status'), '!=', 'finished')), ['Gamma', 'beta', 'delta']);
  assert.deepEqual(names(cmp(a('status'), '=', 'scheduled')), ['delta']);
  assert.deepEqual(names(inList(a('status'), ['FINISHED', 'failed'])), ['alpha', 'beta']);
  assert.deepEqual(names(inList(a('status'), ['finished'], true)), ['Gamma', 'beta', 'delta']);
  assert.throws(() => names(cmp(a('status'), '=', 'done')), /unknown status "done"/);
  assert.deepEqual(names(cmp(a('id'), '=', ids.beta)), ['beta']);
  assert.deepEqual(names(cmp(a('run_id'), 'LIKE', `${ids.Gamma.slice(0, 6).toUpperCase()}%`)), ['Gamma']);
  assert.deepEqual(names(cmp(a('id'), '=', ids.delta.toUpperCase())), ['delta']);
  assert.deepEqual(names(cmp(a('experiment'), '=', 'wine')), ['Gamma', 'delta']);
  assert.deepEqual(names(cmp(a('parent_id'), '=', ids.alpha)), ['beta']);
  assert.deepEqual(names(exists(a('parent_id'), true)), ['Gamma', 'alpha', 'delta']);
  assert.deepEqual(names(cmp(a('config_path'), 'LIKE', '%.yaml')), ['alpha']);
  assert.deepEqual(names(cmp(a('git_commit'), '=', 'abc123')), ['alpha']);
  assert.deepEqual(names(cmp(a('note'), 'ILIKE', '%BEST%')), ['alpha']);
  // A comparison on a missing (NULL) attribute is false, so NOT of it is true.
  assert.deepEqual(names(not(cmp(a('note'), '=', 'best one'))), ['Gamma', 'beta', 'delta']);
  assert.deepEqual(names(cmp(a('starred'), '=', true)), ['alpha']);
  assert.deepEqual(names(cmp(a('starred'), '=', false)), ['Gamma', 'beta', 'delta']);
});

test('attributes: times and durations (ms, dates, 5m-style)', (t) => {
  const { names, store, ids } = fixture(t);
  const alpha = store.getRun(ids.alpha);
  assert.deepEqual(names(cmp(a('start_time'), '=', alpha.startedAt)), ['alpha']);
  assert.deepEqual(names(cmp(a('created'), '>', alpha.createdAt)), ['Gamma', 'beta', 'delta']);
  assert.deepEqual(names(cmp(a('end_time'), '<=', alpha.endedAt)), ['alpha']);
  assert.deepEqual(names(cmp(a('end_time'), '>', '2024-12-31')), ['alpha', 'beta']);
  assert.deepEqual(names(exists(a('end_time'), true)), ['Gamma', 'delta']);
  // alpha ran 60 s, beta 1 s; Gamma is still running: 10 s so far by the store clock; delta never started.
  assert.deepEqual(names(cmp(a('duration'), '>=', 60_000)), ['alpha']);
  assert.deepEqual(names(cmp(a('duration'), '>', '5s')), ['Gamma', 'alpha']);
  assert.deepEqual(names(cmp(a('duration'), '<', '1m')), ['Gamma', 'beta']);
  assert.deepEqual(names(inList(a('duration'), [1000, 60_000])), ['alpha', 'beta']);
  assert.throws(() => names(cmp(a('duration'), '>', 'long')), /expected a duration/);
  assert.throws(() => names(cmp(a('start_time'), '>', 'yesterday-ish')), /expected a time/);
});

test('datasets: fingerprint, path, role and dataset columns through the run inputs', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(ds('role'), '=', 'train')), ['alpha']);
  assert.deepEqual(names(cmp(ds('fingerprint'), '=', 'fp2')), ['beta']);
  assert.deepEqual(names(cmp(ds('path'), 'LIKE', 'data/%')), ['alpha', 'beta']);
  assert.deepEqual(names(cmp(ds('rows'), '>', 100)), ['alpha']);
  assert.deepEqual(names(exists(ds('fingerprint'), true)), ['Gamma', 'delta']);
  assert.deepEqual(names(inList(ds('role'), ['test', 'eval'])), ['beta']);
  assert.throws(() => names(cmp(ds('colour'), '=', 'x')), /unknown dataset field "colour"/);
});

test('and / or / not and grouping', (t) => {
  const { names } = fixture(t);
  // (acc > 0.9 or model = 'mlp') and not status = 'running'
  const grouped = and(or(cmp(m('acc'), '>', 0.9), cmp(p('model'), '=', 'mlp')), not(cmp(a('status'), '=', 'running')));
  assert.deepEqual(names(grouped), ['alpha', 'beta']);
  // acc > 0.9 or (model = 'mlp' and not status = 'running'): grouping changes the answer
  const other = or(cmp(m('acc'), '>', 0.9), and(cmp(p('model'), '=', 'mlp'), not(cmp(a('status'), '=', 'running'))));
  assert.deepEqual(names(other), ['Gamma', 'alpha', 'beta']);
  assert.deepEqual(names(not(not(exists(m('acc'))))), ['Gamma', 'alpha', 'beta']);
  assert.deepEqual(names(and(exists(m('acc')), exists(m('acc'), true))), []);
});

test('query text goes through parseFilter; errors point at the field', (t) => {
  const { names, store } = fixture(t);
  assert.deepEqual(names("metrics.acc > 0.9 and (params.model = 'tree' or tags.team ILIKE 'v%')"), ['alpha']);
  assert.deepEqual(names('status = "FAILED"'), ['beta']);
  assert.deepEqual(names('  '), ['Gamma', 'alpha', 'beta', 'delta']);
  const text = "params.a = 1 and attributes.colour = 'red'";
  assert.throws(
    () => store.listRuns({ filter: text }),
    (e: unknown) => e instanceof QueryError && e.start === 17 && e.end === 34 && /unknown attribute "colour"/.test(e.message) && e.query === text,
  );
  assert.throws(() => filterToSql(cmp(f('attributes', 'nope', 3, 18), '=', 1)), (e: unknown) => e instanceof QueryError && e.start === 3 && e.end === 18);
});

test('keys and values are bound, never spliced into the SQL', () => {
  const evil = `x' OR 1=1; DROP TABLE runs; --`;
  const expr = parseFilter(`metrics.\`${evil}\` > 1 and params.\`${evil}\` = '${evil.replace(/'/g, "\\'")}' and tags.t LIKE '%${evil.replace(/'/g, "\\'")}'`);
  const { sql, params } = filterToSql(expr);
  assert.ok(!sql.includes('DROP') && !sql.includes('1=1'), sql);
  assert.equal(params.filter((x) => x === evil).length, 3);
  assert.equal((sql.match(/\?/g) ?? []).length, params.length);
});

test('compare with null means IS NULL / IS NOT NULL; other operators refuse it', (t) => {
  const { names } = fixture(t);
  assert.deepEqual(names(cmp(p('depth'), '=', null)), ['Gamma', 'delta']);
  assert.deepEqual(names(cmp(p('depth'), '!=', null)), ['alpha', 'beta']);
  assert.throws(() => names(cmp(p('depth'), '>', null)), /cannot compare with null/);
});
