/**
 * The JavaScript filter and sort against the store's SQL on the same runs: for
 * every filter and sort of a corpus, the ids (and their order) must be those
 * `RunStore.listRuns` gives, and a refused filter must be refused with the
 * same message. Runs are in a real SQLite store, built to hit the edges
 * (NaN and ±Infinity latest values, numeric-looking params, booleans,
 * non-ASCII and astral text, missing keys, nullable attributes, inputs).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { parseFilter } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import type { RunStore } from '../store/runStore';
import { tempStore } from '../store/testing/tempStore';
import type { RunRow } from '../store/types';
import { compileFilter } from './filterEvaluator';
import type { EvalRun } from './runFields';
import { compareText, likeMatches } from './sqlText';
import { compileSort } from './sortEvaluator';

function fixture(t: TestContext): { store: RunStore; now: number } {
  const { store, clock } = tempStore(t, { staleAfterMs: Number.MAX_SAFE_INTEGER });
  const run = (experiment: string, name: string, opts: { status?: 'queued' | 'running'; parentId?: string; gitCommit?: string } = {}) => {
    clock.advance(1000);
    return store.createRun({ experiment, name, ...opts }).id;
  };
  const a = run('iris', 'alpha', { gitCommit: 'abc123' });
  store.logParams(a, { model: 'tree', lr: '0.01', depth: 4, flag: true, café: 'crème', big: '1e400' });
  store.logMetrics(a, [{ key: 'acc', value: 0.5, step: 0 }, { key: 'acc', value: 0.95, step: 1 }, { key: 'loss', value: 0.1 }]);
  store.setTags(a, { team: 'Vision', priority: '10', emoji: '😀x' });
  store.setStar(a, true);
  store.setNote(a, 'best one');
  store.datasets.logInput(a, { fingerprint: 'fp1', path: 'data/iris.csv', rows: 150, columns: 5 }, 'train');
  clock.advance(60_000);
  store.setStatus(a, 'finished');

  const b = run('iris', 'beta', { parentId: a });
  store.logParams(b, { model: 'mlp', lr: '0.1', depth: 'deep', flag: 'FALSE', café: 'Crème' });
  store.logMetrics(b, [{ key: 'acc', value: 0.8 }, { key: 'loss', value: NaN }]);
  store.setTags(b, { team: 'vision', priority: '2', emoji: '\uffffx' });
  store.datasets.logInput(b, { fingerprint: 'fp2', path: 'data/test.csv', rows: 30 }, 'test');
  clock.advance(1000);
  store.setStatus(b, 'failed', { error: 'diverged' });

  const g = run('wine', 'Gamma');
  store.logParams(g, { model: 'Tree', lr: '1e-3', depth: '4.0', nan: 'NaN' });
  store.logMetrics(g, [{ key: 'acc', value: Infinity }, { key: 'loss', value: -Infinity }]);
  store.setTags(g, { team: 'nlp', priority: 'high' });

  run('wine', 'delta', { status: 'queued' });
  const e = run('wine', 'élan_%', { parentId: g });
  store.logParams(e, { model: 'forest', lr: '+.5', depth: ' 7 ' });
  store.logMetrics(e, [{ key: 'acc', value: 0.8 }, { key: 'val/loss', value: 0.3 }]);
  store.setTags(e, { team: 'Vision' });
  clock.advance(5000);
  store.setStatus(e, 'killed');
  clock.advance(10_000);
  return { store, now: clock.now() };
}

function evalRuns(store: RunStore): EvalRun[] {
  return store.listRuns().map((row) => ({
    row,
    inputs: store.datasets.listInputs(row.id).map((i) => {
      const d = store.datasets.getDataset(i.fingerprint);
      return { fingerprint: i.fingerprint, path: i.path, role: i.role, rows: d?.rows ?? null, columns: d?.columns ?? null };
    }),
  }));
}

const FILTERS = [
  'metrics.acc > 0.9', 'metrics.acc >= 0.8', 'metrics.acc < 0.9', 'metrics.acc <= 0.95', 'metrics.acc = 0.8', 'metrics.acc != 0.8',
  'metrics.acc = inf', "metrics.acc = '0.8'", 'metrics.acc = true', 'metrics.loss = NaN', 'metrics.loss != NaN', 'metrics.loss < NaN',
  'metrics.loss < 1', 'metrics.loss IS NULL', 'metrics.loss IS NOT NULL', 'metrics.loss = null', 'metrics.loss != null',
  'metrics.acc IN (0.8, 0.95)', 'metrics.acc NOT IN (0.8)', 'metrics.acc NOT IN (NaN, null)', 'metrics.acc IN (null)', 'metrics.`val/loss` > 0',
  "params.model = 'tree'", "params.model != 'tree'", 'params.lr < 0.05', "params.lr < '0.05'", 'params.depth > 3', 'params.depth = 4',
  'params.depth >= 7', 'params.flag = true', 'params.flag = false', 'params.flag != true', 'params.nan = NaN', 'params.nan != NaN',
  'params.big > 1e300', "params.model IN ('tree', 'mlp')", "params.model NOT IN ('tree')", "params.depth IN (4, 'deep')", 'params.depth NOT IN (4)',
  'params.depth NOT IN (NaN)', 'params.depth IN (true)', "params.model LIKE 't%'", "params.model ILIKE 't%'", "params.model NOT LIKE 't%'",
  "params.model NOT ILIKE 'T%'", "params.café ILIKE 'crème'", "params.café ILIKE 'CRÈME'", "params.café LIKE 'Cr_me'", "params.model LIKE '%'",
  "params.model > 'm'", "params.model <= 'Tree'", 'params.model IS NULL', 'params.depth IS NOT NULL',
  "tags.team = 'Vision'", "tags.team ILIKE 'VISION'", 'tags.priority > 5', "tags.priority > '5'", "tags.emoji > '\uffff'", "tags.emoji < '😀'",
  "attributes.status = 'finished'", "attributes.status = 'FINISHED'", "attributes.status != 'running'", "attributes.status IN ('failed', 'killed')",
  "attributes.status NOT IN ('queued')", "attributes.status LIKE 'FIN%'", "attributes.status = 'scheduled'", "attributes.name LIKE '%a'",
  "attributes.name ILIKE 'G%'", "attributes.name LIKE 'élan\\_\\%'", "attributes.name LIKE '____'", "attributes.run_name = 'beta'",
  "attributes.name > 'beta'", "attributes.experiment = 'wine'", "attributes.experiment_name != 'iris'", 'attributes.starred = true',
  'attributes.starred != 1', 'attributes.git_dirty IS NULL', "attributes.git_commit = 'abc123'", "attributes.git_commit != 'abc123'",
  'attributes.parent_id IS NULL', 'attributes.parent_id IS NOT NULL', 'attributes.end_time IS NULL', 'attributes.end_time > 0',
  "attributes.start_time > '2025-01-01'", 'attributes.duration > 30000', "attributes.duration < '5s'", "attributes.note LIKE 'best%'",
  "attributes.error = 'diverged'", 'not attributes.error IS NULL', 'attributes.pid IS NULL', 'attributes.experiment_id = 1', "attributes.id LIKE '%'",
  'attributes.heartbeat_at IS NOT NULL', "attributes.run_id IN ('0000')", "attributes.id NOT IN (null)", 'attributes.created_at > 0',
  "datasets.path LIKE '%iris%'", "datasets.role = 'test'", 'datasets.rows > 100', 'datasets.columns IS NULL', 'datasets.columns IS NOT NULL',
  "datasets.fingerprint NOT IN ('fp1')", 'datasets.rows NOT IN (null)', 'not datasets.rows > 100',
  'not metrics.acc > 0.9', "not params.model = 'tree'", "metrics.acc > 0.7 and params.model != 'mlp'", "metrics.acc > 0.9 or tags.team = 'nlp'",
  "(params.depth IN (4, 'deep') or metrics.acc >= 0.8) and not (tags.team ILIKE 'vision' and attributes.status = 'finished')",
  "not (not metrics.loss IS NULL or params.lr > 0.01)", "(metrics.acc < 0.9 or metrics.acc > 0.9) and (tags.priority IS NULL or tags.priority < 5)",
];

const REFUSED = [
  "metrics.acc LIKE '1%'", "metrics.acc > 'high'", 'attributes.bogus = 1', "attributes.starred = 'maybe'", "attributes.status = 'done'",
  'attributes.start_time > NaN', "attributes.start_time LIKE '1%'", "datasets.size > 1", "attributes.duration > 'forever'", 'params.x < null',
];

const SORTS = ['', 'metrics.acc DESC', 'metrics.acc', 'metrics.loss', 'params.lr', 'params.depth DESC', 'params.model', 'tags.priority DESC',
  'attributes.name', 'attributes.end_time DESC', 'attributes.status, attributes.name DESC', 'attributes.duration', 'attributes.starred DESC',
  'tags.emoji', 'params.café DESC, metrics.acc'];

test('every filter of the corpus selects in JavaScript what the store\'s SQL selects', (t) => {
  const { store, now } = fixture(t);
  const runs = evalRuns(store);
  const byId = new Map(runs.map((r) => [r.row.id, r]));
  const names = (rows: readonly RunRow[]) => rows.map((r) => r.name);
  let nonEmpty = 0;
  for (const text of FILTERS) {
    const expected = store.listRuns({ filter: text });
    const pred = compileFilter(parseFilter(text), { text, now });
    const got = runs.filter(pred).map((r) => r.row);
    assert.deepEqual(names(got).sort(), names(expected).sort(), text);
    if (expected.length > 0 && expected.length < runs.length) nonEmpty++;
    // The evaluator must see the same row the store lists: one check per filter keeps the fixture honest.
    for (const r of expected) assert.ok(byId.has(r.id));
  }
  assert.ok(nonEmpty > FILTERS.length * 0.6, `most filters split the runs (${nonEmpty} of ${FILTERS.length})`);
});

test('a filter the store refuses is refused with the same message', (t) => {
  const { store, now } = fixture(t);
  for (const text of REFUSED) {
    let local: Error | undefined;
    try {
      store.listRuns({ filter: text });
    } catch (e) {
      local = e as Error;
    }
    assert.ok(local, `the store refuses ${text}`);
    assert.throws(() => compileFilter(parseFilter(text), { text, now }), { name: local.name, message: local.message }, text);
  }
});

test('every sort orders in JavaScript as the store\'s SQL orders', (t) => {
  const { store, now } = fixture(t);
  const rows = store.listRuns();
  for (const text of SORTS) {
    const expected = store.listRuns({ sort: text }).map((r) => r.name);
    const got = [...rows].sort(compileSort(parseSort(text), { text, now })).map((r) => r.name);
    assert.deepEqual(got, expected, text || '(default)');
  }
  assert.throws(() => compileSort(parseSort('datasets.rows')), /cannot sort by datasets\.rows/);
  assert.throws(() => compileSort(parseSort('attributes.bogus')), /unknown attribute "bogus"/);
});

test('text orders by code point like SQLite, not by UTF-16 unit', () => {
  assert.ok(compareText('\uffff', '😀') < 0, 'U+FFFF before U+1F600');
  assert.ok('\uffff' > '😀', 'JavaScript\'s own order differs');
  assert.equal(compareText('ab', 'ab'), 0);
  assert.ok(compareText('ab', 'abc') < 0);
  assert.ok(likeMatches('Crème', 'cr_me', true));
  assert.ok(!likeMatches('CRÈME', 'crème', true), 'ILIKE folds ASCII only, as SQLite');
  assert.ok(likeMatches('a\nb', 'a_b', false), '_ matches a newline');
  assert.ok(likeMatches('(x)', '(%)', false), 'regex characters are literal');
});
