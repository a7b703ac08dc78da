import type { ConfigDiagnostic } from '../config/configDiagnostic';
import { compareDiagnostics, toDiagnostic } from '../config/configDiagnostic';
import type { ConfigIssue } from '../config/configIssue';
import { isRecord } from '../config/issueBuilders';
import type { Locate } from '../config/sourceLocator';
import { parseYamlText } from '../config/yamlText';
import type { ComputeProfile } from './computeProfile';
import { personalProfilesIssues, runlensFileIssues, toComputeProfile } from './computeProfile';

/** The workspace file a team commits: `<workspace root>/runlens.yaml`. */
export const RUNLENS_FILE = 'runlens.yaml';

/** Profiles read from one source, and what kept the others out. */
export interface ProfileSet {
  /** Valid profiles, in the order written. */
  readonly profiles: readonly ComputeProfile[];
  /** Every problem, errors and warnings, positioned when the source is text. */
  readonly diagnostics: readonly ConfigDiagnostic[];
  /** Names written with an error, each with its diagnostics' messages. */
  readonly invalid: ReadonlyMap<string, readonly string[]>;
}

/** Splits a mapping of profiles into the valid ones and the names whose issues hold an error. */
function sortOut(profiles: unknown, at: readonly string[], issues: readonly ConfigIssue[], locate?: Locate): ProfileSet {
  const diagnostics = issues.map((i) => toDiagnostic(i, locate)).sort(compareDiagnostics);
  const errorsOf = (name: string) => issues
    .filter((i) => i.severity === 'error' && at.every((seg, k) => i.pointer[k] === seg) && (i.pointer.length <= at.length || i.pointer[at.length] === name))
    .map((i) => i.message);
  const valid: ComputeProfile[] = [];
  const invalid = new Map<string, readonly string[]>();
  if (isRecord(profiles)) {
    for (const [name, value] of Object.entries(profiles)) {
      const errors = errorsOf(name);
      if (errors.length > 0 || !isRecord(value)) invalid.set(name, errors);
      else valid.push(toComputeProfile(name, value));
    }
  }
  return { profiles: valid, diagnostics, invalid };
}

/**
 * Parses and checks the text of `runlens.yaml` (the editor passes unsaved
 * text; `loadComputeProfiles` the file). A profile with an error is left out
 * and named in `invalid`; the others are usable. Pure: reads no files.
 */
export function parseRunlensFileText(text: string, fileName: string = RUNLENS_FILE): ProfileSet {
  const parsed = parseYamlText(text, fileName);
  if (!parsed.ok) return { profiles: [], diagnostics: parsed.diagnostics, invalid: new Map() };
  const value = parsed.value ?? {}; // an empty file: no profiles, nothing wrong
  const set = sortOut(isRecord(value) ? value.compute : undefined, ['compute'], runlensFileIssues(value), parsed.locate);
  return { ...set, diagnostics: [...parsed.diagnostics, ...set.diagnostics].sort(compareDiagnostics) };
}

/** Checks the `runlens.compute` setting (personal profiles: name → profile); no positions. */
export function checkPersonalProfiles(value: unknown): ProfileSet {
  if (value === undefined || value === null) return { profiles: [], diagnostics: [], invalid: new Map() };
  return sortOut(value, ['runlens', 'compute'], personalProfilesIssues(value));
}
