import { meanOver, presentClasses } from './classificationMetrics';
import { confusionCounts, perClassScores } from './perClass';

/** Counts with rows = true class and columns = predicted class, in `labels` order. */
export interface ConfusionMatrix {
  readonly labels: readonly string[];
  readonly matrix: number[][];
}

/** Class names, or a class count (names become "0", "1", …). */
export type ClassLabels = readonly string[] | number;

function labelNames(labels: ClassLabels): readonly string[] {
  return typeof labels === 'number' ? Array.from({ length: labels }, (_, i) => String(i)) : labels;
}

/** The confusion matrix with its labels; rows = true class, columns = predicted. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: ClassLabels): ConfusionMatrix {
  const names = labelNames(labels);
  const k = names.length;
  const cm = confusionCounts(yTrue, yPred, k);
  const matrix = Array.from({ length: k }, (_, r) => Array.from(cm.subarray(r * k, (r + 1) * k)));
  return { labels: names, matrix };
}

/** Precision, recall, F1 and support of one class or one average. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface ClassificationReport {
  /** One row per class, in label order (absent classes get zeros). */
  readonly classes: readonly ({ readonly label: string } & ClassScores)[];
  readonly accuracy: number;
  /** Unweighted mean over the classes present in yTrue or yPred (scikit-learn's default). */
  readonly macroAvg: ClassScores;
  /** Mean weighted by support. */
  readonly weightedAvg: ClassScores;
}

/** scikit-learn's classification_report(output_dict=True), typed. */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: ClassLabels): ClassificationReport {
  const names = labelNames(labels);
  const k = names.length;
  const cm = confusionCounts(yTrue, yPred, k);
  const s = perClassScores(cm, k);
  const present = presentClasses(cm, k);
  let hits = 0;
  for (let c = 0; c < k; c++) hits += cm[c * k + c];
  const n = yTrue.length;
  const weighted = (v: Float64Array): number => {
    let t = 0;
    for (let c = 0; c < k; c++) t += v[c] * s.support[c];
    return n > 0 ? t / n : 0;
  };
  return {
    classes: names.map((label, c) => ({ label, precision: s.precision[c], recall: s.recall[c], f1: s.f1[c], support: s.support[c] })),
    accuracy: n > 0 ? hits / n : NaN,
    macroAvg: { precision: meanOver(s.precision, present), recall: meanOver(s.recall, present), f1: meanOver(s.f1, present), support: n },
    weightedAvg: { precision: weighted(s.precision), recall: weighted(s.recall), f1: weighted(s.f1), support: n },
  };
}
