/**
 * The `▶ Train on <profile>` and `⟳ Sweep on <profile>` lenses a config gets
 * beside the local ones, one pair per cluster profile of its workspace. No
 * vscode import: the CodeLens provider turns each spec into a lens.
 */

/** A profile as the lenses need it (the `ComputeProfile` of runlens.yaml / `runlens.compute` fits). */
export interface LensProfile {
  readonly name: string;
  readonly backend: string;
}

export interface ComputeLensSpec {
  readonly kind: 'train' | 'sweep';
  readonly profile: string;
  /** With codicons: `$(cloud-upload) Train on gpu-a100`. */
  readonly title: string;
  readonly tooltip: string;
}

/** Lenses, at most this many profiles' worth: a long list would push the config's first line off the screen. */
export const MAX_PROFILE_LENSES = 4;

/**
 * One `Train on` per cluster profile (the `local` profile is the plain
 * "Train this"); for a config with a sweep of `trials` trials, one `Sweep on`
 * instead: submitting a config with a sweep submits its sweep (one array
 * job), so a `Train on` there would say what it does not do. In an untrusted
 * workspace the titles say why clicking refuses.
 */
export function computeLensSpecs(o: {
  readonly profiles: Iterable<LensProfile>;
  readonly trials: number | undefined;
  readonly trusted: boolean;
}): ComputeLensSpec[] {
  const untrusted = o.trusted ? '' : ' (trust the workspace first)';
  const refused = 'Submitting jobs is disabled in an untrusted workspace';
  const cluster = [...o.profiles].filter((p) => p.backend !== 'local').slice(0, MAX_PROFILE_LENSES);
  if (o.trials === undefined) {
    return cluster.map((p) => ({
      kind: 'train',
      profile: p.name,
      title: `${o.trusted ? '$(play)' : '$(workspace-untrusted)'} Train on ${p.name}${untrusted}`,
      tooltip: o.trusted ? `Submit this config to Slurm with the profile "${p.name}" (sbatch); the run shows queued, then its metrics as the job sends them` : refused,
    }));
  }
  const n = `${o.trials} trial${o.trials === 1 ? '' : 's'}`;
  return cluster.map((p) => ({
    kind: 'sweep',
    profile: p.name,
    title: `${o.trusted ? '$(sync)' : '$(workspace-untrusted)'} Sweep on ${p.name} (${n})${untrusted}`,
    tooltip: o.trusted ? `Submit this config's sweep to Slurm with the profile "${p.name}": one array job, one task per trial` : refused,
  }));
}
