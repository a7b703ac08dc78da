/**
 * How every RunLens page starts (compare, dataset diff, deploy): error
 * reporting first, the page's styles, the UI, the message listener, and only
 * then `ready`, because the host sends nothing before it. Not an esbuild
 * entry (esbuild.mjs bundles `webview/<name>/main.ts` only): each page's
 * bundle includes its own copy.
 */

/** The messages every page protocol's `PageToHost` has. */
export type PageLifecycleMessage = { readonly type: 'ready' } | { readonly type: 'pageError'; readonly message: string };

/** What VS Code injects into a webview (`acquireVsCodeApi`, callable once), typed with a page's protocol. */
interface VsCodeApi<ToHost, State> {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** The page's handle on its host. */
export interface PageHost<ToHost, State> {
  post(message: ToHost): void;
  saveState(state: State): void;
  /** What `saveState` last stored before the page was hidden or reloaded, unchecked (sanitise it). */
  readonly savedState: unknown;
}

export interface PageSetup<ToHost, FromHost, State> {
  /** CSS adopted as a constructable stylesheet (the CSP allows those, not inline styles). */
  readonly styles?: string;
  /** Builds the UI in `root`; returns the handler of the host's messages. */
  readonly mount: (root: HTMLElement, host: PageHost<ToHost, State>) => (message: FromHost) => void;
}

/**
 * Starts a page. Call once, from its `main.ts`, with the protocol's types:
 * `startPage<PageToHost, HostToPage, PageState>({ mount })`. The last
 * parameter only makes a protocol without `ready` and `pageError` fail to
 * compile.
 */
export function startPage<ToHost extends { readonly type: string }, FromHost, State>(
  setup: PageSetup<ToHost, FromHost, State>,
  ..._protocolHasLifecycle: PageLifecycleMessage extends ToHost ? [] : [never]
): void {
  const api = acquireVsCodeApi() as VsCodeApi<ToHost | PageLifecycleMessage, State>;
  const reportError = (err: unknown): void => {
    const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    api.postMessage({ type: 'pageError', message });
  };
  window.addEventListener('error', (e) => reportError(e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => reportError(e.reason));

  if (setup.styles) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(setup.styles);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }

  const onMessage = setup.mount(document.getElementById('app') ?? document.body, {
    post: (m) => api.postMessage(m),
    saveState: (s) => api.setState(s),
    savedState: api.getState(),
  });
  window.addEventListener('message', (e: MessageEvent<FromHost>) => {
    try {
      onMessage(e.data);
    } catch (err) {
      reportError(err);
    }
  });

  api.postMessage({ type: 'ready' });
}
