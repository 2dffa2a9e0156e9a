import type { Knex } from 'knex';
import type { Sql, SqlDialect } from './facts/dialect';
import type { TablePlan } from './facts/plan';

/**
 * Reading a big table's aggregate on several connections at once (PostgreSQL server hubs).
 *
 * PostgreSQL gives the aggregate no parallel plan: it reads a derived table (each trimmed value
 * computed once per row), and PostgreSQL 15 does not aggregate partially over a subquery. A
 * one-statement-per-check tool gets 2 workers per statement for free. So we do what a parallel
 * plan does, by hand: the checking transaction exports its snapshot (REPEATABLE READ), and up to
 * `parts - 1` more read-only transactions import it, so every part sees exactly the rows the
 * checking transaction sees. The table's heap is cut into page ranges that shrink (`pageRanges`: more of
 * them than `parts`, ~9 for 2 connections); the checking
 * transaction and the helpers take ranges from one queue. A helper that cannot get a connection in
 * time takes nothing (the checking transaction reads the rest itself), so a busy pool slows a check
 * down but never blocks it. Each part is the same aggregate restricted to its pages (a TID range
 * scan): counts add up, maxima combine, every row is read once.
 */

/** Below this heap size a second connection costs more than it saves (pages of 8 kB: 64 MB). */
export const SPLIT_MIN_PAGES = 8192;

/** pg_export_snapshot() identifiers look like 00000003-0000001B-1; anything else is not interpolated. */
const SNAPSHOT_ID = /^[0-9A-F]+(-[0-9A-F]+)+$/i;

export interface SplitScanInput {
  hub: Knex;
  trx: Knex.Transaction;
  dialect: SqlDialect;
  plan: TablePlan;
  /** The table as quoted SQL (dialect.table), bound as text to regclass. */
  tableSql: string;
  /** Connections to read on, an integer (the engine's CheckContext.scanParts); ≤ 1: read whole. */
  parts: number;
  /** Sets a helper transaction up as the checking one was (statement timeout). */
  prepare: (helper: Knex.Transaction) => Promise<void>;
  minPages?: number;
}

type Row = Record<string, unknown>;

/**
 * The aggregate's one row (read whole on the checking transaction, or in parts and combined), then
 * the uniqueness statement's (`plan.unique`, on the checking transaction).
 */
export async function readAggregate(input: SplitScanInput): Promise<{ aggregate: Row; unique: Row }> {
  const { trx, dialect, plan } = input;
  const one = async (q: Sql | null, on: Knex | Knex.Transaction = trx): Promise<Row> =>
    q ? (dialect.rows(await on.raw(q.sql, q.bindings as Knex.RawBinding[]))[0] ?? {}) : {};
  // Grouping ~2 M mostly distinct values, a hash aggregate in the default work_mem spills to disk in
  // dozens of batches (staff_basic: 2.2–2.7 s); sorting their bytes (COLLATE "C", see plan.ts) takes
  // 1.5–1.8 s. Only for this statement: SET LOCAL, then back to the server's setting.
  const readUnique = async (on: Knex | Knex.Transaction = trx): Promise<Row> => {
    if (!plan.unique || !plan.uniqueGroupsBytes) return one(plan.unique, on);
    await on.raw(`SELECT set_config('enable_hashagg', 'off', true)`);
    const row = await one(plan.unique, on);
    await on.raw('SET LOCAL enable_hashagg TO DEFAULT');
    return row;
  };
  const whole = async () => ({ aggregate: await one(plan.aggregate), unique: await readUnique() });
  const { parts } = input;
  if (parts <= 1 || !plan.aggregateOfPages) return whole();

  // One statement decides: a standby cannot export snapshots, and a small table is read whole. It also
  // reads the JIT setting, to give it back to the checking transaction after the ranges.
  const probe = (
    await trx.raw(
      `SELECT CASE WHEN pg_is_in_recovery() OR s.pages < ? THEN NULL ELSE pg_export_snapshot() END AS snapshot, s.pages,
              current_setting('jit') AS jit
       FROM (SELECT pg_relation_size(CAST(? AS regclass)) / current_setting('block_size')::bigint AS pages) AS s`,
      [input.minPages ?? SPLIT_MIN_PAGES, input.tableSql],
    )
  ).rows[0] as { snapshot: string | null; pages: number | string; jit: string };
  const pages = Number(probe.pages);
  if (!probe.snapshot || !SNAPSHOT_ID.test(probe.snapshot) || !(pages > 0)) return whole();
  const snapshot = probe.snapshot;
  // Our connections already keep the cores busy: parallel workers of the uniqueness statement would
  // only take CPU from the page ranges read beside it (staff_basic on 2 cores: each range 2.3–2.5 s
  // instead of 2.7–3.3 s). SET LOCAL, so it ends with the transaction.
  const serialPlans = (on: Knex.Transaction) => on.raw(`SELECT set_config('max_parallel_workers_per_gather', '0', true)`);
  await serialPlans(trx);

  // Page ranges that shrink (see pageRanges): the uniqueness statement takes one connection for a
  // while, and whichever connection finishes first takes the next range, so both end close together.
  const ranges = pageRanges(pages, parts);
  const parted: Row[] = [];
  let unique: Row = {};
  // JIT compilation of the aggregate costs ~60 ms per statement and pays for itself only on ranges of
  // about a tenth of a big table or more (staff_basic: -7 % execution on a quarter of its pages).
  // Ranges come largest first, so once a connection reads a small one it never needs JIT again.
  const jitOff = new WeakSet<object>();
  const readRange = async (on: Knex | Knex.Transaction, range: PageRange) => {
    if (range.small && !jitOff.has(on)) {
      jitOff.add(on);
      await on.raw(`SELECT set_config('jit', 'off', true)`);
    }
    parted.push(await one(plan.aggregateOfPages!(range.from, range.before), on));
  };
  // One queue of statements for every connection: the uniqueness statement first (it groups the
  // whole table), then the page ranges. Run after the ranges it left both cores idle while its
  // single-process final merge ran; in the queue, the other connection reads ranges meanwhile.
  const jobs: Array<(on: Knex | Knex.Transaction) => Promise<void>> = [
    ...(plan.unique ? [async (on: Knex | Knex.Transaction) => void (unique = await readUnique(on))] : []),
    ...ranges.map((range) => (on: Knex | Knex.Transaction) => readRange(on, range)),
  ];
  let next = 0;
  const inFlight: Promise<void>[] = [];
  const readRanges = async (on: Knex | Knex.Transaction) => {
    while (next < jobs.length) {
      const reading = jobs[next++](on);
      inFlight.push(reading);
      await reading;
    }
  };

  for (let i = 1; i < parts; i++) {
    void input.hub
      .transaction(
        async (h) => {
          if (next >= jobs.length) return;
          await h.raw(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
          await input.prepare(h);
          await serialPlans(h);
          await readRanges(h);
        },
        { readOnly: true, isolationLevel: 'repeatable read' },
      )
      // A helper's own failure matters only through a range it took (in `inFlight`); one that never
      // got a connection, or came after the checking transaction ended, simply did no work.
      .catch(() => undefined);
  }
  let failure: unknown = null;
  try {
    await readRanges(trx);
  } catch (err) {
    next = jobs.length; // helpers take no more statements
    failure = err;
  }
  // Every range taken must be read before the checking transaction goes on (or rolls back).
  const settled = await Promise.allSettled(inFlight);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure !== null || failed) throw failure ?? failed!.reason;
  if (jitOff.has(trx)) await trx.raw(`SELECT set_config('jit', ?, true)`, [probe.jit]);
  return { aggregate: combineAggregateRows(parted), unique };
}

export interface PageRange {
  from: number;
  /** Undefined for the last range: pages added since the size was read hold only rows this snapshot cannot see. */
  before?: number;
  /** Under JIT_MIN_SHARE of the table: read without JIT compilation. */
  small: boolean;
}

/** A range under this share of the table's pages is read without JIT (see readAggregate). */
export const JIT_MIN_SHARE = 0.1;

/**
 * The table's pages cut into ranges that shrink ("guided" scheduling): each takes 1/(2·parts) of the
 * pages not yet taken, but no less than 1/(8·parts) of the table. Equal ranges left one connection
 * idle for up to a whole range at the end (staff_basic, 2 connections, 4 ranges of ~2 s: 1.9 s idle
 * while the other read the last); shrinking ones let the connection that is ahead take a small last
 * range, for a few more statements (~9 for 2 connections, ~4 per extra connection).
 */
export function pageRanges(pages: number, parts: number): PageRange[] {
  const ranges: PageRange[] = [];
  const least = Math.max(1, Math.ceil(pages / (8 * parts)));
  for (let from = 0; from < pages;) {
    const size = Math.max(least, Math.ceil((pages - from) / (2 * parts)));
    const before = from + size < pages ? from + size : undefined;
    ranges.push({ from, before, small: size < pages * JIT_MIN_SHARE });
    from += size;
  }
  return ranges;
}

/** tids as text, "(page,item)": compared numerically. */
function tidOrder(tid: string): [number, number] {
  const m = /^\((\d+),(\d+)\)$/.exec(tid);
  return m ? [Number(m[1]), Number(m[2])] : [-1, -1];
}

/**
 * The whole table's row from its parts' rows: counts (row_count, m<n>) add up, the newest update
 * and the last violating row (`_last`) are the maxima. Every column of the aggregate is one of these.
 */
export function combineAggregateRows(rows: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      const prev = out[key];
      if (value === null || value === undefined) {
        if (!(key in out)) out[key] = value ?? null;
      } else if (key.endsWith('_last')) {
        const [p, i] = tidOrder(String(value));
        const [pp, pi] = prev == null ? [-1, -1] : tidOrder(String(prev));
        if (p > pp || (p === pp && i > pi)) out[key] = value;
      } else if (key === 'newest_update') {
        const t = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
        const pt = prev == null ? -Infinity : prev instanceof Date ? prev.getTime() : new Date(String(prev)).getTime();
        if (t > pt) out[key] = value;
      } else {
        out[key] = (prev == null ? 0 : Number(prev)) + Number(value);
      }
    }
  }
  return out;
}
