import { RunStore } from '../src/store/runStore';
import type { MetricPoint } from '../src/store/types';
const store = RunStore.open('/tmp/rl-cmp-ws/.runlens');
const EVIL = '<img src=x onerror=alert(1)>';
['baseline', EVIL, 'deep-tree', 'live-run'].forEach((name, k) => {
  const r = store.createRun({ experiment: 'iris', name, status: k === 3 ? 'running' : 'finished', pid: k === 3 ? process.pid : undefined });
  store.logParams(r.id, { model: k === 3 ? 'mlp' : 'decision_tree', max_depth: [2, 4, 8, 3][k], seed: 42 });
  const pts: MetricPoint[] = [];
  for (let i = 0; i < 5000; i++) {
    pts.push({ key: 'train_loss', step: i, value: (1.2 - 0.2 * k) / (1 + i / 150) + (i === 2500 && k === 0 ? 2 : 0) + 0.02 * Math.random(), timestamp: Date.now() - 600000 + i * 100 });
    if (i % 10 === 0) pts.push({ key: 'val_accuracy', step: i, value: 0.5 + 0.4 * (1 - Math.exp(-i / (400 + 200 * k))), timestamp: Date.now() - 600000 + i * 100 });
  }
  store.logMetrics(r.id, pts);
  store.logMetrics(r.id, [{ key: 'test_accuracy', step: 0, value: [0.9, 0.93, 0.87, 0.91][k] }]);
  store.logArtifact(r.id, 'confusion_matrix.json', JSON.stringify({ split: 'test', labels: ['setosa', 'versicolor', 'virginica'], matrix: [[10, 0, 0], [0, 8 + (k % 2), 2 - (k % 2)], [0, 1, 9]] }), 'confusion_matrix');
});
store.close();
