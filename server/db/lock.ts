import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite keeps its data in a directory that only one process may open: a second process opening it
 * silently loses writes. Every process that opens an embedded data directory first takes this lock;
 * a second one stops at once and names the holder. A lock left by a dead process is taken over.
 */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    public readonly dir: string,
    public readonly holder: LockHolder,
  ) {
    super(
      `数据目录 ${dir} 正被另一个 Hubwatch 进程使用（PID ${holder.pid}，${holder.command}，始于 ${holder.startedAt}）。` +
        `嵌入式数据库（服务数据库，或内置的演示数据中台）不能被两个进程同时打开：请先停止该进程，` +
        `或改用 PostgreSQL（服务数据库设 DATABASE_URL，数据中台设 HUB_DATABASE_URL）。\n` +
        `The data directory ${dir} is in use by another Hubwatch process (PID ${holder.pid}, "${holder.command}", ` +
        `started ${holder.startedAt}). An embedded database (the service's, or the embedded demo hub) cannot be opened by ` +
        `two processes: stop it first, or use PostgreSQL (DATABASE_URL for the service's database, HUB_DATABASE_URL ` +
        `for the hub).`,
    );
    this.name = 'DataDirLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dir: string, command: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'hubwatch.lock');
  const me: LockHolder = { pid: process.pid, host: os.hostname(), command, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
          if (current.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: LockHolder | null;
      try {
        holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
      } catch {
        holder = null; // half-written or unreadable: treat as stale
      }
      if (holder && holder.pid !== process.pid && holder.host === me.host && processAlive(holder.pid)) {
        throw new DataDirLockedError(dir, holder);
      }
      if (holder && holder.host !== me.host) throw new DataDirLockedError(dir, holder);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
