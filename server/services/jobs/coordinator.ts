import type { Knex } from 'knex';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { INSTANCE_ID } from '../checks/instance';

/**
 * node-cron's run coordinator on the service database: for each scheduled slot
 * ("<job>:<scheduled time>"), the first instance to insert the slot row runs it; every other instance
 * skips it. Works the same on PGlite (one instance) and PostgreSQL (many).
 */
export function databaseRunCoordinator(db: Knex, logger: Logger) {
  return {
    async shouldRun(key: string): Promise<boolean> {
      // node-cron's key is "<task name>:<ISO instant>", and an ISO instant is 24 characters.
      const job = key.length > 25 ? key.slice(0, -25) : key;
      const inserted = await db('job_slots')
        .insert({ slot_key: key, job, instance_id: INSTANCE_ID })
        .onConflict('slot_key')
        .ignore()
        .returning('slot_key');
      return inserted.length === 1;
    },
    async onComplete(key: string): Promise<void> {
      await db('job_slots').where({ slot_key: key }).update({ completed_at: db.fn.now() }).catch((err) => logger.warn({ err, key }, 'slot completion not recorded'));
    },
  };
}

export interface ScheduledJob {
  name: string;
  stop(): Promise<void>;
}

/**
 * Schedules `run` under `name` so that each slot runs once across instances. `run` receives the
 * slot's scheduled time and key. A slot already running here is not started again (noOverlap).
 */
export function scheduleJob(
  db: Knex,
  logger: Logger,
  opts: { name: string; expression: string; timezone: string },
  run: (slot: { date: Date; key: string }) => Promise<void>,
): ScheduledJob {
  let running: Promise<void> | null = null;
  const task = cron.schedule(
    opts.expression,
    async (context) => {
      const key = `${opts.name}:${context.date.toISOString()}`;
      running = run({ date: context.date, key }).catch((err) => logger.error({ err, job: opts.name }, 'job failed'));
      await running;
      running = null;
    },
    { name: opts.name, timezone: opts.timezone, noOverlap: true, distributed: true, runCoordinator: databaseRunCoordinator(db, logger) },
  );
  return {
    name: opts.name,
    async stop() {
      await task.stop();
      await task.destroy();
      if (running) await running;
    },
  };
}
