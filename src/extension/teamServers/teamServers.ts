import * as vscode from 'vscode';
import type { MlflowCredentials } from '../../mlflow/client/credentials';
import { credentialsFromEnv } from '../../mlflow/client/credentials';
import { MlflowClient } from '../../mlflow/client/mlflowClient';
import { MlflowRunSource } from '../../tracking/mlflowRunSource';
import type { RunSource } from '../../tracking/runSource';
import type { ModelChange } from '../../views/teamServers/remoteServerModel';
import { RemoteServerModel } from '../../views/teamServers/remoteServerModel';
import type { TrackingServer } from '../../views/teamServers/serverList';
import { findServer, trackingServerList } from '../../views/teamServers/serverList';
import type { Logger } from '../logger';

export interface TeamServersOptions {
  readonly logger: Logger;
  readonly secrets: vscode.SecretStorage;
  /** `runlens.trackingServers` as the Config reader gives it (user value only while untrusted). */
  readonly serversSetting: () => unknown;
  /** The extension host's environment (MLFLOW_TRACKING_URI and MLflow's credential variables). */
  readonly env: NodeJS.ProcessEnv;
  readonly pageSize: () => number;
  /** The Runs view's filter and sort. */
  readonly query: () => { readonly filter: string; readonly sort: string };
}

/** Reads of the Runs view wait this long for a server before showing it offline. */
const READ_TIMEOUT_MS = 15_000;
const SECRET_PREFIX = 'runlens.trackingServer:';

/** One configured server, with its source and the view's model of it. */
export interface ServerEntry {
  readonly server: TrackingServer;
  readonly source: MlflowRunSource;
  readonly model: RemoteServerModel;
  /** Where its credentials came from, for the tooltip (never the values). */
  readonly credentials: 'environment' | 'secret storage' | 'none';
}

/**
 * The team's tracking servers: the list from the settings and the
 * environment, each server's credentials (MLflow's environment variables,
 * else VS Code's SecretStorage, never settings or logs), its read-only
 * {@link RunSource} and the Runs view's model of it. Every read is
 * asynchronous with a time limit: nothing in the editor waits on a server.
 */
export class TeamServers implements vscode.Disposable {
  private entries: ServerEntry[] = [];
  private readonly listEmitter = new vscode.EventEmitter<void>();
  private readonly modelEmitter = new vscode.EventEmitter<{ readonly server: string; readonly change: ModelChange }>();
  private readonly dataEmitter = new vscode.EventEmitter<string>();
  /** The list of servers changed (settings, credentials). */
  readonly onDidChangeServers = this.listEmitter.event;
  /** A server's model has something new to show. */
  readonly onDidChangeModel = this.modelEmitter.event;
  /** A server's runs changed (its change token moved and what is shown was read again). */
  readonly onDidChangeData = this.dataEmitter.event;
  private loading: Promise<void> = Promise.resolve();
  private generation = 0;
  private lastProblems = '';

  constructor(private readonly options: TeamServersOptions) {
    this.reload();
  }

  get servers(): readonly ServerEntry[] {
    return this.entries;
  }

  /** Resolves once the list of the latest reload is in place (tests). */
  whenLoaded(): Promise<void> {
    return this.loading;
  }

  entry(uri: string): ServerEntry | undefined {
    return this.entries.find((e) => e.server.uri === uri);
  }

  /** A server by its name or URI (runlens.logTo, commands). */
  find(ref: string): ServerEntry | undefined {
    const s = findServer(this.entries.map((e) => e.server), ref);
    return s && this.entry(s.uri);
  }

  /** A client for writes (push, live shipping): the same credentials, MLflow's usual retries. */
  async writeClient(server: TrackingServer): Promise<MlflowClient> {
    return new MlflowClient(server.uri, { credentials: (await this.credentialsFor(server.uri)).credentials });
  }

  /** Reads the settings and the stored credentials again and rebuilds every server. */
  reload(): void {
    const generation = ++this.generation;
    this.loading = this.build().then((entries) => {
      if (generation !== this.generation) {
        for (const e of entries) e.model.dispose();
        return;
      }
      const old = this.entries;
      this.entries = entries;
      for (const e of old) e.model.dispose();
      this.listEmitter.fire();
    }, (e) => this.options.logger.error('reading the tracking servers failed', e));
  }

  /** Filter or sort changed: every server lists its runs again. */
  resetRuns(): void {
    for (const e of this.entries) e.model.resetRuns();
  }

  /** Refresh: every server is asked again, offline ones included. */
  retryAll(): void {
    for (const e of this.entries) e.model.retry();
  }

  private async build(): Promise<ServerEntry[]> {
    const { servers, problems } = trackingServerList(this.options.serversSetting(), this.options.env.MLFLOW_TRACKING_URI);
    const text = problems.join('\n');
    if (text && text !== this.lastProblems) for (const p of problems) this.options.logger.warn(`tracking servers: ${p}`);
    this.lastProblems = text;
    const out: ServerEntry[] = [];
    for (const server of servers) {
      const { credentials, origin } = await this.credentialsFor(server.uri);
      const source = new MlflowRunSource(new MlflowClient(server.uri, { credentials, timeoutMs: READ_TIMEOUT_MS, retry: { attempts: 2, baseDelayMs: 300, maxDelayMs: 1000 } }));
      const model = new RemoteServerModel({
        source,
        timeoutMs: READ_TIMEOUT_MS,
        pageSize: this.options.pageSize,
        query: this.options.query,
        log: (line) => this.options.logger.info(line),
      });
      model.onDidChange((change) => this.modelEmitter.fire({ server: server.uri, change }));
      model.onDidChangeData(() => this.dataEmitter.fire(server.uri));
      out.push({ server, source, model, credentials: origin });
    }
    return out;
  }

  /** MLflow's environment variables win (as for MLflow's own client); else what the user stored for this server. */
  private async credentialsFor(uri: string): Promise<{ credentials: MlflowCredentials | undefined; origin: ServerEntry['credentials'] }> {
    const env = credentialsFromEnv(this.options.env);
    if (env.token || env.username !== undefined || env.password !== undefined) return { credentials: env, origin: 'environment' };
    const stored = await this.options.secrets.get(SECRET_PREFIX + uri);
    if (!stored) return { credentials: undefined, origin: 'none' };
    try {
      const c = JSON.parse(stored) as MlflowCredentials;
      return { credentials: { token: c.token || undefined, username: c.username, password: c.password }, origin: 'secret storage' };
    } catch {
      return { credentials: undefined, origin: 'none' };
    }
  }

  /** Stores (or with undefined removes) a server's credentials in SecretStorage, then rebuilds its client. */
  async storeCredentials(uri: string, credentials: MlflowCredentials | undefined): Promise<void> {
    if (credentials) await this.options.secrets.store(SECRET_PREFIX + uri, JSON.stringify(credentials));
    else await this.options.secrets.delete(SECRET_PREFIX + uri);
    this.reload();
    await this.loading;
  }

  /** Whether MLflow's credential variables are set in the environment (they override stored ones). */
  get environmentCredentials(): boolean {
    const env = credentialsFromEnv(this.options.env);
    return Boolean(env.token || env.username !== undefined || env.password !== undefined);
  }

  /** The read source of a server, for the compare panel. */
  source(uri: string): RunSource | undefined {
    return this.entry(uri)?.source;
  }

  dispose(): void {
    this.generation++;
    for (const e of this.entries) e.model.dispose();
    this.entries = [];
    this.listEmitter.dispose();
    this.modelEmitter.dispose();
    this.dataEmitter.dispose();
  }
}
