import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/process';

/**
 * A private PostgreSQL 15 cluster for fault tests: initdb into a temp dir (trust auth), listening on a
 * free port, its socket in its own dir. Restarting or stopping it never touches the shared server the
 * rest of the team tests against. initdb refuses to run as root, so as root it runs as `postgres`.
 */
const BIN = process.env.PG_BIN_DIR || '/usr/lib/postgresql/15/bin';

export interface PrivateCluster {
  port: number;
  dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  createDatabase(name: string): void;
  /** pg_ctl restart -m fast: every connection is terminated, the server is back in about a second. */
  restart(): void;
  stop(): void;
  start(): void;
  destroy(): void;
}

function asOwner(args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
}

function run(args: string[]): string {
  const [cmd, ...rest] = asOwner(args);
  return execFileSync(cmd, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubwatch-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort();
  run([`${BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctl = (action: string, extra: string[] = []) =>
    run([`${BIN}/pg_ctl`, '-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', ...extra, action]);
  ctl('start');
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dir,
    url,
    createDatabase: (name) =>
      run([
        `${BIN}/psql`,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-qc',
        `CREATE DATABASE "${name}"`,
      ]),
    restart: () => ctl('restart', ['-m', 'fast']),
    stop: () => ctl('stop', ['-m', 'fast']),
    start: () => ctl('start'),
    destroy: () => {
      try {
        ctl('stop', ['-m', 'immediate']);
      } catch {
        /* already stopped */
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
