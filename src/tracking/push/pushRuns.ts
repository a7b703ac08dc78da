/**
 * Pushes local runs to an MLflow tracking server, incrementally and without
 * duplicates: a run is created once (linked in the ledger, and tagged
 * `runlens.runId` so a lost ledger still finds it), params and tags the
 * server lacks are sent, metric points from the last shipped one on, and
 * artifacts whose content the server does not have. A second push of an
 * unchanged run sends nothing but one `runs/get`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { MlflowClient } from '../../mlflow/client/mlflowClient';
import { MlflowRestError } from '../../mlflow/client/mlflowHttp';
import type { WireMetric, WireRun } from '../../mlflow/client/mlflowWire';
import { TAG_GIT_COMMIT, TAG_PARENT_RUN_ID, TAG_RUN_NAME, TAG_SOURCE_NAME, TAG_USER, toMlflowStatus } from '../../mlflow/mlflowFormat';
import type { ModelPackage } from '../../core/package/modelPackage';
import { parseModelPackage } from '../../core/package/modelPackage';
import type { RunRecord } from '../../store/types';
import type { MlflowModelFile } from '../pyfunc/mlflowModel';
import { MLFLOW_MODEL_LAYOUT, mlflowModelFiles } from '../pyfunc/mlflowModel';
import { TERMINAL_STATUSES } from '../../store/types';
import { splitLogBatches } from './logBatches';
import type { RemoteRunLink } from '../../store/syncRepo';
import type { PushSource, PushSummary, SyncLedger } from './pushTypes';
import { emptySummary } from './pushTypes';
import { takePushLease } from './pushLease';

/** Where a run keeps its model package (`model/model.json`); pushed, that folder is an MLflow model. */
export const MODEL_DIR = 'model';

/**
 * The MLflow model files for a run's package, or none when the artifact is
 * not a RunLens package (a script's own `model/model.json`). Deterministic
 * (the model uuid is the local run id, the time the package's), so a second
 * push finds the same bytes and sends nothing.
 */
function mlflowModelOf(runId: string, remoteRunId: string, packageJson: Buffer): MlflowModelFile[] {
  let pkg: ModelPackage;
  try {
    pkg = parseModelPackage(packageJson.toString('utf8'), 'model/model.json');
  } catch {
    return [];
  }
  return mlflowModelFiles(pkg, { packageJson, mlflowRunId: remoteRunId, artifactPath: MODEL_DIR, modelUuid: runId });
}

/** The tag holding the local run id on the server's copy. */
export const TAG_RUNLENS_RUN_ID = 'runlens.runId';
/** Points read from the store per round (bounded memory for long series). */
const POINTS_PER_ROUND = 5000;

export interface PushOptions {
  readonly source: PushSource;
  readonly ledger: SyncLedger;
  readonly client: MlflowClient;
  /** Experiment on the server; default: the run's own experiment name. */
  readonly experiment?: string;
  readonly signal?: AbortSignal;
  /** How long to wait for another pusher of the same run; default 2 minutes. */
  readonly leaseWaitMs?: number;
  /** After each run: how far along the push is. */
  readonly onRun?: (done: number, total: number, run: RunRecord) => void;
}

/** Parents before their children, so a child's `mlflow.parentRunId` can name the parent's remote id. */
function parentsFirst(runs: readonly RunRecord[]): RunRecord[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const depth = (r: RunRecord): number => {
    let d = 0;
    for (let p = r.parentId; p && byId.has(p) && d < 100; p = byId.get(p)!.parentId) d++;
    return d;
  };
  return [...runs].sort((a, b) => depth(a) - depth(b) || a.createdAt - b.createdAt);
}

/** Pushes the runs (ids) and, with them, their parents; failures of one run do not stop the others. */
export async function pushRuns(runIds: readonly string[], opts: PushOptions): Promise<PushSummary> {
  const { source } = opts;
  const wanted = new Map<string, RunRecord>();
  for (const id of runIds) {
    for (let run: RunRecord | undefined = source.getRun(id); run && !wanted.has(run.id); run = run.parentId ? source.findRun(run.parentId) : undefined) {
      wanted.set(run.id, run);
    }
  }
  const runs = parentsFirst([...wanted.values()]);
  const summary = emptySummary();
  let done = 0;
  for (const run of runs) {
    opts.signal?.throwIfAborted();
    try {
      await new RunPusher(run, opts, summary).push();
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      const transient = e instanceof MlflowRestError && e.transient;
      summary.failures.push({ runId: run.id, message: (e as Error).message, transient });
      // A server that is away fails every other run the same way: stop and say so once.
      if (transient) break;
    }
    opts.onRun?.(++done, runs.length, run);
  }
  return summary;
}

class RunPusher {
  private readonly server: string;
  private sentSomething = false;

  constructor(
    private readonly run: RunRecord,
    private readonly opts: PushOptions,
    private readonly summary: PushSummary,
  ) {
    this.server = opts.client.server;
  }

  async push(): Promise<void> {
    // One pusher per run and server: another process (or this one) may be pushing this run right now.
    const lease = await takePushLease(this.opts.source.dir, this.run.id, this.server, { signal: this.opts.signal, maxWaitMs: this.opts.leaseWaitMs });
    try {
      await this.pushHeld();
    } finally {
      lease.release();
    }
  }

  private async pushHeld(): Promise<void> {
    const { client, ledger, signal } = this.opts;
    let link = ledger.remoteRun(this.run.id, this.server);
    let created = false;
    if (!link) ({ link, created } = await this.findOrCreate());
    const remote = await this.request(() => client.getRun(link.remoteRunId, signal));
    if (remote.info.lifecycleStage === 'deleted') {
      throw new Error(`run ${this.run.name} (${this.run.id}) was deleted on ${this.server} (remote id ${link.remoteRunId}); restore it there to push again`);
    }
    await this.sendParamsAndTags(link, remote);
    await this.sendMetrics(link);
    await this.sendArtifacts(link);
    await this.sendInputs(link);
    await this.sendStatus(link, remote);
    if (created) this.summary.runsCreated++;
    else if (this.sentSomething) this.summary.runsUpdated++;
    else this.summary.runsUnchanged++;
  }

  private async request<T>(fn: () => Promise<T>): Promise<T> {
    this.summary.requests++;
    return fn();
  }

  /**
   * The server's copy found by its `runlens.runId` tag (a ledger lost or a
   * push killed between create and link), else a new run. A found copy's
   * series are all marked pending, so sendMetrics counts what it already has.
   */
  private async findOrCreate(): Promise<{ link: RemoteRunLink; created: boolean }> {
    const { client, ledger, signal } = this.opts;
    const experimentId = await this.request(() => client.ensureExperiment(this.opts.experiment ?? this.run.experiment, signal));
    const search = await this.request(() => client.searchRuns({
      experimentIds: [experimentId], filter: `tags.\`${TAG_RUNLENS_RUN_ID}\` = '${this.run.id}'`, viewType: 'ALL', maxResults: 1,
    }, signal));
    const info = search.items[0]?.info ?? await this.request(() => client.createRun({
      experimentId,
      runName: this.run.name,
      startTime: this.run.startedAt ?? this.run.createdAt,
      userId: this.userName(),
      tags: this.systemTags(),
    }, signal));
    const link: RemoteRunLink = {
      runId: this.run.id, server: this.server, remoteRunId: info.runId, remoteExperimentId: info.experimentId,
      artifactUri: info.artifactUri, statusSent: null, inputsSent: 0,
    };
    ledger.linkRun(link);
    const found = search.items.length > 0;
    if (found) {
      ledger.markPending(this.run.id, this.server, new Map(this.opts.source.getMetricSummaries(this.run.id).map((m) => [m.key, m.count])));
    }
    this.sentSomething = true;
    return { link, created: !found };
  }

  private userName(): string {
    const tags = this.opts.source.getTags(this.run.id);
    if (tags[TAG_USER]) return tags[TAG_USER];
    try {
      return os.userInfo().username;
    } catch {
      return '';
    }
  }

  /** MLflow's own tags for what RunLens records as run attributes, so MLflow's UI shows them natively. */
  private systemTags(): Record<string, string> {
    const r = this.run;
    const tags: Record<string, string> = { [TAG_RUNLENS_RUN_ID]: r.id, [TAG_RUN_NAME]: r.name, [TAG_USER]: this.userName() };
    if (r.gitCommit) tags[TAG_GIT_COMMIT] = r.gitCommit;
    if (r.configPath) tags[TAG_SOURCE_NAME] = r.configPath;
    if (r.parentId) {
      const parent = this.opts.ledger.remoteRun(r.parentId, this.server);
      if (parent) tags[TAG_PARENT_RUN_ID] = parent.remoteRunId;
    }
    if (r.note) tags['mlflow.note.content'] = r.note;
    if (r.gitDirty !== null) tags['runlens.gitDirty'] = String(r.gitDirty);
    if (r.runlensVersion) tags['runlens.version'] = r.runlensVersion;
    return tags;
  }

  private async sendParamsAndTags(link: RemoteRunLink, remote: WireRun): Promise<void> {
    const params: { key: string; value: string }[] = [];
    for (const [key, value] of Object.entries(this.opts.source.getParams(this.run.id))) {
      const there = remote.params[key];
      if (there === undefined) params.push({ key, value });
      else if (there !== value) {
        throw new Error(`param ${key} of run ${this.run.name} is "${value}" here but "${there}" on ${this.server}; MLflow params cannot change`);
      }
    }
    // A pull's copy is the server's run: only what changed here goes back, never RunLens's own system tags.
    const wantTags = link.pulledAt != null ? this.opts.source.getTags(this.run.id) : { ...this.opts.source.getTags(this.run.id), ...this.systemTags() };
    const tags = Object.entries(wantTags).filter(([k, v]) => remote.tags[k] !== v).map(([key, value]) => ({ key, value }));
    for (const batch of splitLogBatches({ params, tags })) {
      await this.request(() => this.opts.client.logBatch(link.remoteRunId, batch, this.opts.signal));
    }
    this.summary.params += params.length;
    this.summary.tags += tags.length;
    if (params.length + tags.length > 0) this.sentSomething = true;
  }

  /**
   * New points of every series, oldest first, in batches across keys. A
   * series left pending by a cut-off push is first re-counted on the server:
   * the remote run is written only by this push, so its count is what arrived.
   */
  private async sendMetrics(link: RemoteRunLink): Promise<void> {
    const { source, ledger, client, signal } = this.opts;
    const shipped = ledger.shippedSeries(this.run.id, this.server);
    const position = new Map<string, number>();
    for (const s of source.getMetricSummaries(this.run.id)) {
      const state = shipped.get(s.key);
      let from = state?.shipped ?? 0;
      if (state?.pending !== null && state?.pending !== undefined) {
        from = (await this.request(() => client.getMetricHistory(link.remoteRunId, s.key, signal))).length;
        ledger.markShipped(this.run.id, this.server, new Map([[s.key, from]]));
      }
      if (from < s.count) position.set(s.key, from);
      else if (from > s.count) {
        throw new Error(`metric ${s.key} of run ${this.run.name} has ${from} points on ${this.server} but ${s.count} here; the server's copy was written by someone else`);
      }
    }
    const counts = new Map(source.getMetricSummaries(this.run.id).map((s) => [s.key, s.count]));
    while (position.size > 0) {
      signal?.throwIfAborted();
      const points: WireMetric[] = [];
      const upto = new Map<string, number>();
      for (const [key, from] of position) {
        if (points.length >= POINTS_PER_ROUND) break;
        const p = source.metricPointsFrom(this.run.id, key, from, POINTS_PER_ROUND - points.length);
        for (let i = 0; i < p.values.length; i++) points.push({ key, value: p.values[i]!, step: p.steps[i]!, timestamp: p.timestamps[i]! });
        upto.set(key, from + p.values.length);
      }
      for (const batch of splitLogBatches({ metrics: points })) {
        const batchUpto = new Map<string, number>();
        for (const m of batch.metrics ?? []) batchUpto.set(m.key, (batchUpto.get(m.key) ?? position.get(m.key)!) + 1);
        ledger.markPending(this.run.id, this.server, batchUpto);
        await this.request(() => client.logBatch(link.remoteRunId, batch, signal));
        ledger.markShipped(this.run.id, this.server, batchUpto);
        for (const [key, n] of batchUpto) position.set(key, n);
        this.summary.points += batch.metrics?.length ?? 0;
        this.sentSomething = true;
      }
      for (const [key, n] of upto) if (n >= counts.get(key)!) position.delete(key);
    }
  }

  /** The run's artifacts the server lacks (by content), and beside a RunLens model package the files that make `model/` an MLflow model. */
  private async sendArtifacts(link: RemoteRunLink): Promise<void> {
    const { source, ledger } = this.opts;
    const sent = ledger.sentArtifacts(this.run.id, this.server);
    const artifacts = source.listArtifacts(this.run.id);
    for (const a of artifacts) {
      if (sent.get(a.path) === a.sha256) continue;
      await this.upload(link, a.path, readFileSync(source.artifactPath(a.sha256)), a.sha256);
    }
    const pkg = artifacts.find((a) => a.path === `${MODEL_DIR}/${MLFLOW_MODEL_LAYOUT.data}`);
    if (!pkg || link.pulledAt != null) return;
    for (const f of mlflowModelOf(this.run.id, link.remoteRunId, readFileSync(source.artifactPath(pkg.sha256)))) {
      const path = `${MODEL_DIR}/${f.path}`;
      const sha = createHash('sha256').update(f.bytes).digest('hex');
      if (f.path === MLFLOW_MODEL_LAYOUT.data || sent.get(path) === sha) continue;
      await this.upload(link, path, f.bytes, sha);
    }
  }

  private async upload(link: RemoteRunLink, path: string, bytes: Buffer, sha256: string): Promise<void> {
    this.opts.signal?.throwIfAborted();
    await this.request(() => this.opts.client.uploadArtifact({ runId: link.remoteRunId, artifactUri: link.artifactUri }, path, bytes, this.opts.signal));
    this.opts.ledger.markArtifactSent(this.run.id, this.server, path, sha256);
    this.summary.artifacts++;
    this.summary.bytes += bytes.length;
    this.sentSomething = true;
  }

  /** The data files the run read, as MLflow dataset inputs (name, digest = the fingerprint's prefix, source = the path). */
  private async sendInputs(link: RemoteRunLink): Promise<void> {
    const { source, ledger, client, signal } = this.opts;
    const inputs = source.datasets.listInputs(this.run.id);
    if (inputs.length <= link.inputsSent) return;
    await this.request(() => client.logInputs(link.remoteRunId, inputs.map((i) => {
      const d = source.datasets.getDataset(i.fingerprint);
      const name = i.path.split(/[\\/]/).pop() ?? i.path;
      return {
        name, digest: i.fingerprint.slice(0, 36), sourceType: 'local', source: JSON.stringify({ uri: i.path }),
        schema: d?.schema ? JSON.stringify(d.schema) : null,
        profile: d ? JSON.stringify({ num_rows: d.rows, num_columns: d.columns }) : null,
        tags: { 'mlflow.data.context': i.role },
      };
    }), signal));
    ledger.updateLink(this.run.id, this.server, { inputsSent: inputs.length });
    this.sentSomething = true;
  }

  /** A finished, failed or killed run is closed on the server with its end time; a live one stays RUNNING. */
  private async sendStatus(link: RemoteRunLink, remote: WireRun): Promise<void> {
    const status = toMlflowStatus(this.run.status);
    if (!TERMINAL_STATUSES.includes(this.run.status)) return;
    if (remote.info.status === status) {
      if (link.statusSent !== status) this.opts.ledger.updateLink(this.run.id, this.server, { statusSent: status });
      return;
    }
    await this.request(() => this.opts.client.updateRun(link.remoteRunId, { status, endTime: this.run.endedAt ?? undefined }, this.opts.signal));
    this.opts.ledger.updateLink(this.run.id, this.server, { statusSent: status });
    this.sentSomething = true;
  }
}
