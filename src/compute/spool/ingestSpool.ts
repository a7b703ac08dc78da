/**
 * The login side of a cluster run: applies a task spool's complete lines
 * after the saved byte offset to the workspace store, in order. Each batch of
 * lines is applied in ONE store transaction together with the new offset
 * (the workspace run's tag `runlens.spool.offset`), and the offset is read
 * inside that transaction, after the write lock is taken: two ingesters at
 * once (the editor and `runlens jobs sync`, two processes) serialise on the
 * lock and the second starts where the first committed, so every event is
 * applied exactly once; a crash mid-batch rolls back the events with the
 * offset.
 *
 * The spool's first run without a parent is the workspace run the job fills
 * (queued → running → finished …); other runs (cross-validation folds)
 * become new workspace runs under their mapped parent, tagged with their
 * scratch id (`runlens.spool.id`) so later batches find them. No pid is ever
 * recorded: the run's process is on another machine, and Slurm's state (not a
 * pid or a heartbeat on this host) decides a run that stops reporting.
 */
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { StoreError } from '../../store/errors';
import type { RunStore } from '../../store/runStore';
import type { MetricPoint, RunStatus } from '../../store/types';
import { TERMINAL_STATUSES } from '../../store/types';
import type { SpoolEnd } from './spoolShipper';
import type { SpoolEvent } from './spoolEvents';
import { decodeNumber, readSpoolLines, spoolPaths } from './spoolEvents';

/** The byte offset up to which a task's spool has been applied (on the workspace run). */
export const TAG_SPOOL_OFFSET = 'runlens.spool.offset';
/** The scratch-store id of the run a workspace run mirrors. */
export const TAG_SPOOL_ID = 'runlens.spool.id';

/** Tags of the ingest's own bookkeeping: never taken from a spool. */
const OWN_TAGS: ReadonlySet<string> = new Set([TAG_SPOOL_OFFSET, TAG_SPOOL_ID]);

export interface IngestOptions {
  /** About how many bytes of lines one transaction applies; default 4 MiB. */
  readonly maxBytesPerTransaction?: number;
}

export interface IngestResult {
  /** Events applied by this call. */
  readonly events: number;
  /** Metric points among them. */
  readonly points: number;
  /** Complete lines skipped as malformed (a torn line a restarted job terminated). */
  readonly malformed: number;
  /** The offset after this call (the spool's applied length). */
  readonly offset: number;
  /** Events the store refused, skipped (one line each, naming the spool file and byte offset). */
  readonly problems: readonly string[];
  /** The job's `end` event, when this call applied it. */
  readonly ended?: SpoolEnd;
}

/** An artifact at least this large ends its batch, and is copied into the store before the transaction that logs it. */
const LARGE_ARTIFACT_BYTES = 8 * 2 ** 20;

const isTerminal = (status: RunStatus) => (TERMINAL_STATUSES as readonly string[]).includes(status);

/**
 * Applies what is new in `<taskDir>/events.jsonl` to `workspaceRunId` and the
 * runs under it. Safe to call at any time, from any number of processes; a
 * missing spool applies nothing.
 */
export function ingestSpool(store: RunStore, taskDir: string, workspaceRunId: string, opts: IngestOptions = {}): IngestResult {
  const maxBytes = opts.maxBytesPerTransaction ?? 4 * 2 ** 20;
  const file = spoolPaths(taskDir).events;
  const total = { events: 0, points: 0, malformed: 0, offset: 0, problems: [] as string[] };
  let ended: SpoolEnd | undefined;
  const isLarge = (e: SpoolEvent) => e.t === 'artifact' && e.size >= LARGE_ARTIFACT_BYTES;
  // Large artifacts already copied into the store's blobs (by sha256), and those a copy was tried for.
  const staged = new Set<string>();
  const tried = new Set<string>();
  for (;;) {
    const batch = store.transaction(() => {
      const offset = savedOffset(store, workspaceRunId);
      // A large artifact ends its batch (stopAfter), so at most one waits to be copied, and only at the end.
      const read = readSpoolLines(file, offset, maxBytes, isLarge);
      if (read.nextOffset === offset) return { events: 0, points: 0, malformed: 0, offset, ended: undefined, problems: [] };
      let lines = read.lines;
      let nextOffset = read.nextOffset;
      const last = lines.at(-1)?.event;
      // Not copied yet: the batch stops before it, and it is copied with no lock held (a multi-GB checkpoint must
      // not hold a trainer or the editor for the copy); the next batch only references the blob.
      const toStage = last?.t === 'artifact' && last.size >= LARGE_ARTIFACT_BYTES && !tried.has(last.sha256) ? last : undefined;
      if (toStage) {
        nextOffset = lines.at(-1)!.offset;
        lines = lines.slice(0, -1);
      }
      const applier = new SpoolApplier(store, taskDir, workspaceRunId, staged);
      const problems: string[] = [];
      for (const line of lines) {
        try {
          // A savepoint per event: one that cannot be applied leaves nothing behind, and the rest go on.
          store.transaction(() => applier.apply(line.event));
        } catch (e) {
          // What the store refuses (a param logged again with another value, a blob someone deleted) is this
          // event's problem: it is reported and skipped, or one bad line would stop the spool for good.
          if (!(e instanceof StoreError)) throw e;
          problems.push(`${file}, byte ${line.offset}: the "${line.event.t}" event was not applied: ${e.message}`);
        }
      }
      store.setTags(workspaceRunId, { [TAG_SPOOL_OFFSET]: String(nextOffset) });
      return { events: lines.length, points: applier.points, malformed: read.malformed, offset: nextOffset, ended: applier.ended, problems, toStage };
    });
    total.events += batch.events;
    total.points += batch.points;
    total.malformed += batch.malformed;
    total.problems.push(...(batch.problems ?? []));
    total.offset = batch.offset;
    ended ??= batch.ended;
    if (batch.toStage) {
      stageArtifact(store, taskDir, batch.toStage.sha256, staged);
      tried.add(batch.toStage.sha256);
      continue;
    }
    if (batch.events + batch.malformed === 0) break;
  }
  return { ...total, ...(ended ? { ended } : {}) };
}

/** Copies a spooled artifact into the store's blobs; a blob that is missing or not what its name says is left to the transaction, which reports it with its line. */
function stageArtifact(store: RunStore, taskDir: string, sha256: string, staged: Set<string>): void {
  try {
    if (store.stageArtifactFile(spoolPaths(taskDir).blob(sha256)).sha256 === sha256) staged.add(sha256);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
  }
}

function savedOffset(store: RunStore, workspaceRunId: string): number {
  const text = store.getTags(workspaceRunId)[TAG_SPOOL_OFFSET];
  const n = text === undefined ? 0 : Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new StoreError(`run ${workspaceRunId.slice(0, 8)} has a bad ${TAG_SPOOL_OFFSET} tag "${text}"`);
  return n;
}

/** Applies events to the workspace store; call inside its transaction. */
class SpoolApplier {
  private readonly ids = new Map<string, string>();
  points = 0;
  ended: SpoolEnd | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly taskDir: string,
    private readonly rootId: string,
    /** Artifacts already copied into the store's blobs (stageArtifact), by sha256. */
    private readonly staged: ReadonlySet<string> = new Set(),
  ) {}

  apply(e: SpoolEvent): void {
    const store = this.store;
    switch (e.t) {
      case 'run':
        this.createRun(e);
        return;
      case 'status':
        this.setStatus(this.target(e.id), e.status, e.error, e.at);
        return;
      case 'params':
        store.logParams(this.target(e.id), e.params);
        return;
      case 'tags': {
        const tags = Object.fromEntries(Object.entries(e.tags).filter(([k]) => !OWN_TAGS.has(k)));
        if (Object.keys(tags).length > 0) store.setTags(this.target(e.id), tags);
        return;
      }
      case 'metrics': {
        const points: MetricPoint[] = e.points.map((p) => ({ key: p.key, value: decodeNumber(p.value), step: p.step, timestamp: p.timestamp }));
        store.logMetrics(this.target(e.id), points);
        this.points += points.length;
        return;
      }
      case 'artifact': {
        const source = this.staged.has(e.sha256) ? { blob: e.sha256 } : { file: spoolPaths(this.taskDir).blob(e.sha256) };
        const { sha256 } = store.logArtifact(this.target(e.id), e.path, source, e.kind);
        if (sha256 !== e.sha256) throw new StoreError(`the blob of ${e.path} has sha256 ${sha256}, not ${e.sha256}`);
        return;
      }
      case 'input': {
        // The node's scratch store is outside the workspace, so it recorded absolute paths: here a file inside
        // the workspace is recorded relative to it, as a local run records it (the same on every machine).
        const dataset = { ...e.dataset, path: this.workspacePath(e.dataset.path) };
        store.datasets.logInput(this.target(e.id), { ...dataset, path: this.workspacePath(e.path) }, e.role);
        if (dataset.path !== this.workspacePath(e.path)) store.datasets.upsertDataset(dataset);
        return;
      }
      case 'snapshot':
        store.datasets.snapshotDataset(e.fingerprint, spoolPaths(this.taskDir).blob(e.fingerprint));
        return;
      case 'heartbeat': {
        const id = this.target(e.id);
        if (!isTerminal(store.getRun(id).status)) store.heartbeat(id);
        return;
      }
      case 'end':
        this.ended = { status: e.status, exitCode: e.exitCode, error: e.error ?? null };
        // The root's own final status came before; this only ends a root that never recorded one.
        this.setStatus(this.rootId, e.status, e.error ?? (e.status === 'failed' && e.exitCode !== null ? `the job exited with code ${e.exitCode}` : null), undefined);
        return;
    }
  }

  /** A path inside the workspace that holds the store, relative to it (with `/`); any other path as it is. */
  private workspacePath(p: string): string {
    if (!isAbsolute(p)) return p;
    const rel = relative(dirname(this.store.dir), p);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? p : rel.split(sep).join('/');
  }

  /** The first run without a parent is the workspace run; the others are created under their mapped parent. */
  private createRun(e: Extract<SpoolEvent, { t: 'run' }>): void {
    const store = this.store;
    if (e.parent === null) {
      store.setTags(this.rootId, { [TAG_SPOOL_ID]: e.id });
      this.ids.set(e.id, this.rootId);
      return;
    }
    // Not tagged `runlens.compute` itself: sync follows (and `runlens jobs` lists) the job's own run; stale-run
    // recovery leaves this one alone as the descendant of a run that computes elsewhere.
    const run = store.createRun({
      experiment: e.experiment, name: e.name, parentId: this.target(e.parent), configPath: e.configPath, config: e.config ?? undefined,
      gitCommit: e.gitCommit, gitDirty: e.gitDirty, status: 'queued', runlensVersion: e.runlensVersion, tags: { [TAG_SPOOL_ID]: e.id },
    });
    this.ids.set(e.id, run.id);
  }

  /**
   * A run that is already terminal here stays as it is: cancelled from the
   * editor, or ended from Slurm's state, it never goes back to running
   * because the job's spool said so before it stopped.
   */
  private setStatus(id: string, status: RunStatus, error: string | null, at: number | undefined): void {
    const current = this.store.getRun(id).status;
    if (isTerminal(current) || current === status) return;
    if (isTerminal(status)) this.store.setStatus(id, status, { error, endedAt: at });
    else this.store.setStatus(id, status);
  }

  /** The workspace run a scratch id maps to: the root, a run created earlier in this batch, or one tagged in an earlier batch. */
  private target(scratchId: string): string {
    const known = this.ids.get(scratchId);
    if (known) return known;
    const found = this.store.findRunIdsByTag(TAG_SPOOL_ID, scratchId).find((id) => this.under(id));
    if (!found) throw new StoreError(`the spool names run ${scratchId}, which no earlier "run" event created`);
    this.ids.set(scratchId, found);
    return found;
  }

  /** Whether a run is the root or descends from it (scratch ids are random, but a copy of a spool must not cross runs). */
  private under(id: string): boolean {
    for (let cur: string | null = id, depth = 0; cur !== null && depth < 100; depth++) {
      if (cur === this.rootId) return true;
      cur = this.store.findRun(cur)?.parentId ?? null;
    }
    return false;
  }
}
