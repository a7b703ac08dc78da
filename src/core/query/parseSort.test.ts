import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './ast';
import { parseSort } from './parseSort';

const show = (text: string) => parseSort(text).map((k) => `${k.field.entity}.${k.field.key} ${k.descending ? 'desc' : 'asc'}`);

test('keys with ASC / DESC / - and defaults', () => {
  assert.deepEqual(show('metrics.test_accuracy DESC, attributes.start_time'), ['metrics.test_accuracy desc', 'attributes.start_time asc']);
  assert.deepEqual(show('-metrics.rmse, params.model asc'), ['metrics.rmse desc', 'params.model asc']);
  assert.deepEqual(show('metrics.`my metric` desc,start_time'), ['metrics.my metric desc', 'attributes.start_time asc']);
  assert.deepEqual(show('metric.val/loss Desc'), ['metrics.val/loss desc']);
});

test('blank text sorts by nothing', () => {
  assert.deepEqual(parseSort(''), []);
  assert.deepEqual(parseSort('  '), []);
});

test('field positions are kept', () => {
  const [a, b] = parseSort('metrics.a desc, -params.b');
  assert.deepEqual([a?.field.start, a?.field.end, b?.field.start, b?.field.end], [0, 9, 17, 25]);
});

function fail(text: string): [string, number, number] {
  try {
    parseSort(text);
  } catch (e) {
    assert.ok(e instanceof QueryError);
    return [e.message, e.start, e.end];
  }
  assert.fail(`no error for ${text}`);
}

test('errors point at the token', () => {
  assert.deepEqual(fail('metrics.a desc,'), ['unexpected end of query at column 16: expected a field (metrics.<key>, params.<key>, tags.<key>, attributes.<name>, datasets.<field>)', 15, 15]);
  assert.deepEqual(fail('metrics.a descending'), ['unexpected "descending" at column 11: expected ASC, DESC, "," or the end of the sort', 10, 20]);
  assert.deepEqual(fail('-metrics.a DESC'), ['"-" and DESC both give a direction at column 1: use one', 0, 15]);
  assert.deepEqual(fail('metrix.a'), ['unknown entity "metrix" (expected metrics, params, tags, attributes or datasets)', 0, 6]);
  assert.deepEqual(fail('metrics.a desc metrics.b'), ['unexpected "metrics.b" at column 16: expected ASC, DESC, "," or the end of the sort', 15, 24]);
});
