import type { Command } from '../command';
import { describeOlderTicketsInEnglish } from '../../server/services/tickets/english-backfill';
import { print } from '../io';
import { cliTranslator } from '../locale';
import { withServiceRuntime } from '../with-runtime';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: '升级服务数据库结构 / apply pending database migrations',
  usage: 'hubwatch migrate',
  help: {
    zh: [
      '执行服务数据库尚未执行的迁移，再执行 serve 启动时也会执行的升级步骤（为旧工单补写英文描述）。',
      '只打开服务数据库，不打开数据中台。',
    ],
    en: [
      'Applies the pending migrations of the service database, then the upgrade step serve also runs at start',
      '(the English sentence of older tickets). Opens the service database only, not the hub.',
    ],
  },
  async run(_args, io) {
    await withServiceRuntime(io, 'migrate', async (runtime) => {
      // Opening the database applied the pending migrations (server/runtime.ts): said when there were any, not only
      // "up to date" (a fresh database read as if nothing had been done).
      const [rows] = await Promise.all([runtime.db('knex_migrations').count({ n: '*' })]);
      const total = Number(rows[0].n);
      const applied = runtime.applied.length;
      const t = cliTranslator(io);
      print(
        io.stdout,
        applied ? t('cli.result.migrationsApplied', { applied, total }) : t('cli.result.migrationsUpToDate', { total }),
      );
      // The upgrade step `serve` runs too: tickets filed before their English sentence was kept get it.
      try {
        const { described, left } = await describeOlderTicketsInEnglish(runtime.db);
        if (described) print(io.stdout, t('cli.result.englishBackfilled', { count: described }));
        if (left) print(io.stdout, t('cli.result.englishBackfillLeft', { count: left }));
      } catch (err) {
        // The schema is up to date; pages fall back to the Chinese sentence, and `serve` tries again.
        print(io.stderr, t('cli.englishBackfillFailed', { message: (err as Error).message }));
      }
    });
    return 0;
  },
};
