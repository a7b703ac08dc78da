/**
 * The sync ledger (schema 4): which run on which tracking server holds a
 * local run, how many points of each series it has, and which artifacts.
 * Every mark is its own small transaction, written the moment the server
 * confirmed (or, for `pending`, just before the request), so a push killed
 * at any instant resumes without sending anything twice.
 */
import type { Sql } from './connection';

/** A local run's copy on a tracking server. */
export interface RemoteRunLink {
  readonly runId: string;
  /** The server's normalized URI. */
  readonly server: string;
  readonly remoteRunId: string;
  readonly remoteExperimentId: string;
  readonly artifactUri: string;
  /** Last status sent (MLflow's spelling), null before the first. */
  readonly statusSent: string | null;
  /** Dataset inputs sent so far. */
  readonly inputsSent: number;
  /**
   * When a pull created the local run as a copy of this remote run (schema 6);
   * null or absent when the local run is the original (a push made the link).
   */
  readonly pulledAt?: number | null;
}

/** Points of a series the server has: `shipped` confirmed; `pending` set while a batch up to it is in flight. */
export interface ShippedSeries {
  readonly shipped: number;
  readonly pending: number | null;
}

interface LinkRow {
  run_id: string;
  server: string;
  remote_run_id: string;
  remote_experiment_id: string;
  artifact_uri: string;
  status_sent: string | null;
  inputs_sent: number;
  pulled_at: number | null;
}

export class SyncRepo {
  constructor(
    private readonly sql: Sql,
    private readonly now: () => number,
    private readonly assertWritable: () => void,
  ) {}

  remoteRun(runId: string, server: string): RemoteRunLink | undefined {
    const r = this.sql.stmt('SELECT * FROM remote_runs WHERE run_id = ? AND server = ?').get(runId, server) as LinkRow | undefined;
    return r && {
      runId: r.run_id, server: r.server, remoteRunId: r.remote_run_id, remoteExperimentId: r.remote_experiment_id,
      artifactUri: r.artifact_uri, statusSent: r.status_sent, inputsSent: r.inputs_sent, pulledAt: r.pulled_at,
    };
  }

  /** The local run linked to a server's run, if any (pull uses it to find what it already has). */
  localRunOf(server: string, remoteRunId: string): string | undefined {
    return this.sql.stmt('SELECT run_id FROM remote_runs WHERE server = ? AND remote_run_id = ?').pluck(true).get(server, remoteRunId) as string | undefined;
  }

  /** Local run ids linked to `server`. */
  linkedRuns(server: string): string[] {
    return this.sql.stmt('SELECT run_id FROM remote_runs WHERE server = ?').pluck(true).all(server) as string[];
  }

  /** Links a local run to a remote one; `pulledAt`, when given, marks the local run as the pull's copy (an existing mark is kept). */
  linkRun(link: RemoteRunLink): void {
    this.assertWritable();
    this.sql.write(() => this.sql.stmt(
      `INSERT INTO remote_runs (run_id, server, remote_run_id, remote_experiment_id, artifact_uri, status_sent, inputs_sent, updated_at, pulled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, server) DO UPDATE SET remote_run_id = excluded.remote_run_id,
         remote_experiment_id = excluded.remote_experiment_id, artifact_uri = excluded.artifact_uri, updated_at = excluded.updated_at,
         pulled_at = coalesce(remote_runs.pulled_at, excluded.pulled_at)`,
    ).run(link.runId, link.server, link.remoteRunId, link.remoteExperimentId, link.artifactUri, link.statusSent, link.inputsSent, this.now(), link.pulledAt ?? null));
  }

  /** Local runs that a pull copied from a server (any server): their status is the server's, not a local process's. */
  pulledRuns(): string[] {
    return this.sql.stmt('SELECT DISTINCT run_id FROM remote_runs WHERE pulled_at IS NOT NULL').pluck(true).all() as string[];
  }

  updateLink(runId: string, server: string, change: { statusSent?: string; inputsSent?: number }): void {
    this.assertWritable();
    this.sql.write(() => this.sql.stmt(
      `UPDATE remote_runs SET status_sent = coalesce(?, status_sent), inputs_sent = coalesce(?, inputs_sent), updated_at = ?
       WHERE run_id = ? AND server = ?`,
    ).run(change.statusSent ?? null, change.inputsSent ?? null, this.now(), runId, server));
  }

  shippedSeries(runId: string, server: string): Map<string, ShippedSeries> {
    const rows = this.sql.stmt('SELECT key, shipped, pending FROM remote_series WHERE run_id = ? AND server = ?').all(runId, server) as { key: string; shipped: number; pending: number | null }[];
    return new Map(rows.map((r) => [r.key, { shipped: r.shipped, pending: r.pending }]));
  }

  markPending(runId: string, server: string, pending: ReadonlyMap<string, number>): void {
    this.assertWritable();
    const stmt = this.sql.stmt(
      `INSERT INTO remote_series (run_id, server, key, shipped, pending) VALUES (?, ?, ?, 0, ?)
       ON CONFLICT (run_id, server, key) DO UPDATE SET pending = excluded.pending`,
    );
    this.sql.write(() => {
      for (const [key, upto] of pending) stmt.run(runId, server, key, upto);
    });
  }

  markShipped(runId: string, server: string, shipped: ReadonlyMap<string, number>): void {
    this.assertWritable();
    const stmt = this.sql.stmt(
      `INSERT INTO remote_series (run_id, server, key, shipped, pending) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT (run_id, server, key) DO UPDATE SET shipped = excluded.shipped, pending = NULL`,
    );
    this.sql.write(() => {
      for (const [key, n] of shipped) stmt.run(runId, server, key, n);
    });
  }

  sentArtifacts(runId: string, server: string): Map<string, string> {
    const rows = this.sql.stmt('SELECT path, sha256 FROM remote_artifacts WHERE run_id = ? AND server = ?').all(runId, server) as { path: string; sha256: string }[];
    return new Map(rows.map((r) => [r.path, r.sha256]));
  }

  markArtifactSent(runId: string, server: string, path: string, sha256: string): void {
    this.assertWritable();
    this.sql.write(() => this.sql.stmt(
      `INSERT INTO remote_artifacts (run_id, server, path, sha256) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, server, path) DO UPDATE SET sha256 = excluded.sha256`,
    ).run(runId, server, path, sha256));
  }

  /** Forgets everything pushed to `server` (the runs there are untouched); the next push finds them by their runlens.runId tag. */
  forgetServer(server: string): void {
    this.assertWritable();
    this.sql.write(() => {
      for (const table of ['remote_series', 'remote_artifacts', 'remote_runs']) this.sql.stmt(`DELETE FROM ${table} WHERE server = ?`).run(server);
    });
  }

  /**
   * Runs that should be on `server` but are not all there: tagged
   * `runlens.logTo` = server with no link yet (the server was away when they
   * started), or linked with a series the server has fewer points of, a batch
   * left pending, or a final status it was not sent.
   */
  unsentRuns(server: string): string[] {
    return this.sql.stmt(
      `SELECT t.run_id FROM tags t WHERE t.key = 'runlens.logTo' AND t.value = ?
         AND NOT EXISTS (SELECT 1 FROM remote_runs rr WHERE rr.run_id = t.run_id AND rr.server = ?)
       UNION
       SELECT rr.run_id FROM remote_runs rr JOIN metric_series s ON s.run_id = rr.run_id
         LEFT JOIN remote_series rs ON rs.run_id = rr.run_id AND rs.server = rr.server AND rs.key = s.key
       WHERE rr.server = ? AND (rs.shipped IS NULL OR rs.shipped < s.count OR rs.pending IS NOT NULL)
       UNION
       SELECT rr.run_id FROM remote_runs rr JOIN runs r ON r.id = rr.run_id
       WHERE rr.server = ? AND r.status IN ('finished', 'failed', 'killed') AND (rr.status_sent IS NULL OR rr.status_sent != upper(r.status))`,
    ).pluck(true).all(server, server, server, server) as string[];
  }
}
