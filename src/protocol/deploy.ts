/**
 * Messages between the Deploy panel host (`src/extension/deploy`) and its page
 * (`webview/deploy`). Type-only: no runtime code, no vscode or node import.
 * Payloads are JSON.
 *
 * Handshake (src/views/webview/pageChannel.ts): the page posts `ready` first;
 * the host sends nothing until then (a `reveal` asked for earlier waits for
 * it) and answers with `state` (everything the page shows), then streams
 * `buildLog` / `build` / `smokeRunning` / `smoke` / `monitor` as they happen. A page
 * torn down while hidden posts `ready` again and gets `state` again, which
 * carries the build log so far. Both receivers end their switch in `assertNever`.
 */

/** A model version the page can choose, with what its dropdown shows. */
export interface VersionChoice {
  /** `name:version`, the reference every message uses. */
  readonly ref: string;
  readonly name: string;
  readonly version: number;
  readonly aliases: readonly string[];
  readonly runName: string;
  /** The tag a build gets when the user types none (`runlens/<model>:<version>`). */
  readonly defaultTag: string;
  /** A server of this version runs (started here or by `runlens serve`), on local Node or from its image. */
  readonly servingUrl: string | null;
  /** The image tag when that server is the version's container image (`runlens serve --image`, Serve Image). */
  readonly servingImage: string | null;
  /** The tag of the version's newest successful build, which Serve Image runs; null before one. */
  readonly builtImage: string | null;
}

export type BuildPhase = 'idle' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'context-only' | 'no-cli';

/** The build section: what runs or ran last. */
export interface BuildView {
  readonly phase: BuildPhase;
  readonly ref: string | null;
  readonly tag: string | null;
  /** The command run (or to run elsewhere), one copyable line. */
  readonly command: string | null;
  readonly contextDir: string | null;
  readonly imageId: string | null;
  readonly durationMs: number | null;
  /** The command that runs the built image (docker/podman run ...). */
  readonly runCommand: string | null;
  /** `step 4/9 (COPY ...)` of a failed build. */
  readonly failedStep: string | null;
  /** The instruction of the failed step, to highlight its lines in the log. */
  readonly failedInstruction: string | null;
  readonly error: string | null;
  /** Why no container CLI was used (each one tried, and why it was skipped). */
  readonly cliNotes: readonly string[];
}

/** One row of a smoke test: the model's answer next to the label in the data. */
export interface SmokeRow {
  /** 1-based line of the row in the data file. */
  readonly line: number | null;
  readonly expected: string;
  readonly predicted: string;
  /** Classification: equal; regression: within 10% of the label (or 1e-9 of 0). */
  readonly match: boolean;
}

export interface SmokeView {
  readonly ref: string;
  /** Where the rows came from, e.g. `data/iris.csv (training data: the run recorded no separate test file)`. */
  readonly source: string;
  /** What answered: the built image itself, or the build context's files on this machine's Node. */
  readonly target: 'image' | 'context';
  /** The image that answered (null for the context). */
  readonly image: { readonly tag: string; readonly id: string; readonly cli: string; readonly buildId: number } | null;
  /** The command that ran the server, and for the context why not the image. */
  readonly how: string;
  readonly url: string;
  readonly rows: readonly SmokeRow[];
  readonly matches: number;
  readonly task: string;
  readonly ms: number;
}

/** One feature's drift, as the Monitor section lists it (sorted worst first by the host). */
export interface FeatureDriftView {
  readonly feature: string;
  readonly psi: number | null;
  readonly verdict: string | null;
  readonly live: number;
  readonly note: string | null;
}

export interface MonitorView {
  readonly ref: string;
  readonly url: string;
  readonly at: number;
  readonly requestsPerSecond: number;
  readonly errorRate: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly totalRequests: number;
  /** Null when there is nothing to compare yet; `driftNote` says why. */
  readonly drift: { readonly verdict: string; readonly rows: number; readonly features: readonly FeatureDriftView[] } | null;
  readonly driftNote: string | null;
  readonly warnings: readonly string[];
  /** The source run has a config to open ("Retrain with Current Data"). */
  readonly canRetrain: boolean;
}

/** Everything the page shows; sent after `ready` and whenever the choices change. */
export interface DeployState {
  readonly versions: readonly VersionChoice[];
  readonly selected: string | null;
  /** Setting `runlens.container.baseImage`. */
  readonly baseImage: string;
  /** Serving and building run code; an untrusted workspace refuses both (the page says so). */
  readonly trusted: boolean;
  readonly build: BuildView;
  /** The last lines of the current build's log (capped). */
  readonly log: readonly string[];
  readonly smoke: SmokeView | null;
  readonly monitor: MonitorView | null;
  readonly monitorNote: string | null;
}

/** Host → page. */
export type HostToPage =
  | { readonly type: 'state'; readonly state: DeployState }
  /** Lines appended to the build log since the last message. */
  | { readonly type: 'buildLog'; readonly lines: readonly string[] }
  | { readonly type: 'build'; readonly build: BuildView }
  | { readonly type: 'smokeRunning'; readonly ref: string }
  | { readonly type: 'smoke'; readonly smoke: SmokeView }
  | { readonly type: 'monitor'; readonly monitor: MonitorView | null; readonly note: string | null }
  /** Scroll a section into view (the status bar item opens the monitor). */
  | { readonly type: 'reveal'; readonly section: DeploySection }
  /** Something the page asked for failed; shown in the page. */
  | { readonly type: 'error'; readonly message: string };

export type DeploySection = 'build' | 'smoke' | 'monitor';

/** Page → host. */
export type PageToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'select'; readonly ref: string }
  | { readonly type: 'build'; readonly ref: string; readonly tag: string; readonly baseImage: string; readonly contextOnly: boolean }
  | { readonly type: 'cancelBuild' }
  | { readonly type: 'smokeTest'; readonly ref: string }
  /** Serve Locally, or with `image` Serve Image (the version's built image, `runlens serve --image`). */
  | { readonly type: 'serve'; readonly ref: string; readonly image?: boolean }
  | { readonly type: 'stopServing'; readonly ref: string }
  | { readonly type: 'retrain'; readonly ref: string }
  | { readonly type: 'copy'; readonly text: string }
  | { readonly type: 'revealContext'; readonly dir: string }
  | { readonly type: 'pageError'; readonly message: string };

/** What the page keeps with `setState` (the serializer restores the selection from it). */
export interface DeployPageState {
  readonly selected: string | null;
}
