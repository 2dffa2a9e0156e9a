import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { universityTimezone } from '../catalog/repository';

export interface ZonedService {
  name: string;
  stop(): Promise<void>;
}

/** How often the catalog's time zone is looked at (one small query). */
export const TIMEZONE_POLL_MS = 60_000;

/**
 * Services whose schedules are read in the university's time zone — the catalog calendar's, the
 * service's TZ before the first catalog. node-cron fixes a task's zone when it is scheduled, so when
 * an imported catalog changes the zone (or brings the first one), `start` is run again in the new
 * zone once the services of the old one have stopped (each stop waits for its running work). Every
 * instance notices within `pollMs`; a slot is still run once across instances, its key being the
 * instant, not the local time.
 */
export async function startInUniversityTime(
  deps: { db: Knex; logger: Logger; fallbackTimezone: string; pollMs?: number },
  start: (timezone: string) => ZonedService[],
): Promise<ZonedService> {
  const zoneNow = () => universityTimezone(deps.db, deps.fallbackTimezone);
  let timezone = await zoneNow();
  let services = start(timezone);
  let stopped = false;
  // One change at a time; stop() waits for one under way.
  let switching: Promise<void> = Promise.resolve();

  const follow = async () => {
    const next = await zoneNow();
    if (stopped || next === timezone) return;
    deps.logger.info({ from: timezone, to: next }, 'the catalog changed the time zone: rescheduling the jobs in it');
    await Promise.all(services.map((s) => s.stop()));
    if (stopped) {
      services = [];
      return;
    }
    timezone = next;
    services = start(timezone);
  };
  const timer = setInterval(() => {
    switching = switching
      .then(follow)
      // A database that does not answer now is the jobs' own concern; the zone is looked at again next time.
      .catch((err) => deps.logger.warn({ err }, 'time zone of the catalog not read; the jobs keep their schedules'));
  }, deps.pollMs ?? TIMEZONE_POLL_MS);
  timer.unref();

  return {
    name: 'scheduled-jobs',
    async stop() {
      stopped = true;
      clearInterval(timer);
      await switching;
      await Promise.all(services.map((s) => s.stop()));
      services = [];
    },
  };
}
