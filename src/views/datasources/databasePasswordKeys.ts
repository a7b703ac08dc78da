import { DB_PASSWORDS_ENV, databaseKey } from '../../datasets/sql/sqlSource';

/** The PostgreSQL URLs a config's text names (`data.sql`, `train_sql`, `test_sql`), as the keys their stored passwords go by. */
export function databaseKeysIn(configText: string): string[] {
  const keys = new Set<string>();
  for (const m of configText.matchAll(/postgres(?:ql)?:\/\/(?:\$\{[^}]*\}|[^\s"',}])+/g)) {
    const key = databaseKey(m[0]);
    if (key !== undefined) keys.add(key);
  }
  return [...keys];
}

/**
 * The environment a trainer gets for a config: the stored passwords of the
 * databases that config names, and no others (a command run's script sees
 * its worker's environment).
 */
export function passwordEnvFor(configText: string, stored: ReadonlyMap<string, string>): Record<string, string> {
  const picked = Object.fromEntries(databaseKeysIn(configText).flatMap((k) => (stored.has(k) ? [[k, stored.get(k)!]] : [])));
  return Object.keys(picked).length > 0 ? { [DB_PASSWORDS_ENV]: JSON.stringify(picked) } : {};
}

/** Checks what the user typed as the database: a postgres URL with a user, host and database; undefined when fine. */
export function databaseUrlProblem(text: string): string | undefined {
  const t = text.trim();
  if (!/^postgres(ql)?:\/\//.test(t)) return 'a PostgreSQL URL: postgres://user@host:5432/db';
  const key = databaseKey(t);
  if (key === undefined) return 'not a URL: postgres://user@host:5432/db';
  if (key.startsWith('@')) return 'name the user: postgres://user@host/db';
  if (key.endsWith(':5432') || /:\d+$/.test(key)) return 'name the database: postgres://user@host/db';
  if (/^postgres(ql)?:\/\/[^@/]*:[^@/]*@/.test(t) && !/\$\{/.test(t)) return 'leave the password out of the URL: it is asked for next';
  return undefined;
}
