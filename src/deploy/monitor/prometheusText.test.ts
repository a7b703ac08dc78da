import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer } from '../serve/modelServer';
import { expectedPredictions, frameRecords, trainFixture } from '../serve/servingFixtures';
import { loadModelForServing } from '../serve/servingModel';
import { parsePrometheusText, select } from './prometheusText';

describe('parsePrometheusText', () => {
  it('reads the model server\'s real /metrics output', async () => {
    const iris = await trainFixture('iris');
    const server = createServer(loadModelForServing(iris.pkg), { port: 0 });
    const { port } = await server.listen();
    const base = `http://127.0.0.1:${port}`;
    const records = frameRecords(iris.data.testFrame, ['species']).slice(0, 4);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ dataframe_records: records }) });
        await res.arrayBuffer();
      }
      await (await fetch(`${base}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).arrayBuffer();
      const m = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
      assert.equal(m.types.get('runlens_serve_request_duration_seconds'), 'histogram');
      assert.equal(m.types.get('runlens_serve_requests_total'), 'counter');
      assert.equal(m.help.get('runlens_serve_requests_total'), 'HTTP requests by method, path and status.');
      assert.deepEqual(select(m, 'runlens_serve_requests_total', { path: '/invocations' }).map((s) => [s.labels.status, s.value]).sort(),
        [['200', 3], ['415', 1]]);
      const buckets = select(m, 'runlens_serve_request_duration_seconds_bucket', { path: '/invocations' });
      assert.equal(buckets.length, 12);
      assert.equal(buckets[buckets.length - 1].labels.le, '+Inf');
      assert.equal(buckets[buckets.length - 1].value, 4);
      const info = select(m, 'runlens_serve_model_info')[0];
      assert.deepEqual(info.labels, { run_id: 'run-iris', task: 'classification', model_type: 'decision_tree' });
      const predicted = expectedPredictions(iris).slice(0, 4);
      assert.equal(select(m, 'runlens_serve_predictions_total', { class: 'setosa' })[0].value, 3 * predicted.filter((p) => p === 'setosa').length);
      const total = select(m, 'runlens_serve_feature_values_total', { feature: 'petal_width' })[0];
      assert.equal(total.value, 12);
    } finally {
      await server.close();
    }
  });

  it('unescapes label values and reads special values and timestamps', () => {
    const m = parsePrometheusText([
      '# a free comment',
      '# TYPE x gauge',
      'x{a="q\\"uote",b="back\\\\slash",c="new\\nline",} +Inf 1700000000000',
      'y NaN',
      'z{} -Inf',
      'w 1e-3',
      '',
    ].join('\n'));
    assert.deepEqual(m.samples[0], { name: 'x', labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' }, value: Infinity, timestamp: 1700000000000 });
    assert.ok(Number.isNaN(m.samples[1].value));
    assert.equal(m.samples[2].value, -Infinity);
    assert.equal(m.samples[3].value, 0.001);
  });

  it('names the line of what it cannot read', () => {
    assert.throws(() => parsePrometheusText('ok 1\nbad{a="1"} twelve\n'), /metrics line 2: "twelve" is not a number/);
    assert.throws(() => parsePrometheusText('x{a="1} 2'), /metrics line 1: unterminated value of label a/);
    assert.throws(() => parsePrometheusText('{a="1"} 2'), /metrics line 1: expected a metric name/);
    assert.throws(() => parsePrometheusText('# TYPE x countr\n'), /metrics line 1: unknown metric type "countr"/);
  });
});
