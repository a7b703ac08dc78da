/** Elements of the Runs tree. Plain data: the provider caches one object per id. */
export type RunsNode =
  | { readonly kind: 'folder'; readonly id: string; readonly folderKey: string; readonly label: string }
  | { readonly kind: 'experiment'; readonly id: string; readonly folderKey: string; readonly name: string }
  | { readonly kind: 'run'; readonly id: string; readonly folderKey: string; readonly runId: string }
  | { readonly kind: 'group'; readonly id: string; readonly folderKey: string; readonly runId: string; readonly group: RunGroup }
  | { readonly kind: 'param'; readonly id: string; readonly folderKey: string; readonly runId: string; readonly key: string; readonly value: string }
  | { readonly kind: 'metric'; readonly id: string; readonly folderKey: string; readonly runId: string; readonly key: string }
  | { readonly kind: 'artifact'; readonly id: string; readonly folderKey: string; readonly runId: string; readonly path: string; readonly sha256: string; readonly size: number; readonly artifactKind: string }
  | { readonly kind: 'input'; readonly id: string; readonly folderKey: string; readonly runId: string; readonly path: string; readonly role: string; readonly fingerprint: string }
  | { readonly kind: 'more'; readonly id: string; readonly folderKey: string; readonly parent: string }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly icon?: string }
  | RemoteNode;

/** Nodes of a tracking server's subtree (remoteRunsTree.ts); `server` is its normalised URI. */
export type RemoteNode =
  | { readonly kind: 'server'; readonly id: string; readonly server: string }
  | { readonly kind: 'remoteOffline'; readonly id: string; readonly server: string; readonly reason: string }
  | { readonly kind: 'remoteExperiment'; readonly id: string; readonly server: string; readonly name: string }
  | { readonly kind: 'remoteRun'; readonly id: string; readonly server: string; readonly runId: string; readonly experiment: string }
  | { readonly kind: 'remoteGroup'; readonly id: string; readonly server: string; readonly runId: string; readonly experiment: string; readonly group: RemoteGroup }
  | { readonly kind: 'remoteLeaf'; readonly id: string; readonly label: string; readonly description: string; readonly tooltip: string; readonly icon?: string }
  | { readonly kind: 'remoteArtifact'; readonly id: string; readonly server: string; readonly runId: string; readonly path: string; readonly size: number | null }
  | { readonly kind: 'remoteMore'; readonly id: string; readonly server: string; readonly experiment: string; readonly parentId: string | null; readonly loading: boolean; readonly error?: string };

/** As a local run's groups: `system` holds the sampled `system/…` series, shown only when the run has them. */
export type RemoteGroup = 'children' | 'params' | 'metrics' | 'system' | 'artifacts';

/** `system`: the sampled system metrics (`system/…`), apart from the run's own `metrics`; shown only when the run has them. */
export type RunGroup = 'children' | 'params' | 'metrics' | 'system' | 'artifacts' | 'inputs';

export const GROUP_LABELS: Readonly<Record<RunGroup, { readonly label: string; readonly icon: string }>> = {
  children: { label: 'Trials', icon: 'type-hierarchy-sub' },
  params: { label: 'Params', icon: 'symbol-parameter' },
  metrics: { label: 'Metrics', icon: 'graph-line' },
  system: { label: 'System', icon: 'pulse' },
  artifacts: { label: 'Artifacts', icon: 'package' },
  inputs: { label: 'Inputs', icon: 'database' },
};

export function isRunNode(n: unknown): n is Extract<RunsNode, { kind: 'run' }> {
  return typeof n === 'object' && n !== null && (n as RunsNode).kind === 'run';
}

export function isRemoteRunNode(n: unknown): n is Extract<RunsNode, { kind: 'remoteRun' }> {
  return typeof n === 'object' && n !== null && (n as RunsNode).kind === 'remoteRun';
}

export function isRemoteNode(n: RunsNode): n is RemoteNode {
  return n.kind === 'server' || n.kind.startsWith('remote');
}
