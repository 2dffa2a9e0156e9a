import { readdirSync, readFileSync } from 'node:fs';
import type { Knex } from 'knex';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux on every architecture Node runs on). */
const TICKS_PER_SECOND = 100;

interface ProcTimes {
  ppid: number;
  /** utime + stime of the process itself */
  own: number;
  /** cutime + cstime: what it has reaped from exited children */
  reaped: number;
}

function procTimes(pid: number | string): ProcTimes | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited between readdir and read, or not ours to read
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const field = (n: number) => Number(rest[n - 3]);
  return { ppid: field(4), own: field(14) + field(15), reaped: field(16) + field(17) };
}

/**
 * CPU seconds the PostgreSQL server spends, for comparing the work of the methods: wall-clock cannot,
 * on a machine whose cores the methods use differently (the naive way's parallel workers, our reading
 * of a big table on two connections). Read from /proc: the postmaster's children (backends, parallel
 * workers, background processes) plus what the postmaster has reaped from children that exited (the
 * naive way's parallel workers live for one statement). Counts every session of the server, so it
 * means something only on an otherwise quiet server. Null when the server is not on this machine (its
 * backend's process is not in /proc) — e.g. BENCH_DATABASE_URL pointing elsewhere.
 */
export async function serverCpuMeter(knex: Knex): Promise<(() => number) | null> {
  let postmaster: number;
  try {
    const backend = Number((await knex.raw('select pg_backend_pid() as pid')).rows[0].pid);
    const times = procTimes(backend);
    if (!times) return null;
    postmaster = times.ppid;
    if (!readFileSync(`/proc/${postmaster}/cmdline`, 'utf8').includes('postgres')) return null;
  } catch {
    return null;
  }
  return () => {
    let ticks = procTimes(postmaster)?.reaped ?? 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const times = procTimes(entry);
      if (times?.ppid === postmaster) ticks += times.own;
    }
    return ticks / TICKS_PER_SECOND;
  };
}

/** CPU seconds this process has used (the engine's own share: json-rules-engine verdicts, result rows). */
export function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
