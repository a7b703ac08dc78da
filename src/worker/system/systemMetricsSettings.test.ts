import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemMetricsSettings } from './systemMetricsSettings';

test('on every 5 s by default', () => {
  assert.deepEqual(systemMetricsSettings(undefined, {}), { enabled: true, intervalMs: 5000 });
});

test("the config's interval wins over the editor's setting (passed as RUNLENS_SYSTEM_METRICS_INTERVAL)", () => {
  assert.deepEqual(systemMetricsSettings(undefined, { RUNLENS_SYSTEM_METRICS_INTERVAL: '2.5' }), { enabled: true, intervalMs: 2500 });
  assert.deepEqual(systemMetricsSettings({ interval: 0.5 }, { RUNLENS_SYSTEM_METRICS_INTERVAL: '2.5' }), { enabled: true, intervalMs: 500 });
  assert.equal(systemMetricsSettings(undefined, { RUNLENS_SYSTEM_METRICS_INTERVAL: 'often' }).intervalMs, 5000, 'a bad value is the default');
});

test('RUNLENS_SYSTEM_METRICS=0 turns it off whatever the config says; the config can turn it off too', () => {
  assert.equal(systemMetricsSettings({ enabled: true }, { RUNLENS_SYSTEM_METRICS: '0' }).enabled, false);
  assert.equal(systemMetricsSettings(undefined, { RUNLENS_SYSTEM_METRICS: 'off' }).enabled, false);
  assert.equal(systemMetricsSettings({ enabled: false }, {}).enabled, false);
  assert.equal(systemMetricsSettings(undefined, { RUNLENS_SYSTEM_METRICS: '1' }).enabled, true);
});
