/**
 * `npm run soak [-- --slots=200] [--every=2]`
 *
 * Three `hubwatch serve` processes on one private PostgreSQL cluster, checking the demo hub (scale 1)
 * on a compressed schedule (a slot every 2 s). Every few slots one instance, chosen at random, is
 * SIGKILLed and started again. After at least 200 slots the killing stops, recovery gets its time, the
 * instances are stopped, and the service database is checked: no slot run twice (nor any table twice
 * within a slot and its re-runs), no slot lost, no duplicate active ticket, every interrupted run
 * re-run, every table a run stored handed to the ticket service. Prints a summary; exit 1 on any
 * violation. Results are in FAULTS.md.
 */
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../../server/db/connect';
import { startPrivateCluster } from './cluster';
import { buildDemoWorld, checkSlots, expectedSlots, Instance, violations } from './world';

interface Options {
  slots: number;
  everySeconds: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { slots: 200, everySeconds: 2 };
  for (const arg of argv) {
    if (arg.startsWith('--slots=')) opts.slots = Math.max(10, Number(arg.slice(8)) || 200);
    else if (arg.startsWith('--every=')) opts.everySeconds = Math.max(1, Number(arg.slice(8)) || 2);
    else throw new Error(`未知参数 ${arg} / unknown argument ${arg} (expected --slots=N, --every=SECONDS)`);
  }
  return opts;
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const everyMs = opts.everySeconds * 1000;
  const cluster = await startPrivateCluster();
  const instances: Instance[] = [];
  try {
    cluster.createDatabase('hubwatch_soak');
    cluster.createDatabase('hub_soak');
    const serviceUrl = cluster.url('hubwatch_soak');
    const hubUrl = cluster.url('hub_soak');
    log(`private PostgreSQL on port ${cluster.port}; building the demo hub (scale 1) and importing the example catalog …`);
    await buildDemoWorld(serviceUrl, hubUrl);

    const env = {
      DATABASE_URL: serviceUrl,
      HUB_DATABASE_URL: hubUrl,
      CHECK_SCHEDULE: `*/${opts.everySeconds} * * * * *`,
      CHECK_STATEMENT_TIMEOUT_MS: '10000',
    };
    for (const name of ['a', 'b', 'c']) instances.push(await Instance.create(name, env));
    instances.forEach((i) => i.start());
    await Promise.all(instances.map((i) => i.ready(90_000)));
    const db = openPostgres({ url: serviceUrl, poolMax: 2 }).knex;

    // The window starts at the first slot after all three are up.
    const first = new Date(Math.ceil((Date.now() + 1000) / everyMs) * everyMs);
    const end = first.getTime() + opts.slots * everyMs;
    log(
      `three instances up; ${opts.slots} slots of ${opts.everySeconds} s from ${first.toISOString()}, one SIGKILL every 2–5 slots`,
    );
    let kills = 0;
    const started = performance.now();
    while (Date.now() < end) {
      await sleep(randomInt(2, 5) * everyMs + randomInt(0, everyMs));
      if (Date.now() >= end) break;
      const victim = instances[randomInt(0, instances.length - 1)];
      await victim.kill('SIGKILL');
      kills++;
      // Back after a moment, as a process supervisor would restart it.
      await sleep(randomInt(0, 1500));
      victim.start();
    }
    const last = new Date(Math.floor((end - 1) / everyMs) * everyMs);
    log(
      `killing stopped after ${kills} SIGKILLs (${((performance.now() - started) / 1000).toFixed(0)} s); letting recovery finish …`,
    );

    // Recovery: a dead run is stale after 15 s, the recovery tick is every 5 s. Wait until every
    // interrupted run has its re-run, every stored table its hand-off to tickets, and no run is left
    // hanging, then stop gracefully (SIGTERM lets running runs finish).
    const recoveryDeadline = Date.now() + 120_000;
    await sleep(20_000);
    while (Date.now() < recoveryDeadline) {
      const report = await checkSlots(db, expectedSlots('check-hub', first, last, everyMs));
      const hanging = await db('check_runs')
        .where({ status: 'running' })
        .where('started_at', '<', new Date(Date.now() - 15_000))
        .first('id');
      if (report.interruptedNotRerun.length === 0 && report.notHandedOff.length === 0 && !hanging) break;
      await sleep(2_000);
    }
    await Promise.all(instances.map((i) => i.kill('SIGTERM')));
    const report = await checkSlots(db, expectedSlots('check-hub', first, last, everyMs));
    const windowRuns = await db('check_runs')
      .where('slot_key', '>=', `check-hub:${first.toISOString()}`)
      .where('slot_key', '<=', `check-hub:${last.toISOString()}:rerun:rerun:rerun`)
      .select('status', 'started_at', 'finished_at', 'trigger');
    const durations = windowRuns
      .filter((r) => r.status === 'completed' && r.trigger === 'schedule')
      .map((r) => r.finished_at.getTime() - r.started_at.getTime())
      .sort((a, b) => a - b);
    const pct = (p: number) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] ?? 0;
    const tickets = await db('tickets').count({ n: '*' }).first();

    const inWindow = new Set(windowRuns.map((r) => r.status));
    log('');
    log('## Soak summary');
    log(
      `slots in window          ${report.slots} (every ${opts.everySeconds} s, ${first.toISOString()} … ${last.toISOString()})`,
    );
    log(`SIGKILLs                 ${kills}`);
    log(`runs (window)            ${windowRuns.length}; statuses seen: ${[...inWindow].join(', ')}`);
    log(
      `interrupted runs         ${report.interrupted}; re-runs ${report.reruns}; orphaned slots given their run ${report.orphanedSlotsRecovered}`,
    );
    log(`scheduled run duration   p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${durations.at(-1) ?? 0} ms`);
    log(`tickets                  ${tickets?.n}`);
    log(`slots run twice          ${report.runTwice.length}`);
    log(`tables twice in a slot   ${report.tableTwice.length}`);
    log(`slots lost               ${report.lost.length}`);
    log(`duplicate active tickets ${report.duplicateActive.length}`);
    log(`interrupted, no re-run   ${report.interruptedNotRerun.length}`);
    log(`stored, not handed off   ${report.notHandedOff.length}`);
    const broken = violations(report);
    if (report.lost.length) {
      const claimed = await db('job_slots')
        .whereIn('slot_key', report.lost.slice(0, 10))
        .select('slot_key', 'instance_id', 'claimed_at', 'completed_at');
      log(`lost slots with a job_slots row (claimed, no run): ${JSON.stringify(claimed)}`);
    }
    if (report.failed.length) {
      const errors = await db('check_runs').whereIn('id', report.failed).distinct('error').pluck('error');
      log(`errors of the failed runs: ${JSON.stringify(errors).slice(0, 2000)}`);
    }
    await db.destroy();
    if (broken.length) {
      log('');
      log('VIOLATIONS:');
      for (const b of broken) log(`  - ${b}`);
      return 1;
    }
    log('');
    log('OK: no violation');
    return 0;
  } finally {
    await Promise.all(instances.map((i) => i.kill('SIGKILL')));
    const failing = instances.find((i) => /error/i.test(i.output()));
    if (process.env.SOAK_VERBOSE && failing) log(failing.output().slice(-4000));
    instances.forEach((i) => i.cleanup());
    cluster.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
