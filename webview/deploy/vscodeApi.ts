import type { DeployPageState, PageToHost } from '../../src/protocol/deploy';

/** What VS Code injects into a webview (`acquireVsCodeApi`, callable once). */
interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): unknown;
  setState(state: DeployPageState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The page's one handle on the host, typed with the deploy protocol. */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
