import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { SqlSourceConfig } from '../../core/config/trainConfig';
import { DatasetError } from '../datasetError';

/** Which role a query plays in a config: `data.sql` is split; `train_sql` / `test_sql` are the split. */
export type SqlRole = 'data' | 'train' | 'test';

/** The config keys of each role, for messages (`data.sql`, `data.train_sql`). */
export const SQL_KEYS: Readonly<Record<SqlRole, string>> = { data: 'data.sql', train: 'data.train_sql', test: 'data.test_sql' };

/** A query of a config, with its role and the name its dataset versions are recorded under. */
export interface SqlSource extends SqlSourceConfig {
  readonly role: SqlRole;
  /** `<url> :: <query>`, see `queryDatasetName`. */
  readonly name: string;
}

/**
 * The queries of a data section, in the order train, test (or the one to
 * split). With `dirs`, a relative `sqlite:` path is named relative to the
 * workspace (it is written relative to the config), so the name reads the
 * same from any config and a live diff in the workspace finds the file.
 */
export function sqlSourcesOf(data: { readonly sql?: SqlSourceConfig; readonly train_sql?: SqlSourceConfig; readonly test_sql?: SqlSourceConfig },
  dirs?: { readonly configDir: string; readonly workspace: string }): SqlSource[] {
  const out: SqlSource[] = [];
  const add = (role: SqlRole, s: SqlSourceConfig | undefined) => {
    if (s === undefined) return;
    checkNoPassword(s.url, SQL_KEYS[role]);
    out.push({ ...s, role, name: queryDatasetName(dirs ? workspaceUrl(s.url.trim(), dirs.configDir, dirs.workspace) : s.url, s.query) });
  };
  add('data', data.sql);
  add('train', data.train_sql);
  add('test', data.test_sql);
  return out;
}

/** A relative `sqlite:` path re-based from the config's folder onto the workspace (other URLs as they are). */
function workspaceUrl(url: string, configDir: string, workspace: string): string {
  const rel = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined;
  if (rel === undefined || rel === '' || isAbsolute(rel) || rel.includes('${')) return url;
  const fromWorkspace = relative(workspace, resolve(configDir, rel));
  if (fromWorkspace.startsWith('..') || isAbsolute(fromWorkspace)) return url;
  return `sqlite:${fromWorkspace.split(sep).join('/')}`;
}

const SEPARATOR = ' :: ';
const URL_RE = /^(sqlite:\S+|postgres(?:ql)?:\/\/\S+)$/;

/**
 * The name a query's dataset versions are recorded under: the URL as the
 * config writes it (`${VAR}` references unexpanded, so no secret) and the
 * query with its whitespace runs made single spaces, e.g.
 * `postgres://app@db/shop :: SELECT * FROM sales`. Versions of one name are
 * the results the query gave over time.
 */
export function queryDatasetName(url: string, query: string): string {
  return `${url.trim()}${SEPARATOR}${query.trim().replace(/\s+/g, ' ')}`;
}

/** Whether a recorded dataset path is a query's name rather than a file. */
export function isQueryDatasetName(path: string): boolean {
  return parseQueryDatasetName(path) !== undefined;
}

/** The URL and query of a query's dataset name; undefined for a file path. */
export function parseQueryDatasetName(path: string): { readonly url: string; readonly query: string } | undefined {
  const at = path.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const url = path.slice(0, at);
  const query = path.slice(at + SEPARATOR.length);
  return URL_RE.test(url) && query.length > 0 ? { url, query } : undefined;
}

/** A URL with the password of its `user:password@` part left out, for messages (a `${VAR}` reference too). */
export function shownUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/)(?:([^@/]*)@)?/, (_m, scheme: string, user: string | undefined) =>
    `${scheme}${user ? `${user.split(':')[0]}@` : ''}`);
}

/** A password written into the URL itself would be copied into the config's history and the store. */
function checkNoPassword(url: string, key: string): void {
  const m = /^postgres(?:ql)?:\/\/([^@/]*)@/.exec(url.trim());
  const password = m?.[1]?.split(':').slice(1).join(':');
  if (password && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(password)) {
    throw new DatasetError(`${key}.url holds a password; write it as a \${ENV_VAR} reference (postgres://user:\${PGPASSWORD}@host/db) or set it with "RunLens: Set Database Password…", so it never enters the config or the store`);
  }
}

/**
 * `${NAME}` references in a URL replaced by the environment's values
 * (URL-encoded, so a password may hold `@` or `/`); an unset variable is an
 * error naming it and the config key.
 */
export function expandEnvRefs(url: string, env: NodeJS.ProcessEnv, key: string): string {
  return url.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const value = env[name];
    if (value === undefined) throw new DatasetError(`${key}.url refers to \${${name}}, which is not set in the environment`);
    return url.startsWith('sqlite:') ? value : encodeURIComponent(value);
  });
}

/**
 * The environment variable through which the editor hands a database
 * password (from its SecretStorage) to the trainer: a JSON object from
 * `databaseKey(url)` to the password. Never written anywhere.
 */
export const DB_PASSWORDS_ENV = 'RUNLENS_DB_PASSWORDS';

/** What a stored password is keyed by: `user@host:port/db` of a postgres URL (default port 5432). */
export function databaseKey(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x'));
  } catch {
    return undefined;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return undefined;
  return `${decodeURIComponent(u.username)}@${u.hostname}:${u.port || '5432'}${u.pathname}`;
}
