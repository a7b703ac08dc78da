/**
 * What a filter becomes on an MLflow server: which comparisons are pushed
 * into MLflow's filter, how OR / NOT / parentheses split into searches, and
 * when the server's order is used. (That the pushed filters give the same
 * runs as the local store is mlflowRunSource.test.ts, on a real server.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryError } from '../core/query/ast';
import { parseFilterOrEmpty } from '../core/query/parseFilter';
import { parseSort } from '../core/query/parseSort';
import { mlflowNumber, planRemoteSearch } from './remoteFilter';

const plan = (filter: string, sort = '', parentId?: string | null) =>
  planRemoteSearch(parseFilterOrEmpty(filter), parseSort(sort), { filterText: filter, sortText: sort, parentId });
const searches = (filter: string) => plan(filter).searches;

test('an AND-chain MLflow can say is one search of the same comparisons', () => {
  assert.deepEqual(searches("metrics.acc > 0.9 and params.model = 'tree' and tags.`mlflow.user` LIKE 'ad%'"), [
    "metrics.`acc` > 0.9 and params.`model` = 'tree' and tags.`mlflow.user` LIKE 'ad%'",
  ]);
  assert.deepEqual(searches("attributes.status = 'finished' and attributes.name ILIKE 'b%' and attributes.start_time >= 1000"), [
    "attributes.status = 'FINISHED' and attributes.run_name ILIKE 'b%' and attributes.start_time >= 1000",
  ]);
  assert.deepEqual(searches("attributes.id IN ('ABCD', 'ef01') and attributes.parent_id = 'ff00'"), [
    "attributes.run_id IN ('abcd', 'ef01') and tags.`mlflow.parentRunId` = 'ff00'",
  ]);
  assert.deepEqual(searches('metrics.`val/loss` <= -1.5e-7 and metrics.n = true'), ['metrics.`val/loss` <= -1.5e-7 and metrics.`n` = 1']);
});

test('what MLflow would answer differently stays in JavaScript, widening the search', () => {
  for (const f of [
    'params.lr < 0.05', // numeric on text: MLflow compares params as text only
    'params.flag = true', // compared lower-cased locally
    "params.model NOT LIKE 't%'", // MLflow has no NOT LIKE
    "params.model IN ('a', 'b')", // no IN for params
    "attributes.status IN ('failed', 'killed')", // MLflow takes lists for run_id only
    "attributes.status LIKE 'que%'", // queued is SCHEDULED there
    'metrics.loss = NaN', 'metrics.acc IN (1, 2)', 'metrics.acc IS NULL', "datasets.path LIKE '%x%'",
    "params.note = 'it''s'", "params.path = 'C:\\\\data'", // MLflow strips quotes without unescaping
    'metrics.`a``b` > 1', "attributes.note = 'x'", 'attributes.duration > 5', 'attributes.created > 5',
  ]) {
    assert.deepEqual(searches(f), [''], f);
  }
});

test('NOT: pushed only where no run lacks the field; else the search widens', () => {
  assert.deepEqual(searches("not attributes.status = 'finished'"), ["attributes.status != 'FINISHED'"]);
  assert.deepEqual(searches("not attributes.id IN ('abcd')"), ["attributes.run_id NOT IN ('abcd')"]);
  assert.deepEqual(searches("not attributes.name NOT LIKE 'a%'"), ["attributes.run_name LIKE 'a%'"]);
  assert.deepEqual(searches("not params.model = 'tree'"), [''], 'true for runs without the param');
  assert.deepEqual(searches('not metrics.acc > 0.5'), ['']);
  assert.deepEqual(searches('not attributes.end_time > 5'), [''], 'true for runs without an end');
  // De Morgan: not (a or b) = not a and not b
  assert.deepEqual(searches("not (attributes.status = 'failed' or attributes.name = 'x')"), ["attributes.status != 'FAILED' and attributes.run_name != 'x'"]);
});

test('OR and parentheses split into searches (disjunctive normal form), merged later', () => {
  assert.deepEqual(searches("params.model = 'a' or params.model = 'b'"), ["params.`model` = 'a'", "params.`model` = 'b'"]);
  assert.deepEqual(searches("metrics.acc > 0.5 and (tags.team = 'x' or tags.team = 'y')"), [
    "metrics.`acc` > 0.5 and tags.`team` = 'x'", "metrics.`acc` > 0.5 and tags.`team` = 'y'",
  ]);
  // One branch MLflow cannot narrow means every run is a candidate: one unfiltered search.
  assert.deepEqual(searches("params.model = 'a' or params.lr > 0.1"), ['']);
  // A branch that finds a subset of another's adds nothing.
  assert.deepEqual(searches("params.a = 'x' or (params.a = 'x' and params.b = 'y')"), ["params.`a` = 'x'"]);
});

test('past 8 searches, the top-level conjuncts are the one search', () => {
  const f = "metrics.m > 1 and (params.a = '1' or params.a = '2') and (params.b = '1' or params.b = '2') and (params.c = '1' or params.c = '2') and (params.d = '1' or params.d = '2')";
  assert.deepEqual(searches(f), ['metrics.`m` > 1']);
  assert.equal(searches("(params.a = '1' or params.a = '2') and (params.b = '1' or params.b = '2') and (params.c = '1' or params.c = '2')").length, 8);
});

test('the parent scope is a tag comparison on every search; top-level runs are checked in JavaScript', () => {
  assert.deepEqual(plan("params.a = 'x' or params.a = 'y'", '', 'ab12').searches, [
    "tags.`mlflow.parentRunId` = 'ab12' and params.`a` = 'x'", "tags.`mlflow.parentRunId` = 'ab12' and params.`a` = 'y'",
  ]);
  assert.deepEqual(plan('', '', null).searches, ['']);
});

test('the server orders only when its order is the store\'s: unsorted or by start time, one search', () => {
  assert.deepEqual(plan('').orderBy, []);
  assert.deepEqual(plan('', 'attributes.start_time DESC').orderBy, ['attributes.start_time DESC']);
  assert.deepEqual(plan('', 'attributes.created').orderBy, ['attributes.start_time ASC']);
  assert.equal(plan('', 'metrics.acc DESC').orderBy, undefined, 'MLflow orders NaN apart from missing values');
  assert.equal(plan('', 'params.lr').orderBy, undefined, 'MLflow orders params as text');
  assert.equal(plan('', 'attributes.end_time').orderBy, undefined);
  assert.equal(plan("params.a = 'x' or params.a = 'y'", 'attributes.start_time').orderBy, undefined, 'two searches are merged in JavaScript');
});

test('a field MLflow does not record is one error naming it; a malformed filter is the store\'s error', () => {
  assert.throws(() => plan('datasets.rows > 100'), (e: QueryError) => e instanceof QueryError && /^datasets\.rows cannot be filtered on an MLflow server/.test(e.message) && e.start === 0);
  assert.throws(() => plan("metrics.acc > 0.5 or not datasets.columns IS NULL"), /datasets\.columns cannot be filtered/);
  assert.throws(() => plan('attributes.bogus = 1'), /unknown attribute "bogus"/);
  assert.throws(() => plan('', 'datasets.path'), /cannot sort by datasets\.path/);
});

test('numbers are written the way MLflow\'s tokenizer reads them', () => {
  assert.equal(mlflowNumber(5e21), '5000000000000000000000');
  assert.equal(mlflowNumber(-3), '-3');
  assert.equal(mlflowNumber(1.5e-7), '1.5e-7');
  assert.equal(mlflowNumber(0.30000000000000004), '0.30000000000000004');
  assert.equal(mlflowNumber(Infinity), undefined);
  assert.equal(mlflowNumber(1.7976931348623157e308), undefined);
});
