import type { ClassReportView, ConfusionMatrixView, FeatureImportancesView, SliceReportView } from '../../protocol/compare';
import type { SourceArtifact } from '../../tracking/runSource';
import { parseClassReport, parseConfusionMatrix, parseFeatureImportances } from './artifactViews';
import type { CompareRunSource } from './compareStore';
import { parseSliceReport } from './sliceViews';

/** JSON artifacts above this size are not read (a report is a few KB). */
const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024;

/** The drawable artifacts of one run. */
export interface RunArtifactViews {
  readonly confusionMatrices: ConfusionMatrixView[];
  readonly featureImportances: FeatureImportancesView[];
  readonly classReports: ClassReportView[];
  readonly slices: SliceReportView[];
}

type Kind = 'confusion_matrix' | 'feature_importances' | 'classification_report' | 'slices';

function kindOf(a: Pick<SourceArtifact, 'kind' | 'path'>): Kind | undefined {
  for (const k of ['confusion_matrix', 'feature_importances', 'classification_report', 'slices'] as const) {
    if (a.kind === k || a.path === `${k}.json` || a.path.endsWith(`/${k}.json`)) return k;
  }
  return undefined;
}

function keep<T>(list: T[], item: T | undefined): boolean {
  if (item) list.push(item);
  return item !== undefined;
}

/** Identifies the artifact list cheaply, so unchanged artifacts are not read again (by size where a server keeps no hash). */
export function artifactSignature(artifacts: readonly SourceArtifact[]): string {
  return artifacts
    .filter((a) => kindOf(a))
    .map((a) => `${a.path}:${a.sha256 ?? a.size}`)
    .sort()
    .join('|');
}

/**
 * Reads and validates the confusion matrices, feature importances,
 * classification reports and slices of a run from its source. A missing, huge or
 * malformed file is skipped with a log line; the panel still opens. The
 * views are labelled with `runKey`, the run's name in the panel.
 */
export async function readRunArtifacts(at: CompareRunSource, runKey: string, artifacts: readonly SourceArtifact[], log: (m: string) => void): Promise<RunArtifactViews> {
  const out: RunArtifactViews = { confusionMatrices: [], featureImportances: [], classReports: [], slices: [] };
  for (const a of artifacts) {
    const kind = kindOf(a);
    if (!kind) continue;
    if (a.size !== null && a.size > MAX_ARTIFACT_BYTES) {
      log(`compare: ${a.path} of run ${at.runId} is ${a.size} bytes; not drawn`);
      continue;
    }
    let json: unknown;
    try {
      const bytes = await at.source.readArtifact(at.runId, a.path);
      if (bytes.length > MAX_ARTIFACT_BYTES) {
        log(`compare: ${a.path} of run ${at.runId} is ${bytes.length} bytes; not drawn`);
        continue;
      }
      json = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      log(`compare: cannot read ${a.path} of run ${at.runId}: ${(e as Error).message}`);
      continue;
    }
    const kept =
      kind === 'confusion_matrix'
        ? keep(out.confusionMatrices, parseConfusionMatrix(runKey, json))
        : kind === 'feature_importances'
          ? keep(out.featureImportances, parseFeatureImportances(runKey, json))
          : kind === 'slices'
            ? keep(out.slices, parseSliceReport(runKey, json))
            : keep(out.classReports, parseClassReport(runKey, json));
    if (!kept) log(`compare: ${a.path} of run ${at.runId} is not a valid ${kind} artifact; not drawn`);
  }
  return out;
}
