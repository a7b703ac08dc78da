/**
 * A build that failed at its FROM step: the base image could not be pulled
 * (no registry reachable) or found. `runlens base-image` is the way out.
 */
import type { BuildOutcome } from './buildRunner';

/** Why the base image could not be had (the CLI's own words), or null when the build failed elsewhere. */
export function baseImageFailure(outcome: BuildOutcome | null): string | null {
  const step = outcome?.failedStep;
  if (!outcome || outcome.status !== 'failed' || !step || step.index !== 1 || !/^FROM\s/i.test(step.instruction)) return null;
  const error = outcome.error ?? '';
  const at = error.indexOf(' failed: ');
  return at >= 0 ? error.slice(at + ' failed: '.length) : error;
}
