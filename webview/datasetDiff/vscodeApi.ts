import type { DatasetDiffPageState, PageToHost } from '../../src/protocol/datasetDiff';

/** What VS Code injects into a webview (`acquireVsCodeApi`, callable once). */
interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): unknown;
  setState(state: DatasetDiffPageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one handle on the host, typed with the dataset-diff protocol. */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
