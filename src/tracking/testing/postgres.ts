/**
 * A throwaway PostgreSQL server for tests (MLflow's team backend): Debian's
 * `postgresql` binaries (scripts/install-mlflow.sh installs them), a fresh
 * cluster in a temp folder, trust auth on 127.0.0.1, a free port chosen by
 * the server itself is not possible, so a port is picked and retried on
 * conflict. As root, the cluster runs as the `postgres` user (PostgreSQL
 * refuses to run as root).
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../http/testing/freePort';

export interface PostgresServer {
  readonly port: number;
  /** `postgresql://postgres@127.0.0.1:PORT/DB` for a database made by createDatabase. */
  url(db: string): string;
  createDatabase(name: string): void;
  stop(): void;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed: run `bash scripts/install-mlflow.sh` as root (it installs Debian\'s postgresql and python3-psycopg2)');
  }
  return path.join(base, versions[0]!, 'bin');
}

/** Runs a PostgreSQL program as the user that owns the cluster. */
function pgRun(uid: number | undefined, bin: string, args: string[], password?: string): { code: number; out: string } {
  const cmd = uid === undefined ? [bin, ...args] : ['runuser', '-u', 'postgres', '--', bin, ...args];
  const env = password === undefined ? process.env : { ...process.env, PGPASSWORD: password };
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 120_000, env });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function postgresUid(): number | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (install Debian\'s postgresql)');
  return Number(r.stdout.trim());
}

/** Options of `startPostgres`. */
export interface PostgresOptions {
  /** Require this password of `postgres` over TCP (scram-sha-256) instead of trusting every connection (wrong-password tests). */
  readonly password?: string;
}

/** Starts a new cluster; call stop() when done (it removes the folder). */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const { password } = options;
  const bin = binDir();
  const uid = postgresUid();
  const dir = mkdtempSync(path.join(tmpdir(), 'runlens-pg-'));
  if (uid !== undefined) chownSync(dir, uid, uid);
  const data = path.join(dir, 'data');
  const auth = ['--auth=trust'];
  if (password !== undefined) {
    const pwfile = path.join(dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`);
    if (uid !== undefined) chownSync(pwfile, uid, uid);
    auth.splice(0, 1, '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`);
  }
  const init = pgRun(uid, path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', ...auth, '-E', 'UTF8', '--no-sync']);
  if (init.code !== 0) throw new Error(`initdb failed: ${init.out.trim().split('\n').slice(-3).join(' ')}`);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    const r = pgRun(uid, path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
    if (r.code === 0) break;
    if (attempt >= 3) throw new Error(`pg_ctl start failed: ${r.out.trim().split('\n').slice(-3).join(' ')}`);
  }
  const psql = (sql: string): void => {
    const r = pgRun(uid, path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], password);
    if (r.code !== 0) throw new Error(`psql failed: ${r.out.trim()}`);
  };
  return {
    port,
    url: (db) => `postgresql://postgres@127.0.0.1:${port}/${db}`,
    createDatabase: (name) => psql(`CREATE DATABASE "${name.replace(/"/g, '')}"`),
    stop: () => {
      pgRun(uid, path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
