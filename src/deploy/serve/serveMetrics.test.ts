import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServeMetrics } from './serveMetrics';
import type { ServingModelInfo } from './servingModel';

const info: ServingModelInfo = {
  runId: 'r1', task: 'classification', target: 'y', modelType: 'decision_tree',
  inputColumns: ['a', 'b'], numericInputs: ['a'], classes: ['x', 'say "hi"\\'], runlensVersion: '0',
};

describe('ServeMetrics', () => {
  it('escapes label values and counts classes including zero', () => {
    const m = new ServeMetrics(info);
    m.recordPredictions(['say "hi"\\', 'say "hi"\\']);
    const text = m.render();
    assert.match(text, /^runlens_serve_predictions_total\{class="say \\"hi\\"\\\\"\} 2$/m);
    assert.match(text, /^runlens_serve_predictions_total\{class="x"\} 0$/m);
  });

  it('writes cumulative latency buckets, sum and count', () => {
    let now = 1000;
    const m = new ServeMetrics(info, () => now);
    m.recordRequest('POST', '/invocations', 200, 0.003);
    m.recordRequest('POST', '/invocations', 400, 0.2);
    now = 3500;
    const text = m.render();
    assert.match(text, /^runlens_serve_request_duration_seconds_bucket\{path="\/invocations",le="0.005"\} 1$/m);
    assert.match(text, /^runlens_serve_request_duration_seconds_bucket\{path="\/invocations",le="0.25"\} 2$/m);
    assert.match(text, /^runlens_serve_request_duration_seconds_count\{path="\/invocations"\} 2$/m);
    assert.match(text, /^runlens_serve_requests_total\{method="POST",path="\/invocations",status="400"\} 1$/m);
    assert.match(text, /^runlens_serve_uptime_seconds 2.5$/m);
  });

  it('sums only non-missing numeric inputs', () => {
    const m = new ServeMetrics(info);
    m.recordInputs({ rows: 3, columns: [
      { name: 'a', type: 'numeric', values: Float64Array.from([1, NaN, 3]) },
      { name: 'b', type: 'categorical', values: ['p', null, 'q'] },
    ] });
    const text = m.render();
    assert.match(text, /^runlens_serve_feature_values_total\{feature="a"\} 2$/m);
    assert.match(text, /^runlens_serve_feature_sum\{feature="a"\} 4$/m);
    assert.match(text, /^runlens_serve_feature_sum_squares\{feature="a"\} 10$/m);
    assert.doesNotMatch(text, /feature="b"/);
  });
});
