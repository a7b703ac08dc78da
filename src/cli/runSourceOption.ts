/**
 * `--server URI|env` for the read commands (`runs`, `show`, `compare`,
 * `metrics`): without it they read the workspace store; with it, an MLflow
 * tracking server (`env` = `$MLFLOW_TRACKING_URI`), with MLflow's own
 * credential variables (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and
 * MLFLOW_TRACKING_PASSWORD) and retry/timeout variables
 * (MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_HTTP_REQUEST_TIMEOUT in seconds).
 */
import { credentialsFromEnv } from '../mlflow/client/credentials';
import { MlflowClient } from '../mlflow/client/mlflowClient';
import type { RetryPolicy } from '../mlflow/client/mlflowHttp';
import { DEFAULT_RETRY } from '../mlflow/client/mlflowHttp';
import { LocalRunSource } from '../tracking/localRunSource';
import { MlflowRunSource } from '../tracking/mlflowRunSource';
import type { RunSource } from '../tracking/runSource';
import type { CliContext } from './context';
import { CliError } from './context';

/** The parseArgs option, to spread into a command's options. */
export const SERVER_OPTION = { server: { type: 'string' } } as const;

/** Help text of the option, for the commands' usage lines. */
export const SERVER_HELP = '[--server URI|env]';

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  if (!/^\d+$/.test(text)) throw new CliError(`${name} must be a whole number, got "${text}"`, 2);
  return Number(text);
}

/** The run source a read command works on: the workspace store, or the MLflow server `--server` names. */
export function openRunSource(ctx: CliContext, server: string | undefined): RunSource {
  if (server === undefined) return new LocalRunSource(ctx.openStore());
  const uri = server === 'env' ? ctx.env.MLFLOW_TRACKING_URI?.trim() : server;
  if (!uri) throw new CliError('--server env: MLFLOW_TRACKING_URI is not set (or give the server: --server http://host:5000)', 2);
  const retries = nonNegativeInt(ctx.env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES');
  const timeout = nonNegativeInt(ctx.env, 'MLFLOW_HTTP_REQUEST_TIMEOUT');
  const retry: RetryPolicy = retries === undefined ? DEFAULT_RETRY : { ...DEFAULT_RETRY, attempts: retries + 1 };
  try {
    const client = new MlflowClient(uri, { credentials: credentialsFromEnv(ctx.env), retry, ...(timeout ? { timeoutMs: timeout * 1000 } : {}) });
    return new MlflowRunSource(client);
  } catch (e) {
    throw new CliError(`--server: ${(e as Error).message}`, 2);
  }
}
