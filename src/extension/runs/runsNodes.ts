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
  | { readonly kind: 'more'; readonly id: string; readonly folderKey: string; readonly parent: string; readonly remaining: number }
  | { readonly kind: 'message'; readonly id: string; readonly text: string; readonly icon?: string };

export type RunGroup = 'children' | 'params' | 'metrics' | 'artifacts' | 'inputs';

export const GROUP_LABELS: Readonly<Record<RunGroup, { readonly label: string; readonly icon: string }>> = {
  children: { label: 'Trials', icon: 'type-hierarchy-sub' },
  params: { label: 'Params', icon: 'symbol-parameter' },
  metrics: { label: 'Metrics', icon: 'graph-line' },
  artifacts: { label: 'Artifacts', icon: 'package' },
  inputs: { label: 'Inputs', icon: 'database' },
};

export function isRunNode(n: unknown): n is Extract<RunsNode, { kind: 'run' }> {
  return typeof n === 'object' && n !== null && (n as RunsNode).kind === 'run';
}
