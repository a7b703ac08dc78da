import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetricValue, parseRunlensLine } from './runlensLine';

test('metric lines: several metrics, an optional step', () => {
  assert.deepEqual(parseRunlensLine('runlens: metric loss=0.31 step=3'), { kind: 'metric', metrics: { loss: 0.31 }, step: 3 });
  assert.deepEqual(parseRunlensLine('runlens: metric train/loss=1e-3 val.acc=.5 top-5=-2'), { kind: 'metric', metrics: { 'train/loss': 0.001, 'val.acc': 0.5, 'top-5': -2 } });
  assert.deepEqual(parseRunlensLine('runlens:metrics  a=1\tb=2  '), { kind: 'metric', metrics: { a: 1, b: 2 } });
});

test('NaN and infinities as Python and numpy print them', () => {
  const line = parseRunlensLine('runlens: metric a=nan b=inf c=-inf d=NaN e=+Infinity');
  assert.equal(line?.kind, 'metric');
  const m = (line as { metrics: Record<string, number> }).metrics;
  assert.ok(Number.isNaN(m.a) && Number.isNaN(m.d));
  assert.equal(m.b, Infinity);
  assert.equal(m.c, -Infinity);
  assert.equal(m.e, Infinity);
  assert.equal(parseMetricValue('1_000'), undefined);
  assert.equal(parseMetricValue('0x10'), undefined);
  assert.equal(parseMetricValue(''), undefined);
});

test('param and tag lines keep types as documented', () => {
  assert.deepEqual(parseRunlensLine('runlens: param lr=0.01 epochs=20 amp=true opt=adam one=1.0 name="two words" q=\'a "b"\' v="1"'), {
    kind: 'param', params: { lr: 0.01, epochs: 20, amp: true, opt: 'adam', one: 1, name: 'two words', q: 'a "b"', v: '1' },
  });
  assert.deepEqual(parseRunlensLine('runlens: tag stage=baseline version=2 note="tab\\there"'), { kind: 'tag', tags: { stage: 'baseline', version: '2', note: 'tab\there' } });
  assert.deepEqual(parseRunlensLine('runlens: param empty='), { kind: 'param', params: { empty: '' } });
});

test('a progress bar redrawn with carriage returns does not hide the line after it', () => {
  assert.deepEqual(parseRunlensLine('epoch 3: 100%|#####|\rrunlens: metric loss=0.2'), { kind: 'metric', metrics: { loss: 0.2 } });
});

test('ordinary output is not a directive', () => {
  for (const line of [
    'loss=0.3 step=2',
    ' runlens: metric loss=1', // not at column 1
    'RUNLENS: metric loss=1',
    'runlens: background flush failed: database is locked', // the Python helper's own messages
    'runlens: RUNLENS_RUN_ID=abc names no run in /x',
    'runlens:',
    '',
  ]) assert.equal(parseRunlensLine(line), undefined, line);
});

test('malformed directives say what is wrong, naming the offending part', () => {
  const reason = (line: string) => {
    const d = parseRunlensLine(line);
    assert.equal(d?.kind, 'invalid', line);
    return (d as { reason: string }).reason;
  };
  assert.equal(reason('runlens: metric loss=tensor(0.3)'), 'loss=tensor(0.3) is not a number');
  assert.equal(reason('runlens: metric loss='), 'loss=(nothing) is not a number');
  assert.equal(reason('runlens: metric loss="0.3"'), 'loss=0.3 is not a number');
  assert.equal(reason('runlens: metric loss=0.3 step=1.5'), 'step=1.5 is not a whole number ≥ 0');
  assert.equal(reason('runlens: metric loss=0.3 step=-1'), 'step=-1 is not a whole number ≥ 0');
  assert.equal(reason('runlens: metric step=4'), 'a metric line needs a metric besides step');
  assert.equal(reason('runlens: metric'), '"runlens: metric" needs at least one key=value');
  assert.equal(reason('runlens: metric loss 0.3'), '"loss" is not key=value');
  assert.equal(reason('runlens: metric a=1 a=2'), 'a is given twice');
  assert.equal(reason('runlens: metric l(x)=1'), '"l(x)" is not a valid key (letters, digits, _ . - /)');
  assert.equal(reason('runlens: param name="open'), 'the value of name has no closing "');
  assert.equal(reason('runlens: param name="a"b'), 'unexpected "b" after the value of name');
  assert.equal(reason('runlens: metrc loss=1'), 'unknown directive "metrc" (expected metric, param or tag)');
});
