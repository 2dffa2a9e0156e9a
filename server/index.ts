import http from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { AppContext } from './context';
import { createLogger } from './logger';
import type { Runtime } from './runtime';

/**
 * Serves the app: listen, start the scheduled jobs, and on SIGTERM/SIGINT stop accepting, let
 * running requests and jobs finish, then close the databases.
 */
export interface StartedServer {
  server: http.Server;
  ctx: AppContext;
  stop(): Promise<void>;
}

export interface BackgroundService {
  name: string;
  stop(): Promise<void>;
}

export async function startServer(
  runtime: Runtime,
  opts: { logger?: Logger; background?: (ctx: AppContext) => Promise<BackgroundService[]> } = {},
): Promise<StartedServer> {
  const logger = opts.logger ?? createLogger(runtime.config.logLevel);
  const ctx: AppContext = { config: runtime.config, db: runtime.db, hub: runtime.hub, logger, now: () => new Date() };
  const app = createApp(ctx);
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(runtime.config.port, () => resolve());
  });
  const background = opts.background ? await opts.background(ctx) : [];
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : runtime.config.port;
  logger.info({ port, embedded: runtime.embedded }, `Hubwatch listening on http://localhost:${port}`);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all(background.map((b) => b.stop().catch((err) => logger.error({ err, service: b.name }, 'stop failed'))));
      // Requests still running get a bounded time to finish; then the sockets are cut.
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await runtime.close();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { server, ctx, stop };
}
