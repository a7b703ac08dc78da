import type { Frame } from '../../../core/data/frame';
import { groupRows } from '../../../core/evaluation/slices/sliceGroups';
import { sliceReport } from '../../../core/evaluation/slices/sliceReport';
import type { RunStore } from '../../../store/runStore';
import type { MetricPoint } from '../../../store/types';

/** A run name that would be markup if any renderer forgot to escape it. */
export const EVIL = '<img src=x onerror=alert(1)>';

/**
 * Three finished runs with everything a report shows: params (one differs,
 * one does not), curves, final metrics, a confusion matrix, importances,
 * permutation importance, slices, a dataset input and git commits (one
 * dirty). The second run's name is hostile HTML.
 */
export function threeRuns(store: RunStore): string[] {
  const names = ['baseline', EVIL, 'deep-tree'];
  return names.map((name, k) => {
    const run = store.createRun({ experiment: 'iris', name, gitCommit: `${k}abcdef0123456789abcdef0123456789abcdef`.slice(0, 40), gitDirty: k === 1 });
    store.logParams(run.id, { model: 'decision_tree', max_depth: [2, 4, 8][k], seed: 42 });
    const pts: MetricPoint[] = [];
    for (let i = 0; i < 50; i++) pts.push({ key: 'train_loss', step: i, value: (1.2 - 0.2 * k) / (1 + i / 10) });
    store.logMetrics(run.id, [...pts, { key: 'test_accuracy', step: 0, value: [0.9, 0.93, 0.87][k] }, { key: 'test_log_loss', step: 0, value: [0.3, 0.2, 0.5][k] }]);
    store.logArtifact(run.id, 'confusion_matrix.json', JSON.stringify({ split: 'test', labels: ['setosa', 'versicolor', EVIL], matrix: [[10, 0, 0], [0, 8 + k, 2 - k], [0, 1, 9]] }), 'confusion_matrix');
    store.logArtifact(run.id, 'feature_importances.json', JSON.stringify({ method: 'impurity', importances: [{ feature: 'petal_length', importance: 0.5 + 0.1 * k }, { feature: EVIL, importance: 0.1 }] }), 'feature_importances');
    store.logArtifact(run.id, 'permutation_importance.json', JSON.stringify({ method: 'permutation', importances: [{ feature: 'petal_width', importance: 0.3 - 0.05 * k, std: 0.01 }] }), 'permutation_importance');
    const groups = ['F', 'F', 'M', 'M', EVIL, EVIL];
    const frame: Frame = { columns: [{ name: 'sex', type: 'categorical', values: groups }], rows: groups.length };
    const slices = sliceReport([groupRows(frame, { column: 'sex' }, true)], { task: 'classification', nClasses: 2, positiveLabel: 'yes', yTrue: [1, 0, 1, 0, 1, 0], yPred: [1, 0, k % 2, 1, 1, 1] });
    store.logArtifact(run.id, 'slices.json', JSON.stringify(slices), 'slices');
    store.datasets.logInput(run.id, { fingerprint: `${k}${'f'.repeat(63)}`, path: 'data/iris.csv', rows: 150, columns: 5 }, 'train');
    store.setStatus(run.id, 'finished');
    return run.id;
  });
}
