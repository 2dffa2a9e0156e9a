import type { Knex } from 'knex';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { INSTANCE_ID } from '../checks/instance';

/** node-cron's key is "<task name>:<ISO instant>", and an ISO instant is 24 characters. */
function jobOf(key: string): string {
  return key.length > 25 ? key.slice(0, -25) : key;
}

/**
 * node-cron's run coordinator on the service database: for each scheduled slot
 * ("<job>:<scheduled time>"), the first instance to insert the slot row runs it; every other instance
 * skips it. Works the same on PGlite (one instance) and PostgreSQL (many).
 *
 * When the database cannot be reached, nobody can agree on who runs the slot, so node-cron fails
 * closed (skips it); `onUnreachable` hears of the slot so that it can be caught up afterwards.
 * `beforeClaim` lets an instance that is still busy with the job give idle instances a head start.
 */
export function databaseRunCoordinator(
  db: Knex,
  logger: Logger,
  hooks: { onUnreachable?: (key: string) => void; beforeClaim?: () => Promise<void> } = {},
) {
  return {
    async shouldRun(key: string): Promise<boolean> {
      await hooks.beforeClaim?.();
      try {
        return await claimSlot(db, key);
      } catch (err) {
        logger.warn({ err, key }, 'slot not claimed: service database unreachable; will catch up');
        hooks.onUnreachable?.(key);
        throw err;
      }
    },
    async onComplete(key: string): Promise<void> {
      await db('job_slots')
        .where({ slot_key: key })
        .update({ completed_at: db.fn.now() })
        .catch((err) => logger.warn({ err, key }, 'slot completion not recorded'));
    },
  };
}

/** True for the one caller that inserts the slot row. */
async function claimSlot(db: Knex, key: string): Promise<boolean> {
  const job = jobOf(key);
  const inserted = await db('job_slots')
    .insert({ slot_key: key, job, instance_id: INSTANCE_ID })
    .onConflict('slot_key')
    .ignore()
    .returning('slot_key');
  return inserted.length === 1;
}

/** How often a job with a slot missed in a database outage tries to catch it up. */
const CATCH_UP_EVERY_MS = 5_000;
/** How long an instance still running the job's previous slot lets idle instances claim the next. */
const BUSY_HEAD_START_MS = 1_000;

export interface ScheduledJob {
  name: string;
  stop(): Promise<void>;
}

/**
 * Schedules `run` under `name` so that each slot runs once across instances. `run` receives the
 * slot's scheduled time and key. One instance runs a job's slots one after the other. An instance
 * still busy with the previous slot when the next one comes lets idle instances claim it first; if
 * none does (all busy, or it is alone), it claims the slot and runs it once the previous one ends —
 * late, but not lost (node-cron's noOverlap would skip it on every busy instance).
 *
 * Slots that fell in a service-database outage are not lost: once the database answers again, the
 * latest of them is claimed (same key, so still once across instances) and run as a catch-up —
 * unless a later slot of the job has been claimed meanwhile, whose run already covers it. Earlier
 * missed slots of the same outage fold into that one run: re-running the same job back to back
 * would repeat the same work. A late slot is still run while it is earlier than the next one
 * (node-cron's default tolerance is 1 s, which a busy machine exceeds).
 */
export function scheduleJob(
  db: Knex,
  logger: Logger,
  opts: { name: string; expression: string; timezone: string },
  run: (slot: { date: Date; key: string }) => Promise<void>,
): ScheduledJob {
  let tail: Promise<void> = Promise.resolve(); // this instance's runs of the job, in order
  let busy = 0;
  const execute = (date: Date, key: string): Promise<void> => {
    busy++;
    tail = tail
      .then(() => run({ date, key }))
      .catch((err) => logger.error({ err, job: opts.name }, 'job failed'))
      .finally(() => void busy--);
    return tail;
  };
  const beforeClaim = async () => {
    if (busy === 0) return;
    // The head start ends when the previous run does, if that is sooner: its timer is then cleared, or it would
    // keep the process alive (a stopping server, a test worker) for up to BUSY_HEAD_START_MS after stop().
    let headStart: NodeJS.Timeout | undefined;
    try {
      await Promise.race([tail, new Promise((resolve) => (headStart = setTimeout(resolve, BUSY_HEAD_START_MS)))]);
    } finally {
      clearTimeout(headStart);
    }
  };

  let missed: string | null = null;
  let catchUpTimer: NodeJS.Timeout | null = null;
  const catchUp = async () => {
    if (!missed || busy > 0) return;
    const key = missed;
    try {
      const later = await db('job_slots').where({ job: opts.name }).where('slot_key', '>', key).first('slot_key');
      if (missed === key) missed = null;
      if (later || !(await claimSlot(db, key))) return;
    } catch {
      if (missed === null) missed = key;
      return; // still unreachable: next time
    }
    logger.info({ job: opts.name, key }, 'catching up a slot missed while the database was unreachable');
    await execute(new Date(key.slice(-24)), key);
    await coordinator.onComplete(key);
  };
  const onUnreachable = (key: string) => {
    if (!missed || key > missed) missed = key;
    catchUpTimer ??= setInterval(() => {
      if (!missed && catchUpTimer) {
        clearInterval(catchUpTimer);
        catchUpTimer = null;
        return;
      }
      catchUp().catch((err) => logger.error({ err, job: opts.name }, 'catch-up failed'));
    }, CATCH_UP_EVERY_MS);
    catchUpTimer.unref();
  };
  // Claims in flight: a slot claimed while the job is being stopped is run before stop() resolves. Without
  // waiting for them, a claim could commit after stop() returned and its run then find the database closed:
  // the slot claimed, never run, and no other instance may claim it again.
  const claims = new Set<Promise<boolean>>();
  const database = databaseRunCoordinator(db, logger, { onUnreachable, beforeClaim });
  const coordinator: typeof database = {
    ...database,
    shouldRun(key: string) {
      const claim = database.shouldRun(key);
      claims.add(claim);
      claim.then(
        () => claims.delete(claim),
        () => claims.delete(claim),
      );
      return claim;
    },
  };

  const task = cron.schedule(opts.expression, (context) => execute(context.date, `${opts.name}:${context.date.toISOString()}`), {
    name: opts.name,
    timezone: opts.timezone,
    noOverlap: false,
    distributed: true,
    runCoordinator: coordinator,
    missedExecutionTolerance: 60_000,
  });
  return {
    name: opts.name,
    async stop() {
      if (catchUpTimer) clearInterval(catchUpTimer);
      missed = null;
      await task.stop();
      await task.destroy();
      await Promise.allSettled([...claims]);
      // node-cron hands a claimed slot to execute() a few promise turns after the claim resolves.
      await new Promise((resolve) => setImmediate(resolve));
      await tail;
    },
  };
}
