/**
 * The same runs read from a real `mlflow server` 2.12 (MlflowRunSource) and
 * from a local store that the server's own mlflow.db was imported into
 * (LocalRunSource): for a corpus of filters and sorts, the ids and their order
 * must be equal. Then paging, details, histories, the downsampled read,
 * artifacts, run references and an unreachable server, through the interface.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SearchRunsRequest } from '../mlflow/client/mlflowClient';
import { MlflowClient } from '../mlflow/client/mlflowClient';
import { importMlflow, openMlflowSource } from '../mlflow/importer';
import { RunStore } from '../store/runStore';
import { LocalRunSource } from './localRunSource';
import { MlflowRunSource } from './mlflowRunSource';
import type { RunQuery, RunSource, SourceRunRow } from './runSource';
import type { MlflowCorpus } from './testing/mlflowCorpus';
import { CORPUS_T0, startMlflowCorpus } from './testing/mlflowCorpus';

/** Counts the runs the server sends, to see what a pushed-down filter saves. */
class CountingClient extends MlflowClient {
  fetched = 0;
  requests: SearchRunsRequest[] = [];
  override async searchRuns(req: SearchRunsRequest, signal?: AbortSignal) {
    const page = await super.searchRuns(req, signal);
    this.fetched += page.items.length;
    this.requests.push(req);
    return page;
  }
}

const NOW = CORPUS_T0 + 60_000;

/** Every page of a query, concatenated. */
async function all(source: RunSource, q: RunQuery): Promise<SourceRunRow[]> {
  const rows: SourceRunRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await source.searchRuns({ ...q, pageToken });
    rows.push(...page.rows);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return rows;
}

const names = (rows: readonly SourceRunRow[]) => rows.map((r) => `${r.name}:${r.id.slice(0, 6)}`);

describe('MlflowRunSource against a real MLflow server, differential with the local store', () => {
  let corpus: MlflowCorpus;
  let storeDir: string;
  let store: RunStore;
  let local: LocalRunSource;
  let client: CountingClient;
  let remote: MlflowRunSource;

  before(async () => {
    corpus = await startMlflowCorpus();
    storeDir = mkdtempSync(path.join(tmpdir(), 'runlens-diff-'));
    // The importer keeps RUNNING runs running; a store that never ages them out keeps them so, as the server does.
    store = RunStore.open(storeDir, { now: () => NOW, staleAfterMs: Number.MAX_SAFE_INTEGER });
    const source = openMlflowSource(corpus.dbFile);
    try {
      importMlflow(store, source);
    } finally {
      source.close();
    }
    local = new LocalRunSource(store);
    client = new CountingClient(corpus.server.uri);
    remote = new MlflowRunSource(client, { now: () => NOW, pageSize: 4 });
  });
  after(async () => {
    store?.close();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    await corpus?.dispose();
  });

  const filters = (): string[] => {
    const id = corpus.ids;
    return [
      'metrics.acc > 0.9', 'metrics.acc >= 0.85', 'metrics.acc < 0.8', 'metrics.acc <= 0.8', 'metrics.acc = 0.8', 'metrics.acc != 0.8',
      'metrics.acc = NaN', 'metrics.acc != NaN', 'metrics.loss IS NULL', 'metrics.loss IS NOT NULL', 'metrics.acc IN (0.8, 0.93)',
      'metrics.acc NOT IN (0.8)', 'metrics.`val/loss` > 0.1', 'metrics.acc > 1e300', 'metrics.loss < 0', 'metrics.loss = NaN',
      "params.model = 'tree'", "params.model != 'tree'", "params.model LIKE 't%'", "params.model ILIKE 't%'", "params.model NOT LIKE 't%'",
      "params.model NOT ILIKE 'T%'", "params.model IN ('tree', 'mlp')", "params.model NOT IN ('tree')", 'params.lr < 0.05', "params.lr > '0.05'",
      'params.depth = 4', 'params.depth >= 4', 'params.flag = true', "params.café ILIKE 'crème'", "params.café LIKE 'Cr_me'", 'params.nan = NaN',
      "params.note = 'it''s'", 'params.model IS NULL', "params.model > 'm'",
      "tags.team = 'vision'", "tags.team ILIKE 'VISION'", 'tags.priority > 5', "tags.priority < '5'", "tags.ключ = 'значение'", 'tags.kind IS NOT NULL',
      "attributes.status = 'finished'", "attributes.status != 'failed'", "attributes.status IN ('failed', 'killed')", "attributes.status NOT IN ('running')",
      "attributes.status LIKE 'fin%'", "attributes.name LIKE 'a-%'", "attributes.name ILIKE 'RUN%'", "attributes.name LIKE 'run_1'",
      "attributes.name = 'quote''s'", "attributes.run_name = 'élan'", "attributes.name > 'b'", "attributes.name NOT LIKE '%-%'",
      `attributes.id LIKE '${id['a-tree']!.slice(0, 5)}%'`, `attributes.id IN ('${id['g1']}', '${id['élan']!.toUpperCase()}')`,
      `attributes.run_id != '${id['g1']}'`, `attributes.parent_id = '${id['parent']}'`, 'attributes.parent_id IS NULL',
      'attributes.end_time IS NULL', `attributes.end_time > ${CORPUS_T0 + 5000}`, `attributes.start_time >= ${CORPUS_T0 + 4000}`,
      "attributes.start_time < '2023-11-14T22:13:25Z'", 'attributes.duration > 1000', "attributes.experiment = 'beta'",
      "attributes.experiment_name != 'alpha'", "attributes.git_commit = 'abc123'", 'attributes.git_commit IS NULL',
      "metrics.acc > 0.8 and params.model = 'tree'", "params.model = 'tree' or tags.team = 'nlp'", "not params.model = 'tree'",
      "not (attributes.status = 'finished' or metrics.acc < 0.8)", "(params.depth IN (4, 'deep') or metrics.acc >= 0.9) and not tags.team ILIKE 'vision'",
      "attributes.status = 'finished' and (attributes.name LIKE 'child%' or (params.model = 'tree' and not metrics.loss IS NULL))",
      'not (not metrics.loss IS NULL or params.lr > 0.01)', "not attributes.status = 'running' and not attributes.name = 'dup'",
      // Nine branches: past the search limit, one search of the top-level conjuncts.
      "metrics.acc >= 0 and (params.model = 'tree' or params.model = 'mlp' or params.model = 'knn') and (tags.team = 'vision' or tags.team = 'nlp' or tags.team IS NULL)",
    ];
  };

  test('every filter of the corpus gives the same runs in the same order as the local store', async () => {
    const list = filters();
    assert.ok(list.length >= 30);
    let split = 0;
    for (const filter of list) {
      for (const sort of ['attributes.start_time DESC', 'metrics.acc DESC, attributes.name']) {
        const expected = names(await all(local, { filter, sort }));
        const got = names(await all(remote, { filter, sort }));
        assert.deepEqual(got, expected, `${filter}  [sort ${sort}]`);
        if (sort.startsWith('attributes') && expected.length > 0) split++;
      }
    }
    assert.ok(split > list.length * 0.8, `most filters select something (${split} of ${list.length})`);
  });

  test('every sort orders the server\'s runs as the local store orders them, with scopes', async () => {
    for (const sort of ['', 'attributes.start_time', 'metrics.acc DESC', 'metrics.loss', 'params.lr', 'params.depth DESC', 'params.model',
      'tags.priority DESC', 'attributes.name', 'attributes.end_time DESC', 'attributes.status, attributes.name DESC', 'attributes.duration']) {
      for (const scope of [{}, { parentId: null }, { experiment: 'beta' }, { parentId: corpus.ids['parent']! }, { experiment: 'no such experiment' }] as const) {
        const expected = names(await all(local, { sort, ...scope }));
        assert.deepEqual(names(await all(remote, { sort, ...scope })), expected, `sort "${sort}" ${JSON.stringify(scope)}`);
      }
    }
  });

  test('a filter MLflow can say is pushed down: the server sends only the runs that match', async () => {
    client.fetched = 0;
    client.requests = [];
    const rows = await all(remote, { filter: "params.model = 'mlp' or attributes.status = 'killed'" });
    assert.deepEqual(rows.map((r) => r.name).sort(), ['a-mlp', 'b-2', 'child-2', 'g2']);
    assert.equal(client.fetched, 4, 'two searches, each finding only its own runs');
    assert.deepEqual(client.requests.map((r) => r.filter).sort(), ["attributes.status = 'KILLED'", "params.`model` = 'mlp'"]);
    client.fetched = 0;
    await all(remote, { filter: "not params.model = 'mlp'" });
    assert.equal(client.fetched, 18, 'what MLflow cannot say widens the search to every run of the corpus');
  });

  test('pages: a limit reads the server lazily, and the pages together are the whole result', async () => {
    for (const sort of ['attributes.start_time DESC', 'metrics.acc DESC']) {
      const whole = names(await all(local, { experiment: 'alpha', sort }));
      assert.ok(whole.length >= 9);
      const pages: string[][] = [];
      let pageToken: string | undefined;
      do {
        const page = await remote.searchRuns({ experiment: 'alpha', sort, limit: 3, pageToken });
        pages.push(names(page.rows));
        pageToken = page.nextPageToken;
      } while (pageToken);
      assert.deepEqual(pages.flat(), whole, sort);
      assert.ok(pages.length >= 3 && pages.slice(0, -1).every((p) => p.length === 3), JSON.stringify(pages));
    }
    client.requests = [];
    const first = await remote.searchRuns({ sort: 'attributes.start_time DESC', limit: 2 });
    assert.equal(first.rows.length, 2);
    assert.equal(client.requests.length, 1, 'two rows need one page of four from the server');
    await assert.rejects(remote.searchRuns({ sort: 'metrics.acc', pageToken: first.nextPageToken }), /page token belongs to another query/);
  });

  test('a run\'s details, history and downsampled series read through the interface', async () => {
    const id = corpus.ids['a-tree']!;
    const [r, l] = await Promise.all([remote.getRun(id.slice(0, 8)), local.getRun(id)]);
    const shared = (row: SourceRunRow) => {
      const tags: Record<string, string> = { ...row.tags };
      delete tags['mlflow.runId']; // the importer's own tag
      return { id: row.id, name: row.name, experiment: row.experiment, status: row.status, parentId: row.parentId, gitCommit: row.gitCommit,
        startedAt: row.startedAt, endedAt: row.endedAt, createdAt: row.createdAt, params: row.params, metrics: row.metrics, tags };
    };
    assert.deepEqual(shared(r.run), shared(l.run));
    assert.deepEqual(r.metrics, l.metrics, 'latest, min, max and count from the full histories');
    assert.ok(typeof r.run.user === 'string' && r.run.user.length > 0, 'MLflow\'s user_id');
    assert.equal(l.run.user, null, 'RunLens records no user');
    assert.deepEqual(r.artifacts.map((a) => [a.path, a.size, a.sha256]), [['model/MLmodel', 2, null], ['notes/résumé.txt', 17, null]]);
    assert.equal((await remote.readArtifact(id, 'notes/résumé.txt')).toString(), 'hello from MLflow');

    const g1 = corpus.ids['g1']!;
    const [rh, lh] = await Promise.all([remote.getMetricHistory(g1, 'acc'), local.getMetricHistory(g1, 'acc')]);
    assert.equal(rh.values.length, 300);
    assert.deepEqual(rh, lh);
    assert.deepEqual([...(await remote.getMetricHistory(g1, 'acc', { minStep: 10, maxStep: 12 })).steps], [10, 11, 12]);
    assert.equal((await remote.getMetricHistory(g1, 'missing')).values.length, 0);

    const sampled = await remote.downsampleMetric(g1, 'acc', 50);
    assert.equal(sampled.downsampled, true);
    assert.ok(sampled.values.length <= 51 && sampled.values.length >= 40, `${sampled.values.length} points`);
    assert.equal(sampled.steps.at(-1), 299, 'the last step is kept');
    const whole = await remote.downsampleMetric(g1, 'acc', 2500);
    assert.equal(whole.downsampled, false);
    assert.equal(whole.values.length, 300);
    const ranged = await remote.downsampleMetric(g1, 'acc', 100, { minStep: 100, maxStep: 149 });
    assert.deepEqual([ranged.downsampled, ranged.steps[0], ranged.steps.at(-1), ranged.values.length], [false, 100, 149, 50]);
    // Past MLflow's 2,500 points per run the full history is read (and min/max-bucketed here when longer).
    const big = await remote.downsampleMetric(g1, 'acc', 2600);
    assert.deepEqual([big.downsampled, big.values.length], [false, 300]);
  });

  test('runs are found by id, id prefix or name; none or several is one line saying so', async () => {
    assert.equal((await remote.resolveRun(corpus.ids['élan']!)).name, 'élan');
    assert.equal((await remote.resolveRun(corpus.ids['élan']!.slice(0, 6).toUpperCase())).name, 'élan');
    assert.equal((await remote.resolveRun("quote's")).id, corpus.ids["quote's"]);
    assert.equal((await remote.resolveRun('Run%2')).experiment, 'alpha');
    await assert.rejects(remote.resolveRun('dup'), (e: Error) => /^run "dup" is ambiguous on http:\/\/127\.0\.0\.1:\d+; it matches \w{8} \(dup, beta\), \w{8} \(dup, beta\)$/.test(e.message));
    await assert.rejects(remote.resolveRun('nobody'), /^RunSourceError: no run on http:\/\/127\.0\.0\.1:\d+ matches "nobody" \(give a run id/);
  });

  test('dataset inputs: MLflow\'s digest, source uri and context; datasets.rows is one error naming it', async () => {
    const rows = await all(remote, { filter: "datasets.role = 'train' and datasets.path LIKE '%iris%' and datasets.fingerprint = 'd1g357'" });
    assert.deepEqual(rows.map((r) => r.name), ['with-data']);
    const details = await remote.getRun('with-data');
    assert.deepEqual(details.inputs.map((i) => [i.fingerprint, i.path, i.role]), [['d1g357', 'data/iris.csv', 'train']]);
    await assert.rejects(remote.searchRuns({ filter: 'datasets.rows > 100' }), /^QueryError: datasets\.rows cannot be filtered on an MLflow server/);
  });

  test('experiments, with their string keys; the change token moves when a run logs', async () => {
    const exps = await remote.listExperiments();
    assert.deepEqual(exps.map((e) => e.name).sort(), ['Default', 'alpha', 'beta', 'data', 'gamma ünï']);
    const gamma = exps.find((e) => e.name === 'gamma ünï')!;
    const [g1] = (await remote.searchRuns({ experiment: 'gamma ünï', filter: "attributes.name = 'g1'" })).rows;
    assert.equal(g1!.experimentKey, gamma.key);
    assert.equal(g1!.experimentId, Number(gamma.key));
    assert.equal(gamma.runCount, null, 'not cheap on a server');
    const before = await remote.changeToken();
    assert.equal(await remote.changeToken(), before, 'nothing changed');
    await client.logBatch(g1!.id, { metrics: [{ key: 'acc', value: 0.99, step: 300, timestamp: CORPUS_T0 + 20_000 }] });
    assert.notEqual(await remote.changeToken(), before, 'a running run logged a point');
  });

  test('an unreachable server is one error line naming it', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const away = new MlflowRunSource(new MlflowClient(`http://127.0.0.1:${port}`, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
    await assert.rejects(away.searchRuns({}), (e: Error) => e.message === `http://127.0.0.1:${port} is not reachable (api/2.0/mlflow/experiments/search): ECONNREFUSED`);
    await assert.rejects(away.getRun('abcd'), (e: Error) => !e.message.includes('\n') && e.message.includes(`127.0.0.1:${port}`));
  });

  test('a page of N rows asks the server for about N runs, not a whole page of 1,000', async () => {
    const counting = new CountingClient(corpus.server.uri);
    const source = new MlflowRunSource(counting, { now: () => NOW });
    const first = await source.searchRuns({ limit: 3 });
    assert.equal(first.rows.length, 3);
    assert.deepEqual(counting.requests.map((r) => r.maxResults), [50], 'one search of 50 (the floor), not 1,000');
    const second = await source.searchRuns({ limit: 3, pageToken: first.nextPageToken });
    assert.deepEqual([...first.rows, ...second.rows].map((r) => r.id), (await all(local, { limit: 6 })).slice(0, 6).map((r) => r.id), 'the same rows, in order, as the local store pages them');
  });
});
