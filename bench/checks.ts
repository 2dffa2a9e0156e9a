/**
 * `npm run bench:checks [-- --reuse] [--runs=N] [--table=NAME,…]`
 *
 * Measures a full check run of the example catalog on a demo hub at scale in real PostgreSQL, side
 * by side with the floor (one hand-written aggregate per table, bench/floor.sql.ts) and the naive way
 * (one hand-written statement per check, bench/naive.sql.ts). Also cross-checks that all three find
 * the same violation counts, so a fast wrong answer cannot pass. Exit 1 on a mismatch or a failed table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { runTableChecks } from '../rules';
import type { CheckContext, TableCheckOutcome } from '../rules';
import { createCalendar } from '../server/services/calendar';
import { parseCatalog } from '../server/services/catalog/parse';
import type { Catalog, CatalogTable } from '../server/services/catalog/types';
import { FLOOR_SQL } from './floor.sql';
import { BENCH_HUB, BENCH_NOW, DEFAULT_BENCH_URL, openBenchHub } from './checks-hub';
import { processCpuSeconds, serverCpuMeter } from './checks-cpu';
import { fmtInt, fmtMs, fmtRatio, markdownTable, median, timed } from './checks-measure';
import { NAIVE_SQL } from './naive.sql';

const TARGET_FLOOR_RATIO = 1.3;
const TARGET_NAIVE_SPEEDUP = 4;
const TARGET_NAIVE_MIN_CHECKS = 10;
const TARGET_PEAK_RSS_MB = 300;

interface Options {
  reuse: boolean;
  runs: number;
  tables: string[] | null;
  /** CheckContext.scanParts of ours (production default: CHECK_SCAN_PARTS = 2). */
  parts: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { reuse: false, runs: 3, tables: null, parts: 2 };
  for (const arg of argv) {
    if (arg === '--reuse') opts.reuse = true;
    else if (arg.startsWith('--runs=')) opts.runs = Math.max(1, Number(arg.slice('--runs='.length)) || 3);
    else if (arg.startsWith('--table=')) opts.tables = arg.slice('--table='.length).split(',').filter(Boolean);
    else if (arg.startsWith('--parts=')) opts.parts = Math.max(1, Math.floor(Number(arg.slice('--parts='.length))) || 2);
    else
      throw new Error(`未知参数 ${arg} / unknown argument ${arg} (expected --reuse, --runs=N, --table=NAME[,NAME], --parts=N)`);
  }
  return opts;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

function loadCatalog(): Catalog {
  const file = path.join(__dirname, '..', 'server', 'services', 'catalog', 'examples', 'university.catalog.yaml');
  const { catalog, problems } = parseCatalog(readFileSync(file, 'utf8'));
  if (!catalog) throw new Error(`example catalog does not parse: ${JSON.stringify(problems)}`);
  return catalog;
}

/** Statements our run sent for a table (transaction control and settings included). */
async function countStatements<T>(knex: Knex, fn: () => Promise<T>): Promise<{ value: T; statements: number }> {
  let statements = 0;
  const listener = () => statements++;
  knex.on('query', listener);
  try {
    return { value: await fn(), statements };
  } finally {
    knex.removeListener('query', listener);
  }
}

async function runFloor(knex: Knex, table: string): Promise<Record<string, unknown>> {
  return (await knex.raw(FLOOR_SQL[table])).rows[0];
}

/**
 * The naive way: its statements one after another on one connection, as a serial tool runs them (the
 * primary figure). PostgreSQL may still give each statement a parallel plan (2 workers + leader);
 * `serialPlans` forbids that (max_parallel_workers_per_gather 0), to show the naive way on one core.
 * Ours gets no parallel plan but reads a big table on `--parts` connections: its work is compared by
 * CPU seconds (bench/checks-cpu.ts), not by this figure.
 */
async function runNaive(knex: Knex, table: string, serialPlans = false): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!serialPlans) {
    for (const c of NAIVE_SQL[table]) out.set(c.check, (await knex.raw(c.sql)).rows[0]);
    return out;
  }
  await knex.transaction(async (trx) => {
    await trx.raw(`SELECT set_config('max_parallel_workers_per_gather', '0', true)`);
    for (const c of NAIVE_SQL[table]) out.set(c.check, (await trx.raw(c.sql)).rows[0]);
  });
  return out;
}

/** Violation counts of ours that disagree with the floor's or the naive way's. */
function mismatches(
  outcome: TableCheckOutcome,
  floor: Record<string, unknown>,
  naive: Map<string, Record<string, unknown>>,
  table: string,
): string[] {
  const problems: string[] = [];
  if (Number(floor.row_count) !== outcome.facts?.row_count)
    problems.push(`row_count: ours ${outcome.facts?.row_count}, floor ${String(floor.row_count)}`);
  for (const r of outcome.results) {
    if (r.check === 'freshness' || r.check.startsWith('rule:')) continue;
    const key = `${r.check}:${r.field ?? ''}`;
    if (!(key in floor)) problems.push(`${key}: missing from the floor`);
    else if (Number(floor[key]) !== r.violations) problems.push(`${key}: ours ${r.violations}, floor ${String(floor[key])}`);
    const n = naive.get(key);
    if (!n) problems.push(`${key}: missing from the naive checks`);
    else if (Number(n.violations) !== r.violations) problems.push(`${key}: ours ${r.violations}, naive ${String(n.violations)}`);
  }
  const naiveChecks = NAIVE_SQL[table].map((c) => c.check).sort();
  const ourChecks = outcome.results.map((r) => `${r.check}:${r.field ?? ''}`).sort();
  if (JSON.stringify(naiveChecks) !== JSON.stringify(ourChecks))
    problems.push(`checks differ: ours [${ourChecks.join(', ')}], naive [${naiveChecks.join(', ')}]`);
  return problems;
}

interface Row {
  table: string;
  checks: number;
  failing: number;
  rows: number;
  statements: number;
  naiveStatements: number;
  ours: number;
  /** Ours with sampleLimit 0: the same statements minus the sample-key queries of failing checks. */
  bare: number;
  floor: number;
  naive: number;
  /** The naive way without parallel workers. */
  naiveSerial: number;
  /** The fastest of the runs per method: the least disturbed by other load on a shared machine. */
  best: Record<Method, number>;
  /** Median CPU seconds per method (the server's and this process's), or null when not measurable. */
  cpu: Record<Method, number> | null;
}

type Method = 'ours' | 'bare' | 'floor' | 'naive' | 'naiveSerial';

async function benchTable(
  knex: Knex,
  table: CatalogTable,
  catalog: Catalog,
  ctx: CheckContext,
  runs: number,
  serverCpu: (() => number) | null,
) {
  const ours = () => runTableChecks(knex, table, ctx, catalog.rules);
  const bare = () => runTableChecks(knex, table, { ...ctx, sampleLimit: 0 }, catalog.rules);
  // Warm-up: every method once (caches, JIT-free plans), and the cross-check on its answers.
  const warm = await countStatements(knex, ours);
  if (warm.value.status !== 'ok') throw new Error(`${table.name}: ${warm.value.error?.code} ${warm.value.error?.message}`);
  const problems = mismatches(warm.value, await runFloor(knex, table.name), await runNaive(knex, table.name), table.name);

  const times = {
    ours: [] as number[],
    bare: [] as number[],
    floor: [] as number[],
    naive: [] as number[],
    naiveSerial: [] as number[],
  };
  const cpu: Record<Method, number[]> = { ours: [], bare: [], floor: [], naive: [], naiveSerial: [] };
  const cpuNow = () => (serverCpu ? serverCpu() + processCpuSeconds() : 0);
  const methods: Array<[keyof typeof times, () => Promise<unknown>]> = [
    ['ours', ours],
    ['bare', bare],
    ['floor', () => runFloor(knex, table.name)],
    ['naive', () => runNaive(knex, table.name)],
    ['naiveSerial', () => runNaive(knex, table.name, true)],
  ];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so a slow moment of the machine hits all methods alike, and each round starts with
    // another method, so none is always the one that runs after the heaviest.
    for (let j = 0; j < methods.length; j++) {
      const [name, fn] = methods[(i + j) % methods.length];
      const cpuBefore = cpuNow();
      times[name].push((await timed(fn)).ms);
      cpu[name].push(cpuNow() - cpuBefore);
    }
  }
  const row: Row = {
    table: table.name,
    checks: warm.value.results.length,
    failing: warm.value.results.filter((r) => !r.passed).length,
    rows: warm.value.facts?.row_count ?? 0,
    statements: warm.statements,
    naiveStatements: NAIVE_SQL[table.name].length,
    ours: median(times.ours),
    bare: median(times.bare),
    floor: median(times.floor),
    naive: median(times.naive),
    naiveSerial: median(times.naiveSerial),
    best: {
      ours: Math.min(...times.ours),
      bare: Math.min(...times.bare),
      floor: Math.min(...times.floor),
      naive: Math.min(...times.naive),
      naiveSerial: Math.min(...times.naiveSerial),
    },
    cpu: serverCpu
      ? {
          ours: median(cpu.ours),
          bare: median(cpu.bare),
          floor: median(cpu.floor),
          naive: median(cpu.naive),
          naiveSerial: median(cpu.naiveSerial),
        }
      : null,
  };
  return { row, problems, times, cpu };
}

const fmtCpu = (seconds: number) => seconds.toFixed(2);

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const url = process.env.BENCH_DATABASE_URL ?? DEFAULT_BENCH_URL;
  const catalog = loadCatalog();
  const tables = opts.tables ? catalog.tables.filter((t) => opts.tables!.includes(t.name)) : catalog.tables;
  if (opts.tables && tables.length !== opts.tables.length)
    throw new Error(
      `--table: unknown table among ${opts.tables.join(', ')} (catalog: ${catalog.tables.map((t) => t.name).join(', ')})`,
    );

  const db = await openBenchHub(url, opts.reuse);
  try {
    const knex = db.knex;
    const version = (await knex.raw('SHOW server_version')).rows[0].server_version as string;
    log(`VACUUM ANALYZE of ${tables.length} tables …`);
    for (const t of tables) await knex.raw(`VACUUM ANALYZE ${t.name}`);

    const ctx: CheckContext = {
      now: BENCH_NOW,
      timezone: catalog.calendar.timezone,
      calendar: createCalendar(catalog.calendar),
      dialect: 'postgres',
      previousRowCounts: {},
      statementTimeoutMs: 600_000,
      scanParts: opts.parts,
    };
    log(`ours reads tables of 64 MB or more on ${opts.parts} connection(s) at once (--parts=${opts.parts}; CHECK_SCAN_PARTS)`);
    const serverCpu = await serverCpuMeter(knex);
    log(
      serverCpu
        ? 'CPU seconds: read from /proc for the PostgreSQL server (all its processes) plus this process — keep the server otherwise idle'
        : 'CPU seconds: not measured (the PostgreSQL server is not a process on this machine)',
    );
    const rssBefore = process.resourceUsage().maxRSS;
    const rows: Row[] = [];
    const problems: string[] = [];
    for (const table of tables) {
      log(
        `${table.name}: warm-up, then ${opts.runs} interleaved runs of ours / ours without samples / floor / naive / naive without parallel workers …`,
      );
      const r = await benchTable(knex, table, catalog, ctx, opts.runs, serverCpu);
      rows.push(r.row);
      problems.push(...r.problems.map((p) => `${table.name}.${p}`));
      log(
        `  ours ${r.times.ours.map(fmtMs).join(' / ')} ms · without samples ${r.times.bare.map(fmtMs).join(' / ')} ms · floor ${r.times.floor.map(fmtMs).join(' / ')} ms · naive ${r.times.naive.map(fmtMs).join(' / ')} ms · naive w/o parallel workers ${r.times.naiveSerial.map(fmtMs).join(' / ')} ms`,
      );
      if (serverCpu)
        log(
          `  CPU s: ours ${r.cpu.ours.map(fmtCpu).join(' / ')} · without samples ${r.cpu.bare.map(fmtCpu).join(' / ')} · floor ${r.cpu.floor.map(fmtCpu).join(' / ')} · naive ${r.cpu.naive.map(fmtCpu).join(' / ')} · naive w/o parallel workers ${r.cpu.naiveSerial.map(fmtCpu).join(' / ')}`,
        );
    }
    const peakMb = process.resourceUsage().maxRSS / 1024;

    const sum = (k: 'ours' | 'bare' | 'floor' | 'naive' | 'naiveSerial') => rows.reduce((s, r) => s + r[k], 0);
    const body = rows.map((r) => [
      r.table,
      `${r.checks} (${r.failing} failing)`,
      fmtInt(r.rows),
      `${r.statements} / 1 / ${r.naiveStatements}`,
      fmtMs(r.ours),
      fmtMs(r.bare),
      fmtMs(r.floor),
      r.naiveStatements ? fmtMs(r.naive) : '—',
      r.naiveStatements ? fmtMs(r.naiveSerial) : '—',
      fmtRatio(r.ours / r.floor),
      fmtRatio(r.bare / r.floor),
      r.naiveStatements ? fmtRatio(r.naive / r.ours) : '—',
      r.naiveStatements ? fmtRatio(r.naiveSerial / r.ours) : '—',
    ]);
    body.push([
      '**all tables**',
      String(rows.reduce((s, r) => s + r.checks, 0)),
      fmtInt(rows.reduce((s, r) => s + r.rows, 0)),
      '',
      fmtMs(sum('ours')),
      fmtMs(sum('bare')),
      fmtMs(sum('floor')),
      fmtMs(sum('naive')),
      fmtMs(sum('naiveSerial')),
      fmtRatio(sum('ours') / sum('floor')),
      fmtRatio(sum('bare') / sum('floor')),
      fmtRatio(sum('naive') / sum('ours')),
      fmtRatio(sum('naiveSerial') / sum('ours')),
    ]);
    log();
    log(`PostgreSQL ${version}, median of ${opts.runs} runs after a warm-up; ms wall-clock as seen from Node.`);
    log(
      `Hub: demo hub scale ${BENCH_HUB.scale}, tableScales ${JSON.stringify(BENCH_HUB.tableScales)}, today ${BENCH_HUB.today}.`,
    );
    log(
      markdownTable(
        [
          'table',
          '#checks',
          'rows',
          'statements ours / floor / naive',
          'ours ms',
          'ours w/o samples ms',
          'floor ms',
          'naive ms',
          'naive 1-worker ms',
          'ours/floor',
          'w/o samples/floor',
          'naive/ours',
          'naive 1-worker/ours',
        ],
        body,
      ),
    );
    log();
    log(`Fastest of the ${opts.runs} runs per method (least disturbed by other load):`);
    log(
      markdownTable(
        [
          'table',
          'ours ms',
          'ours w/o samples ms',
          'floor ms',
          'naive ms',
          'naive 1-worker ms',
          'ours/floor',
          'naive/ours',
          'naive 1-worker/ours',
        ],
        rows.map((r) => [
          r.table,
          fmtMs(r.best.ours),
          fmtMs(r.best.bare),
          fmtMs(r.best.floor),
          r.naiveStatements ? fmtMs(r.best.naive) : '—',
          r.naiveStatements ? fmtMs(r.best.naiveSerial) : '—',
          fmtRatio(r.best.ours / r.best.floor),
          r.naiveStatements ? fmtRatio(r.best.naive / r.best.ours) : '—',
          r.naiveStatements ? fmtRatio(r.best.naiveSerial / r.best.ours) : '—',
        ]),
      ),
    );
    const withCpu = rows.filter((r): r is Row & { cpu: Record<Method, number> } => r.cpu !== null);
    if (withCpu.length) {
      log();
      log(
        `CPU seconds per run (median of ${opts.runs}; PostgreSQL server + this process): the work each method costs, whatever cores it spreads over`,
      );
      log(
        markdownTable(
          [
            'table',
            'ours CPU s',
            'floor CPU s',
            'naive CPU s',
            'naive 1-worker CPU s',
            'ours/floor',
            'naive/ours',
            'naive 1-worker/ours',
          ],
          withCpu.map((r) => [
            r.table,
            fmtCpu(r.cpu.ours),
            fmtCpu(r.cpu.floor),
            r.naiveStatements ? fmtCpu(r.cpu.naive) : '—',
            r.naiveStatements ? fmtCpu(r.cpu.naiveSerial) : '—',
            fmtRatio(r.cpu.ours / r.cpu.floor),
            r.naiveStatements ? fmtRatio(r.cpu.naive / r.cpu.ours) : '—',
            r.naiveStatements ? fmtRatio(r.cpu.naiveSerial / r.cpu.ours) : '—',
          ]),
        ),
      );
    }
    log();
    log(`peak RSS of this process: ${peakMb.toFixed(0)} MB (${(rssBefore / 1024).toFixed(0)} MB before the first check run)`);

    log();
    let missed = 0;
    for (const r of rows) {
      const ratio = r.ours / r.floor;
      if (ratio > TARGET_FLOOR_RATIO) {
        missed++;
        log(`MISS ${r.table}: ours/floor ${fmtRatio(ratio)} > ${TARGET_FLOOR_RATIO}×`);
      }
      if (r.checks >= TARGET_NAIVE_MIN_CHECKS && r.naive / r.ours < TARGET_NAIVE_SPEEDUP) {
        missed++;
        log(`MISS ${r.table}: naive/ours ${fmtRatio(r.naive / r.ours)} < ${TARGET_NAIVE_SPEEDUP}× with ${r.checks} checks`);
      }
      if (r.cpu && r.checks >= TARGET_NAIVE_MIN_CHECKS)
        log(
          `${r.cpu.naive / r.cpu.ours >= TARGET_NAIVE_SPEEDUP ? 'met' : 'not met'} in CPU seconds: ${r.table} naive/ours ${fmtRatio(r.cpu.naive / r.cpu.ours)} (naive 1-worker/ours ${fmtRatio(r.cpu.naiveSerial / r.cpu.ours)}; informational, the verdict above is wall-clock)`,
        );
    }
    if (peakMb >= TARGET_PEAK_RSS_MB) {
      missed++;
      log(`MISS peak RSS ${peakMb.toFixed(0)} MB ≥ ${TARGET_PEAK_RSS_MB} MB`);
    }
    log(
      missed
        ? `${missed} target(s) missed (ours ≤ ${TARGET_FLOOR_RATIO}× floor; ≥ ${TARGET_NAIVE_SPEEDUP}× naive at ≥ ${TARGET_NAIVE_MIN_CHECKS} checks; < ${TARGET_PEAK_RSS_MB} MB)`
        : `all targets met (ours ≤ ${TARGET_FLOOR_RATIO}× floor; ≥ ${TARGET_NAIVE_SPEEDUP}× naive at ≥ ${TARGET_NAIVE_MIN_CHECKS} checks; < ${TARGET_PEAK_RSS_MB} MB)`,
    );
    if (problems.length) {
      log();
      log('RESULTS DISAGREE (ours vs the hand-written floor/naive SQL):');
      for (const p of problems) log(`  ${p}`);
      process.exitCode = 1;
    } else {
      log('cross-check: ours, the floor and the naive way found the same violation counts on every check');
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
