import fs from 'node:fs';
import type { ClassReportView, ConfusionMatrixView, FeatureImportancesView } from '../../protocol/compare';
import type { ArtifactRecord } from '../../store/types';
import { parseClassReport, parseConfusionMatrix, parseFeatureImportances } from './artifactViews';
import type { CompareStore } from './compareStore';

/** JSON artifacts above this size are not read (a report is a few KB). */
const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024;

/** The drawable artifacts of one run. */
export interface RunArtifactViews {
  readonly confusionMatrices: ConfusionMatrixView[];
  readonly featureImportances: FeatureImportancesView[];
  readonly classReports: ClassReportView[];
}

type Kind = 'confusion_matrix' | 'feature_importances' | 'classification_report';

function kindOf(a: ArtifactRecord): Kind | undefined {
  for (const k of ['confusion_matrix', 'feature_importances', 'classification_report'] as const) {
    if (a.kind === k || a.path === `${k}.json` || a.path.endsWith(`/${k}.json`)) return k;
  }
  return undefined;
}

function keep<T>(list: T[], item: T | undefined): boolean {
  if (item) list.push(item);
  return item !== undefined;
}

/** Identifies the artifact list cheaply, so unchanged artifacts are not read again. */
export function artifactSignature(artifacts: readonly ArtifactRecord[]): string {
  return artifacts
    .filter((a) => kindOf(a))
    .map((a) => `${a.path}:${a.sha256}`)
    .sort()
    .join('|');
}

/**
 * Reads and validates the confusion matrices, feature importances and
 * classification reports of a run. A missing, huge or malformed file is
 * skipped with a log line; the panel still opens.
 */
export function readRunArtifacts(store: CompareStore, runId: string, artifacts: readonly ArtifactRecord[], log: (m: string) => void): RunArtifactViews {
  const out: RunArtifactViews = { confusionMatrices: [], featureImportances: [], classReports: [] };
  for (const a of artifacts) {
    const kind = kindOf(a);
    if (!kind) continue;
    if (a.size > MAX_ARTIFACT_BYTES) {
      log(`compare: ${a.path} of run ${runId} is ${a.size} bytes; not drawn`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(store.artifactPath(a.sha256), 'utf8'));
    } catch (e) {
      log(`compare: cannot read ${a.path} of run ${runId}: ${(e as Error).message}`);
      continue;
    }
    const kept =
      kind === 'confusion_matrix'
        ? keep(out.confusionMatrices, parseConfusionMatrix(runId, json))
        : kind === 'feature_importances'
          ? keep(out.featureImportances, parseFeatureImportances(runId, json))
          : keep(out.classReports, parseClassReport(runId, json));
    if (!kept) log(`compare: ${a.path} of run ${runId} is not a valid ${kind} artifact; not drawn`);
  }
  return out;
}
