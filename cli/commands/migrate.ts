import type { Command } from '../command';
import { print } from '../io';
import { withServiceRuntime } from '../with-runtime';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: '升级服务数据库结构 / apply pending database migrations',
  usage: 'hubwatch migrate',
  async run(_args, io) {
    await withServiceRuntime(io, 'migrate', async (runtime) => {
      const [rows] = await Promise.all([runtime.db('knex_migrations').count({ n: '*' })]);
      print(io.stdout, `数据库已是最新（${rows[0].n} 个迁移）/ database is up to date (${rows[0].n} migrations)`);
    });
    return 0;
  },
};
