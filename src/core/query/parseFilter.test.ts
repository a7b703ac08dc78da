import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from './ast';
import type { FilterExpr } from './ast';
import { parseFilter, parseFilterOrEmpty } from './parseFilter';

/** A compact rendering of the tree, so precedence is visible in one string. */
function show(e: FilterExpr): string {
  const lit = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${show(e.left)} ${e.kind} ${show(e.right)})`;
    case 'not':
      return `not ${show(e.expr)}`;
    case 'compare':
      return `${e.field.entity}.${e.field.key} ${e.op} ${lit(e.value)}`;
    case 'in':
      return `${e.field.entity}.${e.field.key} ${e.negated ? 'not in' : 'in'} [${e.values.map(lit).join(', ')}]`;
    case 'exists':
      return `${e.field.entity}.${e.field.key} ${e.negated ? 'missing' : 'exists'}`;
  }
}

const p = (text: string) => show(parseFilter(text));

/** The error of `text`: message, start, end. */
function fail(text: string): [string, number, number] {
  try {
    parseFilter(text);
  } catch (e) {
    assert.ok(e instanceof QueryError, `not a QueryError: ${String(e)}`);
    assert.equal(e.query, text);
    return [e.message, e.start, e.end];
  }
  assert.fail(`no error for ${text}`);
}

test('MLflow search examples', () => {
  assert.equal(p('metrics.rmse < 1 and params.model = "tree"'), "(metrics.rmse < 1 and params.model = 'tree')");
  assert.equal(p("tags.`mlflow.source.type` = 'LOCAL'"), "tags.mlflow.source.type = 'LOCAL'");
  assert.equal(p("attributes.status = 'FAILED'"), "attributes.status = 'FAILED'", 'values stay as written');
  assert.equal(p("params.model LIKE 'tree%'"), "params.model LIKE 'tree%'");
  assert.equal(p("attributes.run_name ILIKE '%Baseline%'"), "attributes.run_name ILIKE '%Baseline%'");
  assert.equal(p("attributes.run_id IN ('a1', 'b2')"), "attributes.run_id in ['a1', 'b2']");
  assert.equal(p("datasets.name IN ('iris') AND datasets.digest = 'abc'"), "(datasets.name in ['iris'] and datasets.digest = 'abc')");
  assert.equal(p('metrics.accuracy > 0.9 AND attributes.start_time >= 1700000000000'), '(metrics.accuracy > 0.9 and attributes.start_time >= 1700000000000)');
});

test('every comparison operator', () => {
  const ops: [string, string][] = [['=', '='], ['==', '='], ['!=', '!='], ['<>', '!='], ['<', '<'], ['<=', '<='], ['>', '>'], ['>=', '>=']];
  for (const [written, op] of ops) assert.equal(p(`metrics.x ${written} 1`), `metrics.x ${op} 1`, written);
  assert.equal(p('metrics.x>=1'), 'metrics.x >= 1', 'no spaces needed');
  assert.equal(p("params.m like 'a%'"), "params.m LIKE 'a%'");
  assert.equal(p("params.m not like 'a%'"), "params.m NOT LIKE 'a%'");
  assert.equal(p("params.m NOT ILIKE 'a%'"), "params.m NOT ILIKE 'a%'");
  assert.equal(p("params.m not in ('a', 'b')"), "params.m not in ['a', 'b']");
});

test('literals: numbers, strings, booleans, null, NaN and infinities', () => {
  const value = (lit: string) => {
    const e = parseFilter(`metrics.x = ${lit}`);
    assert.equal(e.kind, 'compare');
    return e.kind === 'compare' ? e.value : undefined;
  };
  assert.equal(value('42'), 42);
  assert.equal(value('-2'), -2);
  assert.equal(value('1.5'), 1.5);
  assert.equal(value('.5'), 0.5);
  assert.equal(value('1e-3'), 0.001);
  assert.equal(value('-2.5E+2'), -250);
  assert.ok(Number.isNaN(value('NaN')));
  assert.equal(value('Infinity'), Infinity);
  assert.equal(value('-Infinity'), -Infinity);
  assert.equal(value('inf'), Infinity);
  assert.equal(value('true'), true);
  assert.equal(value('FALSE'), false);
  assert.equal(value('null'), null);
  assert.equal(value("'single'"), 'single');
  assert.equal(value('"double"'), 'double');
  assert.equal(value("'it''s'"), "it's", 'SQL doubled quote');
  assert.equal(value("'it\\'s'"), "it's", 'backslash escape');
  assert.equal(value('"a\\"b\\n\\t\\\\"'), 'a"b\n\t\\');
  assert.equal(value("'\\u00e9'"), 'é');
  assert.equal(value("'50\\%'"), '50\\%', 'unknown escapes keep their backslash for LIKE');
  assert.equal(value("''"), '');
});

test('keys: bare with / : - and dots, backquoted, double-quoted', () => {
  const field = (text: string) => {
    const e = parseFilter(text);
    assert.ok(e.kind === 'compare' || e.kind === 'exists');
    return [e.field.entity, e.field.key, e.field.start, e.field.end];
  };
  assert.deepEqual(field('metrics.val/loss < 1'), ['metrics', 'val/loss', 0, 16]);
  assert.deepEqual(field('params.model.params.max_depth = 4'), ['params', 'model.params.max_depth', 0, 29]);
  assert.deepEqual(field("tags.k8s:ns-1 = 'a'"), ['tags', 'k8s:ns-1', 0, 13]);
  assert.deepEqual(field('metrics.`my metric` > 0'), ['metrics', 'my metric', 0, 19]);
  assert.deepEqual(field('params."a b" = 1'), ['params', 'a b', 0, 12]);
  assert.deepEqual(field('  metrics.`a``b` > 0'), ['metrics', 'a`b', 2, 16]);
  assert.deepEqual(field('params.x.`y z` = 1'), ['params', 'x.y z', 0, 14]);
});

test('entity aliases normalise to the Entity names; bare attributes are attributes', () => {
  const entity = (text: string) => {
    const e = parseFilter(text);
    return e.kind === 'compare' ? `${e.field.entity}.${e.field.key}` : '';
  };
  assert.equal(entity('metric.a = 1'), 'metrics.a');
  assert.equal(entity('param.a = 1'), 'params.a');
  assert.equal(entity('tag.a = 1'), 'tags.a');
  assert.equal(entity('attribute.status = 1'), 'attributes.status');
  assert.equal(entity('attr.status = 1'), 'attributes.status');
  assert.equal(entity("run.status = 'x'"), 'attributes.status');
  assert.equal(entity('dataset.name = 1'), 'datasets.name');
  assert.equal(entity('METRICS.Acc = 1'), 'metrics.Acc', 'entity is case-insensitive, key is not');
  assert.equal(entity("status = 'FAILED'"), 'attributes.status');
  assert.equal(entity("run_name = 'x'"), 'attributes.run_name');
  assert.equal(entity("name = 'x'"), 'attributes.name');
  assert.equal(entity('start_time > 5'), 'attributes.start_time');
});

test('precedence: NOT over AND over OR, left-associative', () => {
  assert.equal(p('metrics.a = 1 or metrics.b = 2 and metrics.c = 3'), '(metrics.a = 1 or (metrics.b = 2 and metrics.c = 3))');
  assert.equal(p('metrics.a = 1 and metrics.b = 2 or metrics.c = 3'), '((metrics.a = 1 and metrics.b = 2) or metrics.c = 3)');
  assert.equal(p('metrics.a = 1 and metrics.b = 2 and metrics.c = 3'), '((metrics.a = 1 and metrics.b = 2) and metrics.c = 3)');
  assert.equal(p('not metrics.a = 1 and metrics.b = 2'), '(not metrics.a = 1 and metrics.b = 2)');
  assert.equal(p('not not metrics.a = 1'), 'not not metrics.a = 1');
  assert.equal(p('NOT (metrics.a = 1 OR metrics.b = 2)'), 'not (metrics.a = 1 or metrics.b = 2)');
});

test('nested parentheses override precedence', () => {
  assert.equal(p('(metrics.a = 1 or metrics.b = 2) and metrics.c = 3'), '((metrics.a = 1 or metrics.b = 2) and metrics.c = 3)');
  assert.equal(p('((metrics.a = 1)) and ((metrics.b = 2 or (metrics.c = 3)))'), '(metrics.a = 1 and (metrics.b = 2 or metrics.c = 3))');
});

test('IN lists and IS [NOT] NULL', () => {
  assert.equal(p("params.m IN ('a', 2, true, null, -1e2)"), "params.m in ['a', 2, true, null, -100]");
  assert.equal(p('params.m in (1)'), 'params.m in [1]');
  // IS NULL: the run lacks the key (a negated exists).
  assert.equal(p('metrics.val_loss IS NULL'), 'metrics.val_loss missing');
  assert.equal(p('metrics.val_loss is not null'), 'metrics.val_loss exists');
});

test('node positions cover the whole comparison', () => {
  const e = parseFilter("metrics.a > 1 and params.b IN ('x', 'y') or tags.c IS NOT NULL");
  assert.equal(e.kind, 'or');
  if (e.kind !== 'or' || e.left.kind !== 'and') return;
  const { left, right } = e.left;
  assert.deepEqual([left.kind === 'compare' && left.start, left.kind === 'compare' && left.end], [0, 13]);
  assert.deepEqual([right.kind === 'in' && right.start, right.kind === 'in' && right.end], [18, 40]);
  assert.deepEqual([e.right.kind === 'exists' && e.right.start, e.right.kind === 'exists' && e.right.end], [44, 62]);
  const neg = parseFilter('metrics.x < -Infinity');
  assert.equal(neg.kind === 'compare' && neg.end, 21);
});

test('empty text: parseFilter throws, parseFilterOrEmpty gives undefined', () => {
  assert.equal(parseFilterOrEmpty(''), undefined);
  assert.equal(parseFilterOrEmpty('   \t'), undefined);
  assert.equal(show(parseFilterOrEmpty('metrics.a = 1')!), 'metrics.a = 1');
  assert.deepEqual(fail('  '), ['empty filter: expected a condition such as metrics.accuracy > 0.9', 0, 2]);
});

test('error: a word where an operator belongs', () => {
  assert.deepEqual(fail('metrics.test_accuracy   foo 0.9'), [
    'unexpected "foo" at column 25: expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS)', 24, 27,
  ]);
  assert.deepEqual(fail('metrics.a'), ['unexpected end of query at column 10: expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS)', 9, 9]);
});

test('error: unterminated strings and quoted names', () => {
  assert.deepEqual(fail("params.m = 'tree"), ['unterminated string starting at column 12', 11, 16]);
  assert.deepEqual(fail('params.m = "tree'), ['unterminated string starting at column 12', 11, 16]);
  assert.deepEqual(fail('metrics.`my metric > 1'), ['unterminated quoted name starting at column 9', 8, 22]);
});

test('error: unknown entity names the choices and marks the prefix only', () => {
  assert.deepEqual(fail('metrics.a = 1 and metrix.acc > 0.9'), [
    'unknown entity "metrix" (expected metrics, params, tags, attributes or datasets)', 18, 24,
  ]);
});

test('error: missing ")" points at the open parenthesis', () => {
  assert.deepEqual(fail('(metrics.a = 1 or (metrics.b = 2)'), ['missing ")" to close "(" at column 1', 0, 1]);
  assert.deepEqual(fail("params.m IN ('a', 'b'"), ['missing ")" to close "(" at column 13', 12, 13]);
  assert.deepEqual(fail('(metrics.a = 1 metrics.b = 2)'), ['unexpected "metrics.b" at column 16: expected ")", AND or OR', 15, 24]);
});

test('error: a stray ")" or a missing AND', () => {
  assert.deepEqual(fail('metrics.a = 1)'), ['unexpected ")" at column 14: no "(" to close', 13, 14]);
  assert.deepEqual(fail('metrics.a = 1 metrics.b = 2'), ['unexpected "metrics.b" at column 15: expected AND, OR or the end of the filter', 14, 23]);
});

test('error: values', () => {
  assert.deepEqual(fail('params.model = tree'), [
    "unexpected \"tree\" at column 16: expected a value (a number, a 'quoted string', true, false or null); quote text: 'tree'", 15, 19,
  ]);
  assert.deepEqual(fail('metrics.a ='), ["unexpected end of query at column 12: expected a value (a number, a 'quoted string', true, false or null)", 11, 11]);
  assert.deepEqual(fail('metrics.a = `x`'), ['unexpected `x` at column 13: backquotes are for keys; quote values with \' or "', 12, 15]);
  assert.deepEqual(fail('metrics.a = 1abc'), ['invalid number "1abc" at column 13', 12, 16]);
  assert.deepEqual(fail('metrics.a = - x'), ['unexpected "x" at column 15: expected a number after "-"', 14, 15]);
  assert.deepEqual(fail('params.a LIKE 5'), ["LIKE needs a quoted pattern such as '%tree%' (got 5) at column 15", 14, 15]);
  assert.deepEqual(fail('params.a IN ()'), ["unexpected \")\" at column 14: expected a value (a number, a 'quoted string', true, false or null)", 13, 14]);
  assert.deepEqual(fail("params.a IN ('x' 'y')"), ['unexpected "\'y\'" at column 18: expected "," or ")"', 17, 20]);
  assert.deepEqual(fail("params.a IN 'x'"), ['unexpected "\'x\'" at column 13: expected "(" after IN, as in IN (\'a\', \'b\')', 12, 15]);
});

test('error: IS and NOT need their partners', () => {
  assert.deepEqual(fail('metrics.a IS 1'), ['unexpected "1" at column 14: expected NULL or NOT NULL after IS', 13, 14]);
  assert.deepEqual(fail('metrics.a IS NOT 1'), ['unexpected "1" at column 18: expected NULL after IS NOT', 17, 18]);
  assert.deepEqual(fail("params.a NOT = 'x'"), ['unexpected "=" at column 14: expected LIKE, ILIKE or IN after NOT', 13, 14]);
});

test('error: fields', () => {
  assert.deepEqual(fail('accuracy > 0.9'), ['unknown field "accuracy" at column 1: prefix it with metrics., params., tags. or attributes. (e.g. metrics.accuracy)', 0, 8]);
  assert.deepEqual(fail('metrics > 0.9'), ['missing key after "metrics" at column 8: write metrics.<key>', 0, 7]);
  assert.deepEqual(fail('metrics. > 0.9'), ['missing key after "metrics." at column 9', 0, 8]);
  assert.deepEqual(fail('metrics.`` > 0.9'), ['empty key at column 1', 0, 10]);
  assert.deepEqual(fail('and = 1'), ['unexpected "and" at column 1: expected a field (metrics.<key>, params.<key>, tags.<key>, attributes.<name>, datasets.<field>)', 0, 3]);
  assert.deepEqual(fail("'x' = 1"), ['unexpected "\'x\'" at column 1: expected a field (metrics.<key>, params.<key>, tags.<key>, attributes.<name>, datasets.<field>)', 0, 3]);
  assert.deepEqual(fail('metrics.a = 1 and'), ['unexpected end of query at column 18: expected a field (metrics.<key>, params.<key>, tags.<key>, attributes.<name>, datasets.<field>)', 17, 17]);
});

test('error: stray characters', () => {
  assert.deepEqual(fail('metrics.a = 1 $'), ['unexpected character "$" at column 15', 14, 15]);
  assert.deepEqual(fail('metrics.a ! 1'), ['unexpected character "!" at column 11 (did you mean "!="?)', 10, 11]);
  assert.deepEqual(fail('metrics.a = 1 && metrics.b = 2'), ['unexpected character "&" at column 15 (use AND / OR)', 14, 15]);
});

test('QueryError.pointer draws a caret under the token', () => {
  try {
    parseFilter('metrix.acc > 1');
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof QueryError);
    assert.equal(e.pointer(), 'metrix.acc > 1\n^^^^^^');
  }
});
