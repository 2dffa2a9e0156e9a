import cron from 'node-cron';
import { KnexSessionStore } from './auth/session-store';
import type { AppContext } from './context';
import type { BackgroundService } from './index';
import type { Runtime } from './runtime';

/**
 * Everything `serve` runs besides HTTP: the scheduled jobs (see `jobs/`) and, on the embedded
 * default, the first-start demo. Each returns a stop() that waits for its running work.
 */
export async function startBackground(ctx: AppContext, _runtime: Runtime, _announce: (line: string) => void): Promise<BackgroundService[]> {
  const services: BackgroundService[] = [];
  const store = new KnexSessionStore(ctx.db);
  const purge = cron.schedule('17 * * * *', () => {
    store.purgeExpired().catch((err) => ctx.logger.error({ err }, 'session purge failed'));
  }, { timezone: ctx.config.timezone, name: 'purge-sessions' });
  services.push({ name: 'purge-sessions', stop: async () => void (await purge.stop()) });
  return services;
}
