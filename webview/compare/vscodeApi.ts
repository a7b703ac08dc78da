import type { ComparePageState, PageToHost } from '../../src/protocol/compare';

/** What VS Code injects into a webview (`acquireVsCodeApi`, callable once). */
interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): unknown;
  setState(state: ComparePageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one handle on the host, typed with the compare protocol. */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
