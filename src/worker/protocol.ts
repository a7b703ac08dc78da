/**
 * The one typed boundary between a process that asks for training (CLI,
 * extension host) and the trainer worker it forks. JSON-only payloads,
 * discriminated on `type`; receivers end their switch in `assertNever`.
 */

/** What to train. Paths are absolute. */
export interface TrainRequest {
  /** The store folder (`.runlens/`) the worker writes to. */
  readonly storeDir: string;
  readonly configPath: string;
  /** `dotted.path=value` overrides, as `runlens train --set`. */
  readonly overrides?: readonly string[];
  /** Parent run for sweep trials and CV folds. */
  readonly parentId?: string;
  /**
   * Train into this existing `queued` run instead of creating one: a sweep
   * creates its trials up front (with their name, parent, tags and config
   * snapshot) and the worker that trains one moves it to `running`. A run
   * that is no longer queued (e.g. `killed` by a cancelled sweep) is not
   * trained: the worker reports `finished` with status `killed`, or `failed`.
   */
  readonly runId?: string;
  readonly runName?: string;
  /** Extra tags recorded on the run (e.g. `runlens.source=vscode`). */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Command runs: milliseconds between the SIGTERM and the SIGKILL the worker
   * sends the command's process group on cancel. `TrainerProcess` sets it
   * below its own grace, so the script is stopped before the worker is.
   */
  readonly killGraceMs?: number;
  /** Run a config's queries (`data.sql`) again instead of reading their kept snapshots (`runlens train --refresh-data`). */
  readonly refreshData?: boolean;
}

/** Host → worker. */
export type HostMessage =
  | { readonly type: 'train'; readonly request: TrainRequest }
  /** Ask the worker to stop the fit and mark the run `killed`. */
  | { readonly type: 'cancel' };

/** `cv`: cross-validation folds (`evaluate.cv`), before the final fit. */
export type TrainPhase = 'config' | 'data' | 'cv' | 'fit' | 'evaluate' | 'save';

/** A failure reported with enough position to point at the input. */
export interface WorkerError {
  readonly message: string;
  /** `config` / `data` for bad input, `cancelled`, or `internal` for bugs. */
  readonly kind: 'config' | 'data' | 'model' | 'cancelled' | 'internal';
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Stack trace, shown only with --debug / in the log. */
  readonly stack?: string;
}

/** Worker → host. */
export type WorkerMessage =
  | { readonly type: 'started'; readonly runId: string; readonly runName: string; readonly experiment: string }
  | {
      readonly type: 'progress';
      readonly runId: string;
      readonly phase: TrainPhase;
      readonly step?: number;
      readonly total?: number;
      readonly metrics?: Readonly<Record<string, number>>;
      readonly message?: string;
    }
  | {
      readonly type: 'finished';
      readonly runId: string;
      readonly status: 'finished' | 'killed';
      readonly metrics: Readonly<Record<string, number>>;
      /** Peak resident set size of the worker process so far, in KiB (`process.resourceUsage().maxRSS`). */
      readonly maxRssKb?: number;
    }
  | { readonly type: 'failed'; readonly runId?: string; readonly error: WorkerError }
  /**
   * A command run's script started; `pid` is its process id and the id of
   * its process group. Should the worker die before it reports the run's end
   * (SIGKILL, a crash), the host stops that group, which the worker no longer can.
   */
  | { readonly type: 'spawned'; readonly runId: string; readonly pid: number };
