import { DatasetError } from '../datasetError';
import type { QueryResult } from './queryResult';
import { queryPostgres } from './postgresQuery';
import { querySqlite } from './sqliteQuery';
import { DB_PASSWORDS_ENV, databaseKey, expandEnvRefs, shownUrl } from './sqlSource';

/** Where a query runs from: the config's folder (sqlite paths) and the environment (`${VAR}`s, passwords). */
export interface QueryContext {
  readonly baseDir: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs one query of a config. `key` (`data.sql`) and the URL without its
 * credentials name the source in every error, as one line.
 */
export async function runQuery(url: string, query: string, key: string, ctx: QueryContext): Promise<QueryResult> {
  const source = `${key} (${shownUrl(url)})`;
  const expanded = expandEnvRefs(url.trim(), ctx.env, key);
  if (expanded.startsWith('sqlite:')) return querySqlite(expanded, query, ctx.baseDir, source);
  if (/^postgres(ql)?:\/\//.test(expanded)) return queryPostgres(expanded, query, source, storedPassword(url, ctx.env));
  throw new DatasetError(`${key}.url "${shownUrl(url)}" is not a database URL (sqlite:path or postgres://host/db)`);
}

/** The password the editor handed over for this database, if any (see DB_PASSWORDS_ENV). */
function storedPassword(url: string, env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[DB_PASSWORDS_ENV];
  const key = databaseKey(url);
  if (!raw || key === undefined) return undefined;
  try {
    const map = JSON.parse(raw) as Record<string, unknown>;
    const pw = map[key];
    return typeof pw === 'string' ? pw : undefined;
  } catch {
    return undefined;
  }
}
