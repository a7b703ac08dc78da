/**
 * A typed client of MLflow's tracking REST API (2.x): experiments, runs,
 * search with page tokens, metric histories (full and the downsampled
 * bulk-interval read), artifacts through the server's `mlflow-artifacts`
 * proxy, batch logging within MLflow's limits, dataset inputs and the model
 * registry. Tested against a real `mlflow server` (src/tracking/testing).
 */
import type { MlflowHttpOptions } from './mlflowHttp';
import { MlflowHttp, MlflowRestError } from './mlflowHttp';
import type { WireDatasetInput, WireExperiment, WireFileInfo, WireMetric, WireModelVersion, WireRegisteredModel, WireRun, WireRunInfo } from './mlflowWire';
import { field, listField, parseExperiment, parseFileInfo, parseMetric, parseModelVersion, parseRegisteredModel, parseRun, parseRunInfo, str } from './mlflowWire';

const API = 'api/2.0/mlflow';
const AJAX = 'ajax-api/2.0/mlflow';

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Page<T> {
  readonly items: T[];
  /** Absent on the last page. */
  readonly nextPageToken?: string;
}

export interface SearchRunsRequest {
  readonly experimentIds: readonly string[];
  /** MLflow's filter string (see remoteFilter.ts for the translation from RunLens's language). */
  readonly filter?: string;
  readonly orderBy?: readonly string[];
  /** MLflow's default page is 1,000; its ceiling 50,000. */
  readonly maxResults?: number;
  readonly pageToken?: string;
  readonly viewType?: ViewType;
}

/** One point of a downsampled history, with the run it belongs to. */
export interface RunMetricPoint extends WireMetric {
  readonly runId: string;
}

/** What `runs/log-batch` takes: MLflow's limits (1,000 entities, 100 params/tags, 1 MB) are the caller's to respect. */
export interface LogBatch {
  readonly metrics?: readonly WireMetric[];
  readonly params?: readonly { key: string; value: string }[];
  readonly tags?: readonly { key: string; value: string }[];
}

export interface NewRun {
  readonly experimentId: string;
  readonly runName?: string;
  readonly startTime?: number;
  /** MLflow's `user_id` attribute (also kept as the `mlflow.user` tag by MLflow's client). */
  readonly userId?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

function kv(rec: Readonly<Record<string, string>> | undefined): { key: string; value: string }[] {
  return Object.entries(rec ?? {}).map(([key, value]) => ({ key, value }));
}

function token(v: unknown): string | undefined {
  const t = str(field(v, 'next_page_token'));
  return t.length > 0 ? t : undefined;
}

export class MlflowClient {
  readonly http: MlflowHttp;

  constructor(uri: string, opts: MlflowHttpOptions = {}) {
    this.http = new MlflowHttp(uri, opts);
  }

  get server(): string {
    return this.http.server;
  }

  /** `GET /health`: resolves when the server answers 200 (no retries beyond the client's policy). */
  async health(signal?: AbortSignal): Promise<void> {
    await this.http.getBytes('health', signal);
  }

  /** The server's MLflow version (`GET /version`), or undefined when it has no such route. */
  async version(signal?: AbortSignal): Promise<string | undefined> {
    try {
      return (await this.http.getBytes('version', signal)).toString('utf8').trim();
    } catch (e) {
      if (e instanceof MlflowRestError && e.notFound) return undefined;
      throw e;
    }
  }

  // ── experiments ────────────────────────────────────────────────────────────

  async searchExperiments(opts: { filter?: string; maxResults?: number; pageToken?: string; viewType?: ViewType; orderBy?: readonly string[] } = {}, signal?: AbortSignal): Promise<Page<WireExperiment>> {
    const r = await this.http.postJson<unknown>(`${API}/experiments/search`, {
      max_results: opts.maxResults ?? 1000,
      ...(opts.filter ? { filter: opts.filter } : {}),
      ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
      ...(opts.orderBy ? { order_by: opts.orderBy } : {}),
      view_type: opts.viewType ?? 'ACTIVE_ONLY',
    }, signal);
    return { items: listField(r, 'experiments').map(parseExperiment), nextPageToken: token(r) };
  }

  /** Every active experiment, all pages. */
  async listExperiments(signal?: AbortSignal): Promise<WireExperiment[]> {
    const out: WireExperiment[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchExperiments({ pageToken }, signal);
      out.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  }

  async getExperimentByName(name: string, signal?: AbortSignal): Promise<WireExperiment | undefined> {
    try {
      const r = await this.http.getJson<unknown>(`${API}/experiments/get-by-name`, { experiment_name: name }, signal);
      return parseExperiment(field(r, 'experiment'));
    } catch (e) {
      if (e instanceof MlflowRestError && e.notFound) return undefined;
      throw e;
    }
  }

  async createExperiment(name: string, tags?: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<string> {
    const r = await this.http.postJson<unknown>(`${API}/experiments/create`, { name, ...(tags ? { tags: kv(tags) } : {}) }, signal);
    return str(field(r, 'experiment_id'));
  }

  /** The experiment's id, creating it when missing (a concurrent create by someone else is fine). */
  async ensureExperiment(name: string, signal?: AbortSignal): Promise<string> {
    const found = await this.getExperimentByName(name, signal);
    if (found && found.lifecycleStage === 'active') return found.experimentId;
    if (found) throw new MlflowRestError(`${this.server}: experiment "${name}" is deleted there; restore it or log to another experiment`, this.server, 'experiments/get-by-name', 400, 'INVALID_STATE');
    try {
      return await this.createExperiment(name, undefined, signal);
    } catch (e) {
      if (e instanceof MlflowRestError && e.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const again = await this.getExperimentByName(name, signal);
        if (again) return again.experimentId;
      }
      throw e;
    }
  }

  // ── runs ───────────────────────────────────────────────────────────────────

  async searchRuns(req: SearchRunsRequest, signal?: AbortSignal): Promise<Page<WireRun>> {
    const r = await this.http.postJson<unknown>(`${API}/runs/search`, {
      experiment_ids: req.experimentIds,
      ...(req.filter ? { filter: req.filter } : {}),
      run_view_type: req.viewType ?? 'ACTIVE_ONLY',
      max_results: req.maxResults ?? 1000,
      ...(req.orderBy?.length ? { order_by: req.orderBy } : {}),
      ...(req.pageToken ? { page_token: req.pageToken } : {}),
    }, signal);
    return { items: listField(r, 'runs').map(parseRun), nextPageToken: token(r) };
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<WireRun> {
    const r = await this.http.getJson<unknown>(`${API}/runs/get`, { run_id: runId }, signal);
    return parseRun(field(r, 'run'));
  }

  /** The run, or undefined when the server has no run of that id. */
  async findRun(runId: string, signal?: AbortSignal): Promise<WireRun | undefined> {
    try {
      return await this.getRun(runId, signal);
    } catch (e) {
      if (e instanceof MlflowRestError && (e.notFound || e.errorCode === 'INVALID_PARAMETER_VALUE')) return undefined;
      throw e;
    }
  }

  async createRun(run: NewRun, signal?: AbortSignal): Promise<WireRunInfo> {
    const r = await this.http.postJson<unknown>(`${API}/runs/create`, {
      experiment_id: run.experimentId,
      ...(run.runName ? { run_name: run.runName } : {}),
      start_time: run.startTime ?? Date.now(),
      ...(run.userId ? { user_id: run.userId } : {}),
      tags: kv(run.tags),
    }, signal);
    return parseRunInfo(field(field(r, 'run'), 'info'));
  }

  async updateRun(runId: string, update: { status?: string; endTime?: number; runName?: string }, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/runs/update`, {
      run_id: runId,
      ...(update.status ? { status: update.status } : {}),
      ...(update.endTime !== undefined ? { end_time: update.endTime } : {}),
      ...(update.runName ? { run_name: update.runName } : {}),
    }, signal);
  }

  async logBatch(runId: string, batch: LogBatch, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/runs/log-batch`, {
      run_id: runId,
      metrics: batch.metrics ?? [],
      params: batch.params ?? [],
      tags: batch.tags ?? [],
    }, signal);
  }

  async setTag(runId: string, key: string, value: string, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/runs/set-tag`, { run_id: runId, key, value }, signal);
  }

  async logInputs(runId: string, inputs: readonly WireDatasetInput[], signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/runs/log-inputs`, {
      run_id: runId,
      datasets: inputs.map((d) => ({
        tags: kv(d.tags),
        dataset: {
          name: d.name, digest: d.digest, source_type: d.sourceType, source: d.source,
          ...(d.schema !== null ? { schema: d.schema } : {}), ...(d.profile !== null ? { profile: d.profile } : {}),
        },
      })),
    }, signal);
  }

  async deleteRun(runId: string, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/runs/delete`, { run_id: runId }, signal);
  }

  async restoreRun(runId: string, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/runs/restore`, { run_id: runId }, signal);
  }

  // ── metrics ────────────────────────────────────────────────────────────────

  /** Every point of one series, in the server's order; follows page tokens where the server pages. */
  async getMetricHistory(runId: string, key: string, signal?: AbortSignal): Promise<WireMetric[]> {
    const out: WireMetric[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.http.getJson<unknown>(`${API}/metrics/get-history`, { run_id: runId, metric_key: key, max_results: 25_000, page_token: pageToken }, signal);
      out.push(...listField(r, 'metrics').map(parseMetric));
      pageToken = token(r);
    } while (pageToken);
    return out;
  }

  /**
   * At most `maxResults` (≤ 2,500) evenly spaced steps per run, for up to 100
   * runs in one request (MLflow ≥ 2.11). Undefined when the server lacks the
   * route, so the caller falls back to full histories.
   */
  async getMetricHistoryBulkInterval(runIds: readonly string[], key: string, maxResults: number, range: { startStep?: number; endStep?: number } = {}, signal?: AbortSignal): Promise<RunMetricPoint[] | undefined> {
    try {
      const r = await this.http.getJson<unknown>(`${AJAX}/metrics/get-history-bulk-interval`, {
        run_ids: runIds as string[],
        metric_key: key,
        max_results: Math.max(1, Math.min(2500, Math.floor(maxResults))),
        start_step: range.startStep,
        end_step: range.endStep,
      }, signal);
      return listField(r, 'metrics').map((m) => ({ ...parseMetric(m), runId: str(field(m, 'run_id')) }));
    } catch (e) {
      if (e instanceof MlflowRestError && (e.status === 404 || e.errorCode === 'ENDPOINT_NOT_FOUND')) return undefined;
      throw e;
    }
  }

  // ── artifacts ──────────────────────────────────────────────────────────────

  /** One folder level of a run's artifacts (`path` '' = the root). */
  async listArtifacts(runId: string, path = '', signal?: AbortSignal): Promise<WireFileInfo[]> {
    const out: WireFileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.http.getJson<unknown>(`${API}/artifacts/list`, { run_id: runId, path: path || undefined, page_token: pageToken }, signal);
      out.push(...listField(r, 'files').map(parseFileInfo));
      pageToken = token(r);
    } while (pageToken);
    return out;
  }

  /** Every file under the run's artifact root, depth first. */
  async listArtifactsDeep(runId: string, signal?: AbortSignal): Promise<WireFileInfo[]> {
    const out: WireFileInfo[] = [];
    const walk = async (p: string): Promise<void> => {
      for (const f of await this.listArtifacts(runId, p, signal)) {
        if (f.isDir) await walk(f.path);
        else out.push(f);
      }
    };
    await walk('');
    return out;
  }

  /** The server path of an artifact under a run's `artifact_uri`, through the proxy when the URI is `mlflow-artifacts:`. */
  artifactPath(run: Pick<WireRunInfo, 'runId' | 'artifactUri'>, path: string): string {
    const rel = path.split('/').map(encodeURIComponent).join('/');
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(run.artifactUri);
    if (m) return `api/2.0/mlflow-artifacts/artifacts/${m[1]!.split('/').map(encodeURIComponent).join('/')}/${rel}`;
    return `get-artifact?path=${encodeURIComponent(path)}&run_uuid=${encodeURIComponent(run.runId)}`;
  }

  async downloadArtifact(run: Pick<WireRunInfo, 'runId' | 'artifactUri'>, path: string, signal?: AbortSignal): Promise<Buffer> {
    return this.http.getBytes(this.artifactPath(run, path), signal);
  }

  /** Uploads through the server's artifact proxy; the run's artifact_uri must be `mlflow-artifacts:`. */
  async uploadArtifact(run: Pick<WireRunInfo, 'runId' | 'artifactUri'>, path: string, bytes: Buffer, signal?: AbortSignal): Promise<void> {
    if (!run.artifactUri.startsWith('mlflow-artifacts:')) {
      throw new MlflowRestError(`${this.server}: run ${run.runId} stores artifacts at ${run.artifactUri}, which RunLens cannot write; start the server with artifact proxying (--serve-artifacts, the default in MLflow 2.x)`, this.server, 'mlflow-artifacts', 400, 'UNSUPPORTED_ARTIFACT_STORE');
    }
    await this.http.putBytes(this.artifactPath(run, path), bytes, signal);
  }

  // ── model registry ─────────────────────────────────────────────────────────

  async getRegisteredModel(name: string, signal?: AbortSignal): Promise<WireRegisteredModel | undefined> {
    try {
      const r = await this.http.getJson<unknown>(`${API}/registered-models/get`, { name }, signal);
      return parseRegisteredModel(field(r, 'registered_model'));
    } catch (e) {
      if (e instanceof MlflowRestError && e.notFound) return undefined;
      throw e;
    }
  }

  async createRegisteredModel(name: string, opts: { description?: string; tags?: Readonly<Record<string, string>> } = {}, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/registered-models/create`, { name, ...(opts.description ? { description: opts.description } : {}), tags: kv(opts.tags) }, signal);
  }

  async createModelVersion(v: { name: string; source: string; runId: string; description?: string; tags?: Readonly<Record<string, string>> }, signal?: AbortSignal): Promise<WireModelVersion> {
    const r = await this.http.postJson<unknown>(`${API}/model-versions/create`, {
      name: v.name, source: v.source, run_id: v.runId, tags: kv(v.tags), ...(v.description ? { description: v.description } : {}),
    }, signal);
    return parseModelVersion(field(r, 'model_version'));
  }

  async searchModelVersions(filter: string, signal?: AbortSignal): Promise<WireModelVersion[]> {
    const out: WireModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.http.getJson<unknown>(`${API}/model-versions/search`, { filter, max_results: 10_000, page_token: pageToken }, signal);
      out.push(...listField(r, 'model_versions').map(parseModelVersion));
      pageToken = token(r);
    } while (pageToken);
    return out;
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string, signal?: AbortSignal): Promise<void> {
    await this.http.postJson(`${API}/registered-models/alias`, { name, alias, version }, signal);
  }

  async searchRegisteredModels(signal?: AbortSignal): Promise<WireRegisteredModel[]> {
    const out: WireRegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.http.getJson<unknown>(`${API}/registered-models/search`, { max_results: 1000, page_token: pageToken }, signal);
      out.push(...listField(r, 'registered_models').map(parseRegisteredModel));
      pageToken = token(r);
    } while (pageToken);
    return out;
  }
}
