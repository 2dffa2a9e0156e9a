import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { openPostgres } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import { importCatalog } from '../../server/services/catalog/repository';
import { resetDemoHub } from '../../server/services/demo-hub';
import { ACTIVE_STATUSES } from '../../server/services/tickets/types';
import { freePort, spawnHubwatch, Spawned, waitFor } from '../helpers/process';

/** The example catalog (the public contract), as the demo hub implements it. */
export const EXAMPLE_CATALOG = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

/** A migrated service database and a demo hub at scale 1 (separate databases), catalog imported. */
export async function buildDemoWorld(serviceUrl: string, hubUrl: string): Promise<void> {
  const service = openPostgres({ url: serviceUrl, poolMax: 2 });
  const hub = openPostgres({ url: hubUrl, poolMax: 2 });
  try {
    await migrateToLatest(service.knex);
    await resetDemoHub(hub.knex, { scale: 1 });
    const imported = await importCatalog(service.knex, fs.readFileSync(EXAMPLE_CATALOG, 'utf8'), { origin: { source: 'soak' } });
    if (!imported.ok) throw new Error(`example catalog did not import: ${JSON.stringify(imported.problems.slice(0, 3))}`);
  } finally {
    await service.close();
    await hub.close();
  }
}

/** One `hubwatch serve` process that can be killed and started again on the same port. */
export class Instance {
  proc: Spawned | null = null;
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubwatch-fault-'));
  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async create(name: string, env: Record<string, string>): Promise<Instance> {
    return new Instance(name, await freePort(), env);
  }

  get alive(): boolean {
    return this.proc !== null && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  start(): void {
    this.proc = spawnHubwatch(['serve'], {
      SESSION_SECRET: 'fault-tests-'.padEnd(40, 'x'),
      LOG_LEVEL: 'warn',
      TZ: 'Asia/Shanghai',
      ...this.env,
      PORT: String(this.port),
      DATA_DIR: this.dataDir,
    });
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${this.port}/readyz`)).ok, timeoutMs, `${this.name} to be ready`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.proc || !this.alive) return;
    this.proc.child.kill(signal);
    await this.proc.exited;
  }

  output(): string {
    return this.proc?.output() ?? '';
  }

  cleanup(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The invariants of issue 9 "Faults", read from the service database. Empty arrays mean none broken. */
export interface SlotReport {
  slots: number;
  runTwice: string[];
  tableTwice: string[];
  lost: string[];
  duplicateActive: string[];
  interruptedNotRerun: number[];
  /** "<run id> <table>" of stored results never handed to the ticket service by a run that stopped. */
  notHandedOff: string[];
  stillRunning: number[];
  failed: number[];
  interrupted: number;
  reruns: number;
  orphanedSlotsRecovered: number;
}

/** ISO slot times of `job` from `from` to `to` inclusive, every `everyMs`. */
export function expectedSlots(job: string, from: Date, to: Date, everyMs: number): string[] {
  const keys: string[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += everyMs) keys.push(`${job}:${new Date(t).toISOString()}`);
  return keys;
}

/** Strips the ":rerun" suffixes: a slot and its re-runs are one "family". */
export function slotFamily(key: string): string {
  return key.replace(/(:rerun)+$/, '');
}

export async function checkSlots(db: Knex, keys: string[]): Promise<SlotReport> {
  const claimed = new Set<string>(await db('job_slots').whereIn('slot_key', keys).pluck('slot_key'));
  const runs = (await db('check_runs')
    .whereNotNull('slot_key')
    .select('id', 'slot_key', 'status', 'trigger', 'rerun_of', 'scope')) as {
    id: number;
    slot_key: string;
    status: string;
    trigger: string;
    rerun_of: number | null;
    scope: string[] | null;
  }[];
  const bySlot = new Map<string, number>();
  for (const r of runs) if (!r.slot_key.endsWith(':rerun')) bySlot.set(r.slot_key, (bySlot.get(r.slot_key) ?? 0) + 1);
  const lost = keys.filter((k) => !claimed.has(k) || !bySlot.has(k));
  const runTwice = [...bySlot].filter(([, n]) => n > 1).map(([k]) => k);

  // A slot and its re-runs together check each table at most once.
  const tableRows = (await db('check_run_tables as t')
    .join('check_runs as r', 'r.id', 't.run_id')
    .whereNotNull('r.slot_key')
    .select('r.slot_key', 't.table_name')) as {
    slot_key: string;
    table_name: string;
  }[];
  const perTable = new Map<string, number>();
  for (const row of tableRows) {
    const k = `${slotFamily(row.slot_key)} ${row.table_name}`;
    perTable.set(k, (perTable.get(k) ?? 0) + 1);
  }
  const tableTwice = [...perTable].filter(([, n]) => n > 1).map(([k]) => k);

  const duplicateActive = (await db('tickets')
    .whereIn('status', ACTIVE_STATUSES)
    .groupBy('fingerprint')
    .havingRaw('count(*) > 1')
    .pluck('fingerprint')) as string[];

  // Every interrupted run with tables left has a re-run (which, if interrupted too, has its own).
  const interruptedNotRerun: number[] = [];
  const rerunOf = new Set(runs.filter((r) => r.rerun_of !== null).map((r) => Number(r.rerun_of)));
  const allRuns = (await db('check_runs').select('id', 'status', 'scope')) as {
    id: number;
    status: string;
    scope: string[] | null;
  }[];
  const tableCount = Number((await db('catalog_tables').where({ active: true }).count({ n: '*' }))[0].n);
  const doneByRun = new Map<number, number>();
  for (const row of (await db('check_run_tables').groupBy('run_id').select('run_id').count({ n: '*' })) as {
    run_id: number;
    n: number;
  }[]) {
    doneByRun.set(Number(row.run_id), Number(row.n));
  }
  for (const r of allRuns.filter((x) => x.status === 'interrupted')) {
    const total = r.scope ? r.scope.length : tableCount;
    if ((doneByRun.get(Number(r.id)) ?? 0) < total && !rerunOf.has(Number(r.id))) interruptedNotRerun.push(Number(r.id));
  }
  // Every table a run stored reaches the tickets: by the run, or after its interruption by recovery
  // or the table's next run (server/services/checks/handoff.ts).
  const notHandedOff = (
    (await db('check_run_tables as t')
      .join('check_runs as r', 'r.id', 't.run_id')
      .where('t.status', 'ok')
      .whereNull('t.tickets_applied_at')
      .whereIn('r.status', ['completed', 'interrupted'])
      .orderBy(['t.run_id', 't.table_name'])
      .select('t.run_id', 't.table_name')) as { run_id: number; table_name: string }[]
  ).map((r) => `${r.run_id} ${r.table_name}`);
  return {
    slots: keys.length,
    runTwice,
    tableTwice,
    lost,
    duplicateActive,
    interruptedNotRerun,
    notHandedOff,
    stillRunning: allRuns.filter((r) => r.status === 'running').map((r) => Number(r.id)),
    failed: allRuns.filter((r) => r.status === 'failed').map((r) => Number(r.id)),
    interrupted: allRuns.filter((r) => r.status === 'interrupted').length,
    reruns: runs.filter((r) => r.trigger === 'rerun').length,
    // A slot's run created by another instance than the one that claimed the slot: recovery gave an
    // orphaned slot (claimer died between the two inserts) its run.
    orphanedSlotsRecovered: Number(
      (
        await db('check_runs as r')
          .join('job_slots as s', 's.slot_key', 'r.slot_key')
          .whereIn('r.slot_key', keys)
          .whereRaw('s.instance_id <> r.instance_id')
          .count({ n: '*' })
      )[0].n,
    ),
  };
}

export function violations(report: SlotReport): string[] {
  const out: string[] = [];
  if (report.runTwice.length) out.push(`slots run twice: ${report.runTwice.slice(0, 5).join(', ')}`);
  if (report.tableTwice.length) out.push(`tables checked twice in one slot: ${report.tableTwice.slice(0, 5).join(', ')}`);
  if (report.lost.length) out.push(`slots lost: ${report.lost.length} (${report.lost.slice(0, 5).join(', ')})`);
  if (report.duplicateActive.length) out.push(`duplicate active tickets: ${report.duplicateActive.slice(0, 5).join(', ')}`);
  if (report.interruptedNotRerun.length) out.push(`interrupted runs never re-run: ${report.interruptedNotRerun.join(', ')}`);
  if (report.notHandedOff.length)
    out.push(`stored results never handed to tickets: ${report.notHandedOff.slice(0, 5).join(', ')}`);
  if (report.stillRunning.length) out.push(`runs still 'running' at the end: ${report.stillRunning.join(', ')}`);
  if (report.failed.length) out.push(`failed runs: ${report.failed.join(', ')}`);
  return out;
}
