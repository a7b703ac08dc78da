import type { DenseMatrix } from '../core/data/frame';
import type { Model } from '../core/models/model';
import { confusionMatrix, classificationReport } from '../core/metrics/confusionMatrix';
import { prefixMetrics, scoreModel } from '../core/evaluation/scoreModel';
import { residualSummary } from '../core/evaluation/residuals';
import { permutationReport } from '../core/evaluation/permutationReport';
import type { SliceGrouping } from '../core/evaluation/slices/sliceGroups';
import { sliceMetrics, sliceReport } from '../core/evaluation/slices/sliceReport';

/** A file a run saves next to its metrics. */
export interface RunArtifact {
  readonly path: string;
  readonly kind: string;
  readonly content: string;
}

export interface Evaluation {
  readonly metrics: Record<string, number>;
  readonly artifacts: RunArtifact[];
}

export interface EvaluationInput {
  readonly model: Model;
  readonly Xtrain: DenseMatrix;
  readonly ytrain: Float64Array;
  readonly Xtest: DenseMatrix;
  readonly ytest: Float64Array;
  readonly classes?: readonly (string | number | boolean)[];
  readonly positiveIndex?: number;
  readonly featureNames: readonly string[];
  /** Seed of the permutation importance shuffles; default 0. */
  readonly seed?: number;
  /** CSV line of each test row, cited in `residuals.json`. */
  readonly testLines?: ArrayLike<number>;
  /** `evaluate.slices`: the test rows grouped by each slice column (`groupRows`). */
  readonly slices?: readonly SliceGrouping[];
}

function splitMetrics(input: EvaluationInput, X: DenseMatrix, y: Float64Array): Record<string, number> {
  return scoreModel(input.model, X, y, { nClasses: input.classes?.length ?? 0, positiveIndex: input.positiveIndex });
}

/**
 * Scores a fitted model on both splits (`train_<m>`, `test_<m>`) and builds
 * the artifacts the compare view draws. Every JSON artifact is small and
 * self-describing:
 *
 * - `confusion_matrix.json` (classification): `{ split, labels, matrix }`,
 *   rows = true class, columns = predicted.
 * - `classification_report.json` (classification): `{ split, labels, report }`,
 *   per-class and averaged precision, recall, F1 and support.
 * - `residuals.json` (regression): see `ResidualSummary`
 *   (src/core/evaluation/residuals.ts): mean, std, quantiles, histogram and
 *   the largest absolute residuals with their row.
 * - `feature_importances.json` (models that have them, e.g. trees):
 *   `{ method: 'impurity', importances: [{ feature, importance }] }`, largest first.
 * - `permutation_importance.json` (every model): the same shape plus `std`
 *   per feature; see `PermutationImportanceReport`
 *   (src/core/evaluation/permutationReport.ts). Seeded, 5 repeats.
 * - `slices.json` (with `evaluate.slices`): see `SliceReport`
 *   (src/core/evaluation/slices/sliceReport.ts); its disparities are also
 *   metrics (`slice_<column>_accuracy_gap`, …) a gate can read.
 *
 * The three test-split artifacts are left out when the test split is empty.
 */
export function evaluateModel(input: EvaluationInput): Evaluation {
  const hasTest = input.ytest.length > 0;
  const metrics = {
    ...prefixMetrics('train', splitMetrics(input, input.Xtrain, input.ytrain)),
    ...(hasTest ? prefixMetrics('test', splitMetrics(input, input.Xtest, input.ytest)) : {}),
  };
  const artifacts: RunArtifact[] = [];
  const labels = (input.classes ?? []).map(String);
  const json = (path: string, kind: string, value: unknown) => artifacts.push({ path, kind, content: JSON.stringify(value) });
  if (input.model.task === 'classification' && hasTest) {
    const pred = input.model.predict(input.Xtest);
    const { matrix } = confusionMatrix(input.ytest, pred, labels);
    json('confusion_matrix.json', 'confusion_matrix', { split: 'test', labels, matrix });
    json('classification_report.json', 'classification_report', { split: 'test', labels, report: classificationReport(input.ytest, pred, labels) });
  }
  if (input.model.task === 'regression' && hasTest) {
    const pred = input.model.predict(input.Xtest);
    json('residuals.json', 'residuals', residualSummary(input.ytest, pred, { split: 'test', ...(input.testLines ? { lines: input.testLines } : {}) }));
  }
  const importances = input.model.featureImportances?.();
  if (importances) {
    const rows = input.featureNames.map((feature, i) => ({ feature, importance: importances[i] ?? 0 }));
    rows.sort((a, b) => b.importance - a.importance);
    json('feature_importances.json', 'feature_importances', { method: 'impurity', importances: rows });
  }
  if (hasTest && input.featureNames.length > 0) {
    json('permutation_importance.json', 'permutation_importance',
      permutationReport(input.model, input.Xtest, input.ytest, input.featureNames, { seed: input.seed ?? 0, repeats: 5 }));
  }
  if (hasTest && input.slices && input.slices.length > 0) {
    const classification = input.model.task === 'classification';
    const pos = input.positiveIndex ?? 1;
    const report = sliceReport(input.slices, {
      task: input.model.task,
      yTrue: input.ytest,
      yPred: input.model.predict(input.Xtest),
      ...(classification ? { nClasses: labels.length, positiveIndex: pos, ...(labels.length === 2 ? { positiveLabel: labels[pos] } : {}) } : {}),
    });
    json('slices.json', 'slices', report);
    Object.assign(metrics, sliceMetrics(report));
  }
  return { metrics, artifacts };
}
