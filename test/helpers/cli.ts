import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Knex } from 'knex';
import { main } from '../../cli/main';
import { CliIo } from '../../cli/io';
import { openPglite } from '../../server/db/connect';
import { createTestDatabase, usingRealPostgres } from './database';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `hubwatch …` in-process against a database of its own: the given PostgreSQL URL, or a fresh
 * embedded data directory.
 *
 * On PostgreSQL the same database also serves as the hub the commands read (it holds none of the catalog's
 * tables, like a fresh embedded hub): a command that reads the hub would otherwise create and open an
 * embedded PGlite hub under DATA_DIR, 1–2 s per command and ~10 s for the first. Without a URL (the
 * embedded default, and the demo and bootstrap tests) the hub is the embedded one.
 */
export function cliEnvironment(databaseUrl?: string): { env: NodeJS.ProcessEnv; dataDir: string; cleanup(): void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubwatch-cli-'));
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', DATA_DIR: dataDir, HUBWATCH_LOCALE: 'zh-CN', LOG_LEVEL: 'silent' };
  if (databaseUrl && usingRealPostgres()) {
    env.DATABASE_URL = databaseUrl;
    env.HUB_DATABASE_URL = databaseUrl;
  }
  return { env, dataDir, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

export interface CliDatabase {
  env: NodeJS.ProcessEnv;
  /** `fn` on the database the commands use: opened only between commands (embedded PGlite is one process). */
  withDb<T>(fn: (db: Knex) => Promise<T>): Promise<T>;
  /** Drops the PostgreSQL database, removes the data directory. */
  close(): Promise<void>;
}

/**
 * A command line test file's database (its migrations are the commands' to run): a fresh PostgreSQL database
 * where TEST_DATABASE_URL is set, else the embedded one the commands make under DATA_DIR; and their environment.
 */
export async function startCliDatabase(): Promise<CliDatabase> {
  const pgDb = usingRealPostgres() ? await createTestDatabase() : undefined;
  const { env, dataDir, cleanup } = cliEnvironment(pgDb?.url);
  return {
    env,
    withDb: async (fn) => {
      if (pgDb) return fn(pgDb.knex);
      const db = await openPglite(path.join(dataDir, 'db'));
      try {
        return await fn(db.knex);
      } finally {
        await db.close();
      }
    },
    close: async () => {
      await pgDb?.close();
      cleanup();
    },
  };
}

/**
 * Runs a command in-process. `stderr` is what the operator's terminal would show: the command's stderr and whatever
 * else the process wrote to its own stderr meanwhile (a logger writing to file descriptor 2, a library writing to
 * process.stderr), which an in-process run would otherwise hide.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, stdinText?: string): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  const stdin = Object.assign(stdinText === undefined ? Readable.from([]) : Readable.from([stdinText]), { isTTY: false });
  const io: CliIo = { stdout, stderr, stdin, env, cwd: process.cwd() };
  const processStderr = captureProcessStderr((text) => err.push(text));
  try {
    const code = await main(argv, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    processStderr.restore();
  }
}

/** Collects what is written to the process's stderr (the stream, and file descriptor 2 written directly) until restored. */
function captureProcessStderr(collect: (text: string) => void): { restore(): void } {
  const text = (data: unknown) => (typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8'));
  const streamWrite = process.stderr.write;
  const writeSync = fs.writeSync;
  const write = fs.write;
  process.stderr.write = ((chunk: unknown) => {
    collect(text(chunk));
    return true;
  }) as typeof process.stderr.write;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
    collect(text(data));
    return Buffer.byteLength(text(data));
  }) as typeof fs.writeSync;
  fs.write = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd !== 2) return (write as (...a: unknown[]) => void)(fd, data, ...rest);
    collect(text(data));
    const done = rest.find((r) => typeof r === 'function') as ((e: null, n: number) => void) | undefined;
    process.nextTick(() => done?.(null, Buffer.byteLength(text(data))));
  }) as typeof fs.write;
  return {
    restore() {
      process.stderr.write = streamWrite;
      fs.writeSync = writeSync;
      fs.write = write;
    },
  };
}

/**
 * `hubwatch users add` of an account in ITC (信息中心, made on first use), its name its login; the password read
 * from stdin when given, else generated and printed.
 */
export function addCliUser(env: NodeJS.ProcessEnv, login: string, role: string, password?: string): Promise<CliResult> {
  return runCli(
    ['users', 'add', '--login', login, '--name', login, '--department', 'ITC', '--department-name', '信息中心', '--role', role],
    env,
    password === undefined ? undefined : `${password}\n`,
  );
}
