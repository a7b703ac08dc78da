import os from 'node:os';
import type { ArtifactStore } from './artifactStore';
import type { Sql } from './connection';
import { StoreError } from './errors';
import type { ModelRepo } from './modelRepo';
import { DEAD_BUILD_ERROR, deadBuildIds, markDeadBuilds } from './staleBuilds';
import { pidAlive } from './staleRuns';
import type { DeploymentRecord, FinishModelBuild, ModelBuildRecord, NewDeployment, NewModelBuild } from './types';
import { BUILD_STATUSES } from './types';

interface BuildRow {
  id: number;
  name: string;
  version: number;
  tag: string;
  cli: string | null;
  base_image: string;
  context_dir: string;
  status: ModelBuildRecord['status'];
  image_id: string | null;
  started_at: number;
  ended_at: number | null;
  log_sha256: string | null;
  error: string | null;
  pid: number | null;
  host: string | null;
}

interface DeploymentRow {
  id: number;
  name: string;
  version: number;
  kind: DeploymentRecord['kind'];
  url: string;
  pid: number | null;
  host: string | null;
  image: string | null;
  request_log: string | null;
  started_at: number;
  stopped_at: number | null;
}

function toBuild(r: BuildRow): ModelBuildRecord {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    tag: r.tag,
    cli: r.cli,
    baseImage: r.base_image,
    contextDir: r.context_dir,
    status: r.status,
    imageId: r.image_id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.ended_at === null ? null : r.ended_at - r.started_at,
    logSha256: r.log_sha256,
    error: r.error,
    pid: r.pid,
  };
}

function toDeployment(r: DeploymentRow): DeploymentRecord {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    kind: r.kind,
    url: r.url,
    pid: r.pid,
    image: r.image,
    startedAt: r.started_at,
    stoppedAt: r.stopped_at,
    requestLog: r.request_log,
  };
}

/** `name = ?` and `version = ?` filters, each only when given. */
function versionFilter(name?: string, version?: number): { where: string; args: (string | number)[] } {
  const clauses: string[] = [];
  const args: (string | number)[] = [];
  if (name !== undefined) {
    clauses.push('name = ?');
    args.push(name);
  }
  if (version !== undefined) {
    clauses.push('version = ?');
    args.push(version);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', args };
}

/** Container builds and deployments (local servers, containers) of model versions. */
export class DeploymentRepo {
  constructor(
    private readonly sql: Sql,
    private readonly models: ModelRepo,
    private readonly artifacts: ArtifactStore,
    private readonly now: () => number,
    private readonly host: string = os.hostname(),
  ) {}

  addBuild(b: NewModelBuild): ModelBuildRecord {
    return this.sql.write(() => {
      this.models.version(b.name, b.version);
      const id = this.sql
        .stmt(`INSERT INTO model_builds (name, version, tag, cli, base_image, context_dir, status, started_at, pid, host)
               VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`)
        .run(b.name, b.version, b.tag, b.cli, b.baseImage, b.contextDir, this.now(), b.pid ?? process.pid, this.host).lastInsertRowid;
      return this.build(Number(id));
    });
  }

  /** Records a build's end; `log` bytes are stored and referenced in the same transaction. */
  finishBuild(id: number, r: FinishModelBuild): ModelBuildRecord {
    // Checked at run time too: the status may come from JSON (the Deploy panel) or JavaScript.
    if (!BUILD_STATUSES.includes(r.status) || (r.status as string) === 'running') {
      throw new StoreError(`a build ends as succeeded, failed or cancelled, not "${String(r.status)}"`);
    }
    return this.sql.write(() => {
      const before = this.build(id);
      if (before.status !== 'running') throw new StoreError(`build ${id} already ended (${before.status})`);
      let log = r.logSha256 ?? null;
      if (r.log !== undefined) log = this.artifacts.put(r.log).sha256;
      else if (log !== null && !this.artifacts.exists(log)) throw new StoreError(`no blob ${log} in the store (store the log with putBlob first)`);
      this.sql
        .stmt('UPDATE model_builds SET status = ?, image_id = ?, log_sha256 = ?, error = ?, ended_at = ? WHERE id = ?')
        .run(r.status, r.imageId ?? null, log, r.error ?? null, Math.max(this.now(), before.startedAt), id);
      return this.build(id);
    });
  }

  build(id: number): ModelBuildRecord {
    const row = this.sql.stmt('SELECT * FROM model_builds WHERE id = ?').get(id) as BuildRow | undefined;
    if (!row) throw new StoreError(`no model build with id ${id}`);
    return toBuild(row);
  }

  /**
   * Builds of a model (or one version), newest first. A running build whose
   * process (on this host) is gone, e.g. a CLI killed with SIGKILL, comes
   * back failed; a writable store records that (staleBuilds.ts), a read-only
   * one only reports it.
   */
  listBuilds(name: string, version?: number): ModelBuildRecord[] {
    const dead = new Set(deadBuildIds(this.sql, { host: this.host }));
    if (dead.size > 0 && !this.sql.readonly) markDeadBuilds(this.sql, [...dead]);
    const f = versionFilter(name, version);
    const rows = this.sql.stmt(`SELECT * FROM model_builds ${f.where} ORDER BY started_at DESC, id DESC`).all(...f.args) as BuildRow[];
    return rows.map((r) => toBuild(r.status === 'running' && dead.has(r.id) ? { ...r, status: 'failed', error: DEAD_BUILD_ERROR } : r));
  }

  addDeployment(d: NewDeployment): DeploymentRecord {
    if (d.kind !== 'local' && d.kind !== 'container') throw new StoreError(`unknown deployment kind "${String(d.kind)}" (expected local or container)`);
    return this.sql.write(() => {
      this.models.version(d.name, d.version);
      const id = this.sql
        .stmt(`INSERT INTO deployments (name, version, kind, url, pid, host, image, request_log, started_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(d.name, d.version, d.kind, d.url, d.pid ?? null, d.pid === undefined ? null : this.host, d.image ?? null, d.requestLog ?? null, this.now())
        .lastInsertRowid;
      return this.deployment(Number(id)) as DeploymentRecord;
    });
  }

  private deployment(id: number): DeploymentRecord | undefined {
    const row = this.sql.stmt('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRow | undefined;
    return row && toDeployment(row);
  }

  /**
   * Marks a deployment stopped. A deployment that is already stopped, or gone
   * with its deleted version, is left as it is: a server stopping must not
   * fail because someone deleted the version meanwhile.
   */
  stopDeployment(id: number): void {
    this.sql.write(() => {
      this.sql.stmt('UPDATE deployments SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL').run(this.now(), id);
    });
  }

  /**
   * Deployments, newest first. On a writable store, live local deployments
   * whose process (on this host) is gone are marked stopped first, so a
   * server killed with SIGKILL does not show as running forever.
   */
  listDeployments(name?: string, version?: number): DeploymentRecord[] {
    if (!this.sql.readonly) this.markDead();
    const f = versionFilter(name, version);
    const rows = this.sql.stmt(`SELECT * FROM deployments ${f.where} ORDER BY started_at DESC, id DESC`).all(...f.args) as DeploymentRow[];
    return rows.map(toDeployment);
  }

  private markDead(): void {
    const live = this.sql.stmt('SELECT id, pid FROM deployments WHERE stopped_at IS NULL AND pid IS NOT NULL AND host = ?').all(this.host) as { id: number; pid: number }[];
    const dead = live.filter((d) => !pidAlive(d.pid));
    if (dead.length === 0) return;
    this.sql.write(() => {
      for (const d of dead) this.sql.stmt('UPDATE deployments SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL').run(this.now(), d.id);
    });
  }
}
