import type { Command } from '../command';
import { loadConfig } from '../../server/config';
import { startServer } from '../../server/index';
import { openRuntime } from '../../server/runtime';
import { startBackground } from '../../server/background';
import { bootstrapEmbeddedDemo } from '../../server/bootstrap/embedded-demo';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import * as snapshotScorecards from '../../jobs/snapshot-scorecards';
import { createLogger } from '../../server/logger';
import { describeOlderTicketsInEnglish } from '../../server/services/tickets/english-backfill';
import { print } from '../io';

export const serveCommand: Command = {
  name: 'serve',
  summary: '启动 Web 服务与定时任务 / start the web service and scheduled jobs',
  usage: 'hubwatch serve',
  help: {
    zh: ['配置取自环境变量（PORT、DATABASE_URL、DATA_DIR、HUB_DATABASE_URL 等，见 README）。'],
    en: ['Configuration comes from the environment (PORT, DATABASE_URL, DATA_DIR, HUB_DATABASE_URL, …; see README).'],
  },
  async run(_args, io) {
    const config = loadConfig(io.env, io.cwd);
    const runtime = await openRuntime(config, 'serve');
    const boot = await bootstrapEmbeddedDemo(runtime, (line) => print(io.stdout, line));
    const logger = createLogger(config.logLevel);
    // An upgrade step after the migrations (README, Quality tickets; `hubwatch migrate` runs it too): tickets filed before their English sentence
    // was kept get it, so English pages show it from the first request. Idempotent; a failure only leaves the
    // Chinese sentence on those pages until the next start.
    await describeOlderTicketsInEnglish(runtime.db, { logger }).then(
      ({ described, left }) => {
        if (described || left) logger.info({ described, left }, 'older tickets: English sentences written');
      },
      (err) => logger.warn({ err }, 'older tickets: writing the English sentences failed'),
    );
    let started: Awaited<ReturnType<typeof startServer>>;
    try {
      started = await startServer(runtime, {
        logger,
        background: (ctx) => startBackground(ctx, runtime, (line) => print(io.stdout, line)),
      });
    } catch (err) {
      // The port taken (EADDRINUSE), say: nothing will serve. Close the databases — the embedded one and its data
      // directory's lock above all — so that the process ends (exit 1) instead of hanging with the directory locked.
      await runtime.close().catch(() => undefined);
      throw err;
    }
    // A newcomer should see tickets at once, not after the first hourly slot, and the dashboard's scores
    // with them, not after the first snapshot at minute 15.
    const firstRun = boot.ran
      ? runNow(checkRunnerDeps(started.ctx), { trigger: 'bootstrap' })
          .then(() => snapshotScorecards.run(started.ctx))
          .catch((err) => started.ctx.logger.warn({ err }, 'first check run or snapshot of the demo failed'))
      : null;
    await new Promise<void>((resolve) => {
      const shutdown = () => {
        Promise.resolve(firstRun)
          .then(() => started.stop())
          .then(resolve, resolve);
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
    return 0;
  },
};
