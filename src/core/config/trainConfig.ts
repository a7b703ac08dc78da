import type { Task } from '../models/model';

/**
 * A training config file (`*.train.yaml` / `*.train.json`) after parsing and
 * schema validation. `schemas/train.schema.json` is the source of truth for
 * what is allowed; this type mirrors it.
 */
export interface TrainConfig {
  readonly experiment?: string;
  /** Human-readable run name; generated when absent. */
  readonly name?: string;
  readonly task?: Task;
  /** Master seed: the default for the split, model and CV seeds. */
  readonly seed?: number;
  /** Free text shown with the run. */
  readonly description?: string;
  readonly data?: DataConfig;
  readonly model?: ModelConfig;
  readonly evaluate?: EvaluateConfig;
  readonly sweep?: SweepConfig;
  /**
   * Free-form params, logged with the run; a command run also gets them as
   * `{{params.<key>}}`, `RUNLENS_PARAM_<KEY>` and (with `args`) arguments.
   */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * A command run instead of a built-in model: a string split into
   * arguments without a shell (see `tokenizeCommand`), or the arguments.
   */
  readonly command?: string | readonly string[];
  /** Extra environment variables for a command run (values may hold templates). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of a command run, relative to the config file. */
  readonly cwd?: string;
  /** `set` (`--set key=value` per param) or a format such as `--{key}={value}`. */
  readonly args?: string;
  /** Seconds a command run may take before it is stopped and fails. */
  readonly timeout?: number;
  /** Also log the run to an MLflow tracking server while it trains. */
  readonly tracking?: TrackingConfig;
  /** Sampling of the run's system metrics (`system/...`); on every 5 s unless this or `RUNLENS_SYSTEM_METRICS=0` says otherwise. */
  readonly system_metrics?: SystemMetricsConfig;
  /**
   * Where the run trains: a compute profile's name (`runlens.yaml`, the
   * `runlens.compute` setting, or `local`) or an inline profile; see
   * `src/core/compute/computeProfile.ts`. `--on NAME` overrides it.
   */
  readonly compute?: string | Readonly<Record<string, unknown>>;
  /** Set in JSON configs to point editors at the schema; ignored by RunLens. */
  readonly $schema?: string;
}

/** `system_metrics` of a config: see src/worker/system/systemMetricsSettings.ts. */
export interface SystemMetricsConfig {
  /** Default true. */
  readonly enabled?: boolean;
  /** Seconds between samples; default the editor's setting, else 5. */
  readonly interval?: number;
}

export interface TrackingConfig {
  /** `http(s)://…`, or `env` for $MLFLOW_TRACKING_URI. */
  readonly server: string;
  /** Experiment on the server; default the run's own. */
  readonly experiment?: string;
  /** Seconds between background pushes; default 5. */
  readonly interval?: number;
}

export interface DataConfig {
  /** One file, split by `split`. Paths are relative to the config file. */
  readonly path?: string;
  /** Explicit train/test files; the split is then exactly these files. */
  readonly train?: string;
  readonly test?: string;
  /** A query whose rows are the data, split like `path` (see src/datasets/sql). */
  readonly sql?: SqlSourceConfig;
  /** Explicit train/test queries. */
  readonly train_sql?: SqlSourceConfig;
  readonly test_sql?: SqlSourceConfig;
  readonly target: string;
  /** Positive class label for binary metrics. */
  readonly positive?: string | number | boolean;
  readonly split?: SplitConfig;
  readonly clean?: CleanConfig;
  readonly features?: FeaturesConfig;
}

/** `data.sql`: a database and a query. `url` may hold `${ENV_VAR}` references, expanded only when connecting. */
export interface SqlSourceConfig {
  /** `sqlite:relative/path.db` or `postgres://user@host:port/db`. */
  readonly url: string;
  readonly query: string;
}

export interface SplitConfig {
  readonly test?: number; // fraction, default 0.2
  readonly seed?: number; // default 42
  readonly stratify?: boolean; // default true for classification
}

export type MissingStrategy = 'drop' | 'mean' | 'median' | 'mode' | 'constant';
export type OutlierStrategy = 'none' | 'clip_iqr' | 'zscore';
/** What to do with ±Infinity in numeric columns (default: an error at its line and column); see src/core/data/infinite.ts. */
export type InfiniteStrategy = 'drop' | 'clip' | 'missing';

export interface CleanConfig {
  readonly missing?: MissingStrategy; // default 'drop'? -> 'mean' for numeric, 'mode' for categorical
  /** Fill value for `missing: constant`. */
  readonly fill?: number | string;
  readonly outliers?: OutlierStrategy; // default 'none'
  /** Trim whitespace of strings; default true. */
  readonly trim?: boolean;
  readonly infinite?: InfiniteStrategy;
}

export interface FeaturesConfig {
  readonly scale?: 'none' | 'standard' | 'minmax'; // default 'none'
  /** 'auto' one-hot encodes every categorical column; default 'auto'. */
  readonly onehot?: 'auto' | 'none';
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** Most distinct values of a categorical feature column (default 1000, and at most half the rows). */
  readonly max_categories?: number;
}

/** The built-in model families; `model.type` must be one of these. */
export type ModelType = 'linear_regression' | 'logistic_regression' | 'decision_tree' | 'mlp';

export interface ModelConfig {
  /** One of `ModelType`; kept `string` so a future family does not break callers. */
  readonly type: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** `model.params` of `linear_regression` (schema defaults in comments). */
export interface LinearRegressionParams {
  readonly alpha?: number; // 0 = ordinary least squares, > 0 = ridge
  readonly fit_intercept?: boolean; // true
}

export interface LogisticRegressionParams {
  readonly C?: number; // 1.0, inverse L2 strength
  readonly max_iter?: number; // 100
  readonly tol?: number; // 1e-4
  readonly fit_intercept?: boolean; // true
}

export interface DecisionTreeParams {
  /** Default 'gini' for classification, 'squared_error' for regression. */
  readonly criterion?: 'gini' | 'entropy' | 'squared_error';
  readonly max_depth?: number | null; // null = unlimited
  readonly min_samples_split?: number; // 2
  readonly min_samples_leaf?: number; // 1
  /** Integer count, fraction in (0, 1), 'sqrt', 'log2', or null = all. */
  readonly max_features?: number | 'sqrt' | 'log2' | null;
  readonly seed?: number;
}

export interface MlpParams {
  readonly hidden_layers?: readonly number[]; // [64]
  readonly activation?: 'relu' | 'tanh' | 'sigmoid'; // relu
  readonly optimizer?: 'adam' | 'sgd'; // adam
  readonly learning_rate?: number; // 0.001
  readonly batch_size?: number; // 32
  readonly epochs?: number; // 100
  readonly alpha?: number; // 0.0001, L2 penalty
  readonly early_stopping?: boolean; // false
  readonly patience?: number; // 10 epochs without improvement
  readonly validation_fraction?: number; // 0.1
  readonly seed?: number;
}

/** `model.params` of each family, for code that switches on `model.type`. */
export interface ModelParamsByType {
  readonly linear_regression: LinearRegressionParams;
  readonly logistic_regression: LogisticRegressionParams;
  readonly decision_tree: DecisionTreeParams;
  readonly mlp: MlpParams;
}

export interface EvaluateConfig {
  readonly cv?: number;
  readonly stratified?: boolean;
  readonly seed?: number;
  /** Columns whose groups get their own test metrics (src/core/evaluation/slices). */
  readonly slices?: readonly SliceConfig[];
}

/** One `evaluate.slices` entry: a column name, or a numeric column cut into `bins` quantile bins. */
export type SliceConfig = string | { readonly column: string; readonly bins?: number };

export interface SweepConfig {
  readonly method: 'grid' | 'random';
  /** Dotted config path (`model.params.max_depth`) → values to try. */
  readonly params: Readonly<Record<string, SweepValues>>;
  /** Random search: number of trials (default 10). Grid: a cap on the grid size. */
  readonly trials?: number;
  readonly metric?: string;
  readonly goal?: 'maximize' | 'minimize';
  readonly seed?: number;
  readonly parallel?: number;
  /** Stop the sweep after this many failed trials. */
  readonly max_failures?: number;
  /** Filter expression (query language); the sweep stops once a finished trial matches it. */
  readonly stop_when?: string;
}

/** A list of values (grid or random choice), or a distribution for random search. */
export type SweepValues =
  | readonly unknown[]
  | { readonly uniform: readonly [number, number] }
  | { readonly log_uniform: readonly [number, number] }
  | { readonly int_uniform: readonly [number, number] }
  | { readonly choice: readonly unknown[] };
