import type { DenseMatrix } from '../core/data/frame';
import type { Model } from '../core/models/model';
import { classificationMetrics } from '../core/metrics/classificationMetrics';
import { regressionMetrics } from '../core/metrics/regressionMetrics';
import { confusionMatrix, classificationReport } from '../core/metrics/confusionMatrix';

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
}

function splitMetrics(input: EvaluationInput, X: DenseMatrix, y: Float64Array): Record<string, number> {
  const { model } = input;
  const pred = model.predict(X);
  if (model.task === 'regression') return regressionMetrics(y, pred);
  const proba = model.predictProba?.(X);
  return classificationMetrics(y, pred, proba, input.classes?.length ?? 0, input.positiveIndex);
}

function prefixed(prefix: string, metrics: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) out[`${prefix}_${k}`] = v;
  return out;
}

/**
 * Scores a fitted model on both splits (`train_<m>`, `test_<m>`) and builds
 * the artifacts the compare view draws: confusion matrix, per-class report and
 * feature importances.
 */
export function evaluateModel(input: EvaluationInput): Evaluation {
  const metrics = {
    ...prefixed('train', splitMetrics(input, input.Xtrain, input.ytrain)),
    ...(input.ytest.length > 0 ? prefixed('test', splitMetrics(input, input.Xtest, input.ytest)) : {}),
  };
  const artifacts: RunArtifact[] = [];
  const labels = (input.classes ?? []).map(String);
  if (input.model.task === 'classification' && input.ytest.length > 0) {
    const pred = input.model.predict(input.Xtest);
    const { matrix } = confusionMatrix(input.ytest, pred, labels);
    artifacts.push({
      path: 'confusion_matrix.json',
      kind: 'confusion_matrix',
      content: JSON.stringify({ split: 'test', labels, matrix }),
    });
    artifacts.push({
      path: 'classification_report.json',
      kind: 'classification_report',
      content: JSON.stringify({ split: 'test', labels, report: classificationReport(input.ytest, pred, labels) }),
    });
  }
  const importances = input.model.featureImportances?.();
  if (importances) {
    const rows = input.featureNames.map((feature, i) => ({ feature, importance: importances[i] ?? 0 }));
    rows.sort((a, b) => b.importance - a.importance);
    artifacts.push({
      path: 'feature_importances.json',
      kind: 'feature_importances',
      content: JSON.stringify({ method: 'impurity', importances: rows }),
    });
  }
  return { metrics, artifacts };
}
