/**
 * Brings one server run into the store, or what is new of it. A run the
 * store does not have is created under the server's id (the pull's copy,
 * marked `pulled_at` in the ledger); a local run the server holds because it
 * was pushed there (linked, or found by its `runlens.runId` tag) stays the
 * original: it only gains points, params, tags and artifacts someone else
 * logged there, never the server's status or the tags push derives from it.
 * Every step is recorded in the ledger as it lands, so a pull cut off
 * anywhere resumes without a duplicate point or artifact.
 */
import { createHash } from 'node:crypto';
import { MlflowRestError } from '../../mlflow/client/mlflowHttp';
import type { WireRun } from '../../mlflow/client/mlflowWire';
import { TAG_GIT_COMMIT, TAG_PARENT_RUN_ID, TAG_RUN_NAME, TAG_SOURCE_NAME, TAG_USER } from '../../mlflow/mlflowFormat';
import { mlflowDatasetFingerprint } from '../../store/mlflowInputRepo';
import type { RemoteRunLink } from '../../store/syncRepo';
import type { RunRecord } from '../../store/types';
import { TERMINAL_STATUSES } from '../../store/types';
import { TAG_NOTE } from '../mlflowRows';
import { TAG_RUNLENS_RUN_ID } from '../push/pushRuns';
import { diffSeries } from './metricDiff';
import { mapMlflowRun, TAG_RUNLENS_VERSION, wireRunFacts } from './mlflowRunMapping';
import type { MappedRun } from './mlflowRunMapping';
import type { PullOptions, PullSummary, RunOutcome } from './pullTypes';
import type { RemoteRun } from './remoteSelection';

/** Tags push writes from a local run's own columns (pushRuns.ts systemTags): the local run is their source, not the server. */
const PUSH_SYSTEM_TAGS: ReadonlySet<string> = new Set([
  TAG_RUNLENS_RUN_ID, TAG_RUN_NAME, TAG_USER, TAG_GIT_COMMIT, TAG_SOURCE_NAME, TAG_PARENT_RUN_ID, TAG_NOTE, 'runlens.gitDirty', TAG_RUNLENS_VERSION,
]);

export interface RunPullResult {
  readonly localRunId: string;
  readonly outcome: Exclude<RunOutcome, 'failed'>;
  readonly points: number;
  readonly artifacts: number;
}

/** The key of an MLflow dataset input, as the store records it. */
function inputKey(d: { name: string; digest: string }): string {
  return mlflowDatasetFingerprint(d.name, d.digest);
}

const sameNumber = (a: number, b: number): boolean => String(a) === String(b);

export class RunPuller {
  private readonly server: string;
  private readonly remote: WireRun;
  private readonly mapped: MappedRun;
  private changed = false;
  private points = 0;
  private artifacts = 0;

  constructor(
    private readonly target: RemoteRun,
    private readonly opts: PullOptions,
    private readonly summary: PullSummary,
    private readonly now: () => number,
  ) {
    this.server = opts.client.server;
    this.remote = target.run;
    this.mapped = mapMlflowRun(wireRunFacts(target.run), now());
  }

  private async request<T>(fn: () => Promise<T>): Promise<T> {
    this.opts.signal?.throwIfAborted();
    this.summary.requests++;
    return fn();
  }

  async pull(): Promise<RunPullResult> {
    const { store } = this.opts;
    let localId = this.findLocal();
    let created = false;
    if (localId === undefined) {
      localId = this.create();
      created = true;
    }
    const link = store.sync.remoteRun(localId, this.server)!;
    const copy = link.pulledAt !== null && link.pulledAt !== undefined;
    if (!created && !this.opts.recheck && this.unchanged(store.getRun(localId), link, copy)) {
      return { localRunId: localId, outcome: 'unchanged', points: 0, artifacts: 0 };
    }
    if (!created) this.updateRun(store.getRun(localId), copy);
    await this.pullMetrics(localId);
    await this.pullArtifacts(localId);
    if (copy) {
      this.pullInputs(localId);
      this.pullStatus(store.getRun(localId));
    }
    return { localRunId: localId, outcome: created ? 'new' : this.changed ? 'updated' : 'unchanged', points: this.points, artifacts: this.artifacts };
  }

  /**
   * The local run for the server's run: linked by an earlier pull or push;
   * else one with the same id (an earlier pull or import whose link is gone),
   * adopted as the pull's copy; else the original a push sent there (its
   * `runlens.runId` tag), linked again.
   */
  private findLocal(): string | undefined {
    const { store } = this.opts;
    const remoteId = this.remote.info.runId;
    const linked = store.sync.localRunOf(this.server, remoteId);
    if (linked !== undefined) return linked;
    const base = { server: this.server, remoteRunId: remoteId, remoteExperimentId: this.remote.info.experimentId, artifactUri: this.remote.info.artifactUri, statusSent: null, inputsSent: 0 };
    if (this.mapped.id !== undefined && store.findRun(this.mapped.id)?.id === this.mapped.id) {
      store.sync.linkRun({ ...base, runId: this.mapped.id, pulledAt: this.now() });
      return this.mapped.id;
    }
    const original = this.remote.tags[TAG_RUNLENS_RUN_ID];
    if (original !== undefined && store.findRun(original)?.id === original && store.sync.remoteRun(original, this.server) === undefined) {
      store.sync.linkRun({ ...base, runId: original });
      return original;
    }
    return undefined;
  }

  /** The local parent of the server's run, when the server names one that is here. */
  private localParent(): string | null {
    const parent = this.remote.tags[TAG_PARENT_RUN_ID];
    return parent ? this.opts.store.sync.localRunOf(this.server, parent) ?? null : null;
  }

  /** The run row, params, tags and link in one transaction; metrics and artifacts follow. */
  private create(): string {
    const { store } = this.opts;
    const m = this.mapped;
    const parentId = this.localParent();
    const parentTag = this.remote.tags[TAG_PARENT_RUN_ID];
    if (parentTag && parentId === null) {
      this.summary.warnings.push(`run ${this.remote.info.runId}: its parent ${parentTag} was not pulled; kept at the top level until it is`);
    }
    return store.transaction(() => {
      const rec = store.createRunAt({
        experiment: this.target.experiment, id: m.id, name: m.name, status: m.status, parentId,
        createdAt: m.createdAt, startedAt: m.startedAt, endedAt: m.endedAt, gitCommit: m.gitCommit, runlensVersion: m.runlensVersion,
        tags: this.remote.tags,
      });
      if (m.note !== null) store.setNote(rec.id, m.note);
      if (Object.keys(this.remote.params).length > 0) store.logParams(rec.id, this.remote.params);
      store.sync.linkRun({
        runId: rec.id, server: this.server, remoteRunId: this.remote.info.runId, remoteExperimentId: this.remote.info.experimentId,
        artifactUri: this.remote.info.artifactUri, statusSent: null, inputsSent: 0, pulledAt: this.now(),
      });
      this.summary.params += Object.keys(this.remote.params).length;
      this.summary.tags += Object.keys(this.remote.tags).length;
      return rec.id;
    });
  }

  /** Remote tags this local run takes: all of them for the pull's copy; for a pushed original, those push does not derive from it. */
  private remoteTags(copy: boolean): [string, string][] {
    return Object.entries(this.remote.tags).filter(([k]) => copy || !PUSH_SYSTEM_TAGS.has(k));
  }

  /**
   * Nothing to fetch: the search record (params, tags, latest value of every
   * metric, inputs, and for the pull's copy its name and status) matches the
   * store, and the last pull of it completed. A point logged below a
   * series' latest step, or an artifact logged to a run that changed
   * nothing else, waits for a change or `recheck`.
   */
  private unchanged(local: RunRecord, link: RemoteRunLink, copy: boolean): boolean {
    const { store } = this.opts;
    const params = store.getParams(local.id);
    if (Object.entries(this.remote.params).some(([k, v]) => params[k] !== v)) return false;
    const tags = store.getTags(local.id);
    if (this.remoteTags(copy).some(([k, v]) => tags[k] !== v)) return false;
    const latest = new Map(store.getMetricSummaries(local.id).map((s) => [s.key, s]));
    for (const m of this.remote.metrics) {
      const s = latest.get(m.key);
      if (!s || s.latestStep !== m.step || s.latestTimestamp !== m.timestamp || !sameNumber(s.latest, m.value)) return false;
    }
    if (!copy) return true;
    const inputs = new Set((store.mlflowInputs.inputsOf([local.id]).get(local.id) ?? []).map((i) => i.fingerprint));
    if (this.remote.inputs.some((d) => !inputs.has(inputKey(d)))) return false;
    return link.statusSent === this.remote.info.status && local.status === this.mapped.status && local.name === (this.mapped.name ?? local.name) &&
      (!TERMINAL_STATUSES.includes(local.status) || local.endedAt === this.mapped.endedAt);
  }

  /** New params and changed tags; for the pull's copy also its name, note and parent. */
  private updateRun(local: RunRecord, copy: boolean): void {
    const { store } = this.opts;
    const have = store.getParams(local.id);
    const params = Object.fromEntries(Object.entries(this.remote.params).filter(([k]) => have[k] === undefined));
    for (const [k, v] of Object.entries(this.remote.params)) {
      if (have[k] !== undefined && have[k] !== v) {
        throw new Error(`param ${k} is "${have[k]}" here but "${v}" on ${this.server}; params cannot change, so this run is left as it was`);
      }
    }
    const tagsHere = store.getTags(local.id);
    const tags = Object.fromEntries(this.remoteTags(copy).filter(([k, v]) => tagsHere[k] !== v));
    store.transaction(() => {
      if (Object.keys(params).length > 0) store.logParams(local.id, params);
      if (Object.keys(tags).length > 0) store.setTags(local.id, tags);
      if (copy) {
        if (this.mapped.name !== undefined && this.mapped.name !== local.name) store.rename(local.id, this.mapped.name);
        if (this.mapped.note !== local.note) store.setNote(local.id, this.mapped.note);
        const parent = this.localParent();
        if (parent !== null && local.parentId !== parent) store.setParent(local.id, parent);
      }
    });
    const n = Object.keys(params).length + Object.keys(tags).length;
    this.summary.params += Object.keys(params).length;
    this.summary.tags += Object.keys(tags).length;
    if (n > 0) this.changed = true;
  }

  /**
   * Each series' server history against the local one: the points the store
   * lacks are appended (in logging order), and when the server has every
   * local point the ledger's count says so in the same transaction (else it
   * stays, so push still sends what was logged here and not sent).
   */
  private async pullMetrics(localId: string): Promise<void> {
    const { store, client, signal } = this.opts;
    for (const m of this.remote.metrics) {
      const history = await this.request(() => client.getMetricHistory(this.remote.info.runId, m.key, signal));
      const { fresh, localOnly } = diffSeries(history, store.getMetricHistory(localId, m.key));
      const shipped = store.sync.shippedSeries(localId, this.server).get(m.key);
      const count = history.length + localOnly;
      const ledgerRight = localOnly > 0 || (shipped?.shipped === count && shipped.pending === null);
      if (fresh.length === 0 && ledgerRight) continue;
      store.transaction(() => {
        if (fresh.length > 0) store.logMetrics(localId, fresh.map((p) => ({ key: m.key, value: p.value, step: p.step, timestamp: p.timestamp })));
        if (localOnly === 0) store.sync.markShipped(localId, this.server, new Map([[m.key, count]]));
      });
      this.points += fresh.length;
      this.summary.points += fresh.length;
      if (fresh.length > 0) this.changed = true;
    }
  }

  /** Every file under the run's artifact root, one level per request. */
  private async remoteFiles(): Promise<string[]> {
    const { client, signal } = this.opts;
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const f of await this.request(() => client.listArtifacts(this.remote.info.runId, dir, signal))) {
        if (f.isDir) await walk(f.path);
        else out.push(f.path);
      }
    };
    await walk('');
    return out;
  }

  /** Files the ledger does not know the server to hold (as sent or pulled), downloaded through the proxy into the CAS. */
  private async pullArtifacts(localId: string): Promise<void> {
    const { store } = this.opts;
    const known = store.sync.sentArtifacts(localId, this.server);
    const files = (await this.remoteFiles()).filter((p) => !known.has(p));
    const here = new Map(store.listArtifacts(localId).map((a) => [a.path, a.sha256]));
    for (const path of files) {
      const bytes = await this.download(path);
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (here.get(path) !== sha) {
        store.logArtifact(localId, path, bytes);
        this.artifacts++;
        this.summary.artifacts++;
        this.summary.bytes += bytes.length;
        this.changed = true;
      }
      store.sync.markArtifactSent(localId, this.server, path, sha);
    }
  }

  /**
   * One file's bytes. MLflow's artifact proxy names the file in a raw
   * Content-Disposition header, which its gunicorn cannot encode beyond
   * Latin-1: for such a name it drops the connection (MLflow's own client
   * fails the same way), so those come through `get-artifact`, whose header
   * is encoded properly; a server without that route gets the proxy.
   */
  private async download(path: string): Promise<Buffer> {
    const { client, signal } = this.opts;
    const runId = this.remote.info.runId;
    if (/[^\u0000-\u00ff]/.test(path.split('/').pop() ?? path)) {
      try {
        return await this.request(() => client.http.getBytes(`get-artifact?path=${encodeURIComponent(path)}&run_uuid=${encodeURIComponent(runId)}`, signal));
      } catch (e) {
        if (!(e instanceof MlflowRestError && e.notFound)) throw e;
      }
    }
    return this.request(() => client.downloadArtifact(this.remote.info, path, signal));
  }

  /** MLflow dataset inputs the copy lacks; the ledger then counts every input as on the server. */
  private pullInputs(localId: string): void {
    const { store } = this.opts;
    const have = new Set((store.mlflowInputs.inputsOf([localId]).get(localId) ?? []).map((i) => i.fingerprint));
    const missing = this.remote.inputs.filter((d) => !have.has(inputKey(d)));
    if (missing.length > 0) {
      store.mlflowInputs.log(localId, missing.map((d) => ({
        dataset: { name: d.name, digest: d.digest, sourceType: d.sourceType, source: d.source, schema: d.schema, profile: d.profile },
        tags: d.tags,
      })));
      this.summary.inputs += missing.length;
      this.changed = true;
    }
    store.sync.updateLink(localId, this.server, { inputsSent: store.datasets.listInputs(localId).length });
  }

  /** The server's status and end time; then the link records the status this pull completed with. */
  private pullStatus(local: RunRecord): void {
    const { store } = this.opts;
    const m = this.mapped;
    const terminal = TERMINAL_STATUSES.includes(m.status);
    if (local.status !== m.status || (terminal && local.endedAt !== m.endedAt)) {
      store.setStatus(local.id, m.status, terminal && m.endedAt !== null ? { endedAt: m.endedAt } : {});
      this.changed = true;
    }
    store.sync.updateLink(local.id, this.server, { statusSent: this.remote.info.status });
  }
}
