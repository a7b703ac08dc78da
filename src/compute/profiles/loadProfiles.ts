import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComputeProfile } from '../../core/compute/computeProfile';
import { inlineProfileIssues, LOCAL_PROFILE, LOCAL_PROFILE_NAME, toComputeProfile } from '../../core/compute/computeProfile';
import type { ProfileSet } from '../../core/compute/runlensFile';
import { checkPersonalProfiles, parseRunlensFileText, RUNLENS_FILE } from '../../core/compute/runlensFile';
import type { ConfigDiagnostic } from '../../core/config/configDiagnostic';
import { ConfigError, formatDiagnostic, toDiagnostic } from '../../core/config/configDiagnostic';
import { didYouMean } from '../../core/config/describe';
import { isRecord } from '../../core/config/issueBuilders';
import type { Locate } from '../../core/config/sourceLocator';

/** How the `runlens.compute` setting is named in messages. */
export const PERSONAL_SOURCE = 'settings';

/** The compute profiles of one workspace, and what was wrong in them. */
export interface LoadedComputeProfiles {
  /** `local` first, then runlens.yaml's profiles, then the personal ones (which replace a team profile of the same name). */
  readonly profiles: ReadonlyMap<string, ComputeProfile>;
  /** One line per problem: `runlens.yaml:4:11: compute.gpu.time must be …`, `settings: runlens.compute.gpu …`. */
  readonly issues: string[];
  /** Things worth saying that are not wrong: a personal profile replacing a team one. */
  readonly notes: string[];
  /** Names written with an error (and no valid profile of that name), with the problems: using one fails with them. */
  readonly invalid: ReadonlyMap<string, readonly string[]>;
}

export interface LoadComputeProfilesOptions {
  /** The folder holding `runlens.yaml` (a workspace folder, or the CLI's workspace). */
  readonly workspaceRoot: string;
  /** The `runlens.compute` setting as written: name → profile. */
  readonly personal?: unknown;
}

function readRunlensFile(root: string): { set: ProfileSet; issues: string[] } {
  let text: string;
  try {
    text = readFileSync(join(root, RUNLENS_FILE), 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // No runlens.yaml is the usual case: only `local` and personal profiles. A runlens.yml is a rename away.
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      const yml = existsSync(join(root, 'runlens.yml')) ? [`runlens.yml: not read; compute profiles live in ${RUNLENS_FILE} (rename it)`] : [];
      return { set: { profiles: [], diagnostics: [], invalid: new Map() }, issues: yml };
    }
    return { set: { profiles: [], diagnostics: [], invalid: new Map() }, issues: [`${RUNLENS_FILE}: cannot read it: ${err.message}`] };
  }
  const set = parseRunlensFileText(text, RUNLENS_FILE);
  return { set, issues: set.diagnostics.map((d) => formatDiagnostic(RUNLENS_FILE, d)) };
}

/**
 * Reads the compute profiles a run can use: `local` (always there), the
 * `compute:` map of `<workspaceRoot>/runlens.yaml` (the team's, committed),
 * and the `runlens.compute` setting (the user's own). A personal profile
 * replaces a team profile of the same name, with a note: the person who
 * submits wrote it for themselves (an account, a QOS of their own), like a
 * local override file beside a shared one. A profile with an error is left
 * out; the others still load.
 */
export function loadComputeProfiles(options: LoadComputeProfilesOptions): LoadedComputeProfiles {
  const team = readRunlensFile(options.workspaceRoot);
  const personal = checkPersonalProfiles(options.personal);
  const issues = [...team.issues, ...personal.diagnostics.map((d) => formatDiagnostic(PERSONAL_SOURCE, d))];
  const notes: string[] = [];
  const profiles = new Map<string, ComputeProfile>([[LOCAL_PROFILE_NAME, LOCAL_PROFILE]]);
  const invalid = new Map<string, readonly string[]>();
  for (const p of team.set.profiles) profiles.set(p.name, p);
  for (const [name, errors] of team.set.invalid) if (name !== LOCAL_PROFILE_NAME) invalid.set(name, errors);
  for (const p of personal.profiles) {
    if (profiles.has(p.name) || invalid.has(p.name)) notes.push(`${PERSONAL_SOURCE}: runlens.compute.${p.name} replaces the profile "${p.name}" of ${RUNLENS_FILE}`);
    profiles.set(p.name, p);
    invalid.delete(p.name);
  }
  for (const [name, errors] of personal.invalid) {
    if (name === LOCAL_PROFILE_NAME) continue;
    // A personal profile meant to replace a team one must not fall back to the team's silently.
    profiles.delete(name);
    invalid.set(name, errors);
  }
  return { profiles, issues, notes, invalid };
}

export interface ResolveComputeProfileOptions {
  readonly profiles: ReadonlyMap<string, ComputeProfile>;
  /** From `loadComputeProfiles`: a name here fails with its problems instead of "unknown". */
  readonly invalid?: ReadonlyMap<string, readonly string[]>;
  /** The config's `compute:` (a name or an inline profile), if any. */
  readonly configCompute?: unknown;
  /** `--on NAME`: wins over the config's `compute:`. */
  readonly on?: string;
  /** The config file, named in errors about its `compute:`. */
  readonly configFile?: string;
  /** Positions in the config's text, when it was read from one. */
  readonly locate?: Locate;
}

/** The name given to a profile written inside a config. */
export const INLINE_PROFILE_NAME = 'inline';

function unknownProfileMessage(name: string, o: ResolveComputeProfileOptions): string {
  const errors = o.invalid?.get(name);
  if (errors) return `the compute profile "${name}" has errors: ${errors.join('; ') || 'see the messages above'}`;
  const known = [...o.profiles.keys()];
  return `unknown compute profile "${name}"${didYouMean(name, known)} (known: ${known.join(', ')}; profiles live in ${RUNLENS_FILE}'s compute: and the runlens.compute setting)`;
}

/**
 * The profile a run trains on: `--on NAME`, else the config's `compute:`
 * (a name, or a profile written inline), else `local`. An unknown or broken
 * name, or a bad inline profile, throws a `ConfigError` naming where it was
 * asked for (`--on`, or the config file and line).
 */
export function resolveComputeProfile(o: ResolveComputeProfileOptions): ComputeProfile {
  if (o.on !== undefined) {
    const profile = o.on === LOCAL_PROFILE_NAME ? LOCAL_PROFILE : o.profiles.get(o.on);
    if (!profile) throw new ConfigError('--on', [], unknownProfileMessage(o.on, o));
    return profile;
  }
  const file = o.configFile ?? 'the config';
  const compute = o.configCompute;
  if (compute === undefined || compute === null) return LOCAL_PROFILE;
  if (typeof compute === 'string') {
    const profile = compute === LOCAL_PROFILE_NAME ? LOCAL_PROFILE : o.profiles.get(compute);
    if (profile) return profile;
    const diagnostic = toDiagnostic({ message: `compute: ${unknownProfileMessage(compute, o)}`, severity: 'error', pointer: ['compute'], target: 'value' }, o.locate);
    throw new ConfigError(file, [diagnostic]);
  }
  const issues = inlineProfileIssues(compute);
  const errors: ConfigDiagnostic[] = issues.filter((i) => i.severity === 'error').map((i) => toDiagnostic(i, o.locate));
  if (errors.length > 0 || !isRecord(compute)) throw new ConfigError(file, errors, errors.length > 0 ? undefined : 'compute must be a profile name or a mapping');
  return toComputeProfile(INLINE_PROFILE_NAME, compute);
}
