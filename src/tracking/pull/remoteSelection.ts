/**
 * Which of a server's runs a pull brings: those of the experiment (or every
 * active experiment) that match the filter, in RunLens's filter language
 * with the store's meaning (remoteFilter.ts pushes what it can down to
 * MLflow's search and checks every fetched run), plus the parents of the
 * matching runs, so nested runs land under their parents. Parents first.
 */
import type { MlflowClient } from '../../mlflow/client/mlflowClient';
import type { WireRun } from '../../mlflow/client/mlflowWire';
import { TAG_PARENT_RUN_ID } from '../../mlflow/mlflowFormat';
import { parseFilterOrEmpty } from '../../core/query/parseFilter';
import { toEvalRun, toSourceRow } from '../mlflowRows';
import { planRemoteSearch } from '../remoteFilter';
import { RunSourceError } from '../runSource';

/** Runs per `runs/search` page. */
const PAGE_SIZE = 1000;

export interface RemoteRun {
  readonly run: WireRun;
  /** Its experiment's name on the server. */
  readonly experiment: string;
}

export interface Selection {
  /** Parents before their children, then by start time. */
  readonly runs: readonly RemoteRun[];
  /** Parents named by a selected run that the server no longer has (or has deleted). */
  readonly missingParents: readonly string[];
}

/** Counts each request it makes through `count`. */
export async function selectRemoteRuns(
  client: MlflowClient,
  opts: { experiment?: string; filter?: string; signal?: AbortSignal; count: () => void },
): Promise<Selection> {
  const { signal, count } = opts;
  const names = new Map<string, string>();
  let experimentIds: string[];
  if (opts.experiment !== undefined) {
    count();
    const e = await client.getExperimentByName(opts.experiment, signal);
    if (!e || e.lifecycleStage !== 'active') throw new RunSourceError(`no experiment "${opts.experiment}" on ${client.server}`);
    names.set(e.experimentId, e.name);
    experimentIds = [e.experimentId];
  } else {
    experimentIds = [];
    let pageToken: string | undefined;
    do {
      count();
      const page = await client.searchExperiments({ pageToken }, signal);
      for (const e of page.items) {
        names.set(e.experimentId, e.name);
        experimentIds.push(e.experimentId);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
  const filterText = opts.filter ?? '';
  const plan = planRemoteSearch(parseFilterOrEmpty(filterText), [], { filterText });
  const found = new Map<string, WireRun>();
  if (experimentIds.length > 0) {
    for (const filter of plan.searches) {
      let pageToken: string | undefined;
      do {
        count();
        const page = await client.searchRuns({ experimentIds, filter: filter || undefined, maxResults: PAGE_SIZE, pageToken }, signal);
        for (const w of page.items) found.set(w.info.runId, w);
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
  }
  const selected = new Map<string, WireRun>();
  for (const w of found.values()) {
    if (plan.predicate(toEvalRun(w, toSourceRow(w, names.get(w.info.experimentId) ?? w.info.experimentId)))) selected.set(w.info.runId, w);
  }

  // The parents of what matched, whatever the filter says of them (a parent may sit in another experiment).
  const missingParents: string[] = [];
  const queue = [...selected.values()];
  for (let w = queue.pop(); w; w = queue.pop()) {
    const parentId = w.tags[TAG_PARENT_RUN_ID];
    if (!parentId || selected.has(parentId) || missingParents.includes(parentId)) continue;
    let parent = found.get(parentId);
    if (!parent) {
      count();
      parent = await client.findRun(parentId, signal);
    }
    if (!parent || parent.info.lifecycleStage === 'deleted') {
      missingParents.push(parentId);
      continue;
    }
    selected.set(parentId, parent);
    queue.push(parent);
  }
  if ([...selected.values()].some((w) => !names.has(w.info.experimentId))) {
    let pageToken: string | undefined;
    do {
      count();
      const page = await client.searchExperiments({ viewType: 'ALL', pageToken }, signal);
      for (const e of page.items) names.set(e.experimentId, e.name);
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
  const runs = [...selected.values()].map((run) => ({ run, experiment: names.get(run.info.experimentId) ?? run.info.experimentId }));
  return { runs: parentsFirst(runs), missingParents };
}

function parentsFirst(runs: RemoteRun[]): RemoteRun[] {
  const byId = new Map(runs.map((r) => [r.run.info.runId, r]));
  const depth = (r: RemoteRun): number => {
    let d = 0;
    for (let p = r.run.tags[TAG_PARENT_RUN_ID]; p && byId.has(p) && d < 100; p = byId.get(p)!.run.tags[TAG_PARENT_RUN_ID]) d++;
    return d;
  };
  return runs.sort((a, b) => depth(a) - depth(b) || (a.run.info.startTime ?? 0) - (b.run.info.startTime ?? 0) || a.run.info.runId.localeCompare(b.run.info.runId));
}
