import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketDelta, histogramQuantile } from './histogramQuantile';
import type { Bucket } from './histogramQuantile';
import { parsePrometheusText } from './prometheusText';
import { serveFigures } from './serveFigures';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

describe('histogramQuantile', () => {
  // le 0.1: 10, 0.5: 30, 1: 40, +Inf: 40
  const h: Bucket[] = [{ le: 0.1, count: 10 }, { le: 0.5, count: 30 }, { le: 1, count: 40 }, { le: Infinity, count: 40 }];

  it('interpolates linearly inside the bucket holding the rank (as Prometheus does)', () => {
    close(histogramQuantile(0.5, h), 0.1 + 0.4 * (10 / 20)); // rank 20: 10 into the (0.1, 0.5] bucket of 20
    close(histogramQuantile(0.99, h), 0.5 + 0.5 * (9.6 / 10)); // rank 39.6
    close(histogramQuantile(0.1, h), 0.04); // rank 4 in the first bucket, which starts at 0: 0.1 · 4/10
    close(histogramQuantile(0.25, h), 0.1); // rank 10: the top of the first bucket
    close(histogramQuantile(0, h), 0);
  });

  it('answers the largest finite bound for a rank in the +Inf bucket, and NaN without data', () => {
    const tail: Bucket[] = [{ le: 1, count: 5 }, { le: 2, count: 6 }, { le: Infinity, count: 10 }];
    assert.equal(histogramQuantile(0.9, tail), 2);
    assert.ok(Number.isNaN(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [{ le: 1, count: 3 }])), 'no +Inf bucket');
    assert.equal(histogramQuantile(-1, h), -Infinity);
    assert.equal(histogramQuantile(2, h), Infinity);
  });

  it('comes close to the true quantiles of uniform data in fine buckets', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i + 0.5) / 10_000);
    const bounds = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
    const buckets: Bucket[] = [...bounds.map((le) => ({ le, count: values.filter((v) => v <= le).length })), { le: Infinity, count: values.length }];
    for (const q of [0.5, 0.95, 0.99]) close(histogramQuantile(q, buckets), q, 1e-3);
  });

  it('makes dipping counts monotonic and takes the delta of two scrapes', () => {
    close(histogramQuantile(0.5, [{ le: 1, count: 4 }, { le: 2, count: 3 }, { le: Infinity, count: 8 }]), 1 * 4 / 4);
    assert.deepEqual(bucketDelta([{ le: 1, count: 7 }, { le: Infinity, count: 9 }], [{ le: 1, count: 2 }, { le: Infinity, count: 3 }]),
      [{ le: 1, count: 5 }, { le: Infinity, count: 6 }]);
  });
});

function metricsText(ok: number, failed: number, buckets: readonly [string, number][]): string {
  return [
    'runlens_serve_model_info{run_id="r1",task="classification",model_type="decision_tree"} 1',
    'runlens_serve_uptime_seconds 42',
    `runlens_serve_requests_total{method="POST",path="/invocations",status="200"} ${ok}`,
    `runlens_serve_requests_total{method="POST",path="/invocations",status="400"} ${failed}`,
    'runlens_serve_requests_total{method="GET",path="/metrics",status="200"} 99',
    ...buckets.map(([le, c]) => `runlens_serve_request_duration_seconds_bucket{path="/invocations",le="${le}"} ${c}`),
    'runlens_serve_request_duration_seconds_bucket{path="/metrics",le="+Inf"} 99',
  ].join('\n');
}

describe('serveFigures', () => {
  it('gives requests/s, error rate and latency quantiles of the interval only', () => {
    const earlier = { at: 0, metrics: parsePrometheusText(metricsText(10, 0, [['0.01', 10], ['0.1', 10], ['+Inf', 10]])) };
    // 20 more: 18 ok, 2 failed; 10 took ≤ 10 ms, 10 in (10, 100] ms.
    const later = { at: 4000, metrics: parsePrometheusText(metricsText(28, 2, [['0.01', 20], ['0.1', 30], ['+Inf', 30]])) };
    const f = serveFigures(earlier, later);
    assert.equal(f.requests, 20);
    assert.equal(f.requestsPerSecond, 5);
    assert.equal(f.errorRate, 0.1);
    close(f.latencyMs.p50!, 10);
    close(f.latencyMs.p95!, 10 + 90 * (9 / 10));
    close(f.latencyMs.p99!, 10 + 90 * (9.8 / 10));
    assert.equal(f.totalRequests, 30);
    assert.equal(f.totalErrors, 2);
    assert.equal(f.uptimeSeconds, 42);
    assert.deepEqual(f.model, { runId: 'r1', task: 'classification', modelType: 'decision_tree' });
  });

  it('reports no rate or latency for an idle interval, and survives a server restart', () => {
    const a = { at: 0, metrics: parsePrometheusText(metricsText(10, 0, [['0.01', 10], ['+Inf', 10]])) };
    const idle = serveFigures(a, { at: 1000, metrics: a.metrics });
    assert.equal(idle.requestsPerSecond, 0);
    assert.equal(idle.errorRate, null);
    assert.deepEqual(idle.latencyMs, { p50: null, p95: null, p99: null });
    const restarted = serveFigures(a, { at: 2000, metrics: parsePrometheusText(metricsText(3, 1, [['0.01', 4], ['+Inf', 4]])) });
    assert.equal(restarted.requests, 4);
    assert.equal(restarted.errorRate, 0.25);
    // More requests than before, but the uptime went back: a restart all the same.
    const busy = parsePrometheusText(metricsText(30, 0, [['0.01', 30], ['+Inf', 30]]).replace('uptime_seconds 42', 'uptime_seconds 3'));
    assert.equal(serveFigures(a, { at: 3000, metrics: busy }).requests, 30);
  });
});
