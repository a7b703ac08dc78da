/**
 * Credentials for an MLflow tracking server, as MLflow's own client takes
 * them: `MLFLOW_TRACKING_TOKEN` (a bearer token) or
 * `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD` (basic auth). They
 * come from the environment or the editor's SecretStorage and are never
 * written to settings, the store or a log line.
 */
export interface MlflowCredentials {
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

/** The credentials in an environment (MLflow's variable names); empty values count as absent. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): MlflowCredentials {
  const pick = (k: string): string | undefined => (env[k] && env[k]!.length > 0 ? env[k] : undefined);
  return { token: pick('MLFLOW_TRACKING_TOKEN'), username: pick('MLFLOW_TRACKING_USERNAME'), password: pick('MLFLOW_TRACKING_PASSWORD') };
}

/** The `Authorization` header for the credentials: a token wins over a user name, as in MLflow's client. */
export function authorizationHeader(c: MlflowCredentials): string | undefined {
  if (c.token) return `Bearer ${c.token}`;
  if (c.username !== undefined || c.password !== undefined) {
    return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}
