/**
 * The Deploy panel's collect step: store records and build / monitor results
 * turned into the page's view data. No vscode import: tested under Node.
 */
import type { BuildImageResult } from '../../deploy/build/imageBuild';
import { runImageCommand } from '../../deploy/build/containerCli';
import { defaultImageTag } from '../../protocol/imageReference';
import { formatStep } from '../../deploy/build/buildSteps';
import type { MonitorReport } from '../../deploy/monitor/monitorSample';
import type { BuildView, FeatureDriftView, MonitorView, VersionChoice } from '../../protocol/deploy';
import type { RunStore } from '../../store/runStore';
import type { DeploymentRecord } from '../../store/types';
import { deploymentImageTag } from '../models/modelPresentation';
import { parseModelRef } from '../../core/registry/modelRef';

/** Most build log lines the panel keeps (the head is dropped): a webview with 100,000 rows would crawl. */
export const MAX_LOG_LINES = 5000;

export const IDLE_BUILD: BuildView = {
  phase: 'idle', ref: null, tag: null, command: null, contextDir: null, imageId: null, durationMs: null,
  runCommand: null, failedStep: null, failedInstruction: null, error: null, cliNotes: [],
};

function serving(d: DeploymentRecord | undefined): { servingUrl: string | null; servingImage: string | null } {
  return { servingUrl: d?.url ?? null, servingImage: d ? deploymentImageTag(d) : null };
}

/** Every version of every model, newest first within a model; `servingUrl` from running deployments (local or container). */
export function versionChoices(store: RunStore): VersionChoice[] {
  const running = store.registry.listDeployments().filter((d) => d.stoppedAt === null);
  return store.registry.listModels().flatMap((m) => store.registry.listModelVersions(m.name).map((v): VersionChoice => ({
    ref: `${v.name}:${v.version}`,
    name: v.name,
    version: v.version,
    aliases: v.aliases,
    runName: v.runName,
    defaultTag: defaultImageTag({ name: v.name, version: v.version, runId: v.runId }),
    ...serving(running.find((d) => d.name === v.name && d.version === v.version)),
    builtImage: store.registry.listModelBuilds(v.name, v.version).filter((b) => b.status === 'succeeded' && b.imageId).sort((a, b) => b.startedAt - a.startedAt)[0]?.tag ?? null,
  })));
}

/** The `ref` of a choice for `churn@production`, `churn:3`, `churn` (latest), or null when nothing matches. */
export function matchChoice(choices: readonly VersionChoice[], text: string | null | undefined): string | null {
  if (!text) return null;
  const exact = choices.find((c) => c.ref === text);
  if (exact) return exact.ref;
  const at = /^(.+)@(.+)$/.exec(text);
  if (at) return choices.find((c) => c.name === at[1] && c.aliases.includes(at[2]!))?.ref ?? null;
  const ver = /^(.+):v?(\d+)$/.exec(text);
  if (ver) return choices.find((c) => c.name === ver[1] && c.version === Number(ver[2]))?.ref ?? null;
  return choices.find((c) => c.name === text)?.ref ?? null;
}

export function buildViewOf(ref: string, r: BuildImageResult): BuildView {
  const failed = r.outcome?.failedStep ?? null;
  return {
    phase: r.status,
    ref,
    tag: r.context.tag,
    command: r.command,
    contextDir: r.context.dir,
    imageId: r.outcome?.imageId ?? null,
    durationMs: r.outcome ? Math.round(r.outcome.durationMs) : null,
    runCommand: r.status === 'succeeded' ? runImageCommand(r.detected?.cli ?? null, r.context.tag) : null,
    failedStep: failed ? formatStep(failed) : null,
    failedInstruction: failed?.instruction ?? null,
    error: r.error,
    cliNotes: (r.detected?.rejected ?? []).map((x) => `${x.cli}: ${x.reason}`),
  };
}

/** Keeps the newest `max` lines. */
export function appendCapped(lines: string[], more: readonly string[], max = MAX_LOG_LINES): void {
  lines.push(...more);
  if (lines.length > max) lines.splice(0, lines.length - max);
}

const VERDICT_RANK: Readonly<Record<string, number>> = { large: 3, moderate: 2, small: 1, none: 0 };

/** The report as the page shows it: features sorted by severity, then PSI, worst first. */
export function monitorViewOf(ref: string, r: MonitorReport, canRetrain: boolean): MonitorView {
  const f = r.figures;
  const features: FeatureDriftView[] = (r.drift?.features ?? []).map((x) => ({
    feature: x.feature, psi: x.psi?.value ?? null, verdict: x.psi?.verdict ?? null, live: x.live, note: x.note ?? null,
  }));
  features.sort((a, b) => (VERDICT_RANK[b.verdict ?? ''] ?? -1) - (VERDICT_RANK[a.verdict ?? ''] ?? -1) || (b.psi ?? -1) - (a.psi ?? -1));
  return {
    ref,
    url: r.url,
    at: r.at,
    requestsPerSecond: f.requestsPerSecond,
    errorRate: f.errorRate,
    p50: f.latencyMs.p50,
    p95: f.latencyMs.p95,
    p99: f.latencyMs.p99,
    totalRequests: f.totalRequests,
    drift: r.drift ? { verdict: r.drift.verdict, rows: r.drift.rows, features } : null,
    driftNote: r.driftNote ?? null,
    warnings: r.warnings,
    canRetrain,
  };
}

/** A page message's version reference, `churn:3` → ['churn', 3]; anything else (an alias, a run) is refused. */
export function versionOfRef(ref: string): [string, number] {
  const parsed = parseModelRef(ref);
  if (parsed.kind !== 'version') throw new Error(`"${ref}" is not a model version (NAME:VERSION)`);
  return [parsed.name, parsed.version];
}
