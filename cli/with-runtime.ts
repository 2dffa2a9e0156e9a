import { Config, loadConfig } from '../server/config';
import type { AppContext } from '../server/context';
import { createCommandLogger, type LogRecord } from '../server/logger';
import { type KnexLog, knexLogTo } from '../server/db/connect';
import { openRuntime, openServiceRuntime, Runtime, ServiceRuntime } from '../server/runtime';
import type { CliIo } from './io';
import { cliTranslator } from './locale';

/**
 * knex's own warnings in a command: none unless LOG_LEVEL asks for debugging (debug, trace). A database that cannot
 * be reached fails the command, which says so in both languages; knex's "Acquire connection error" beside it, once
 * for each try, is noise to an operator.
 */
export function commandDatabaseLog(io: CliIo, config: Config): KnexLog {
  if (config.logLevel === 'debug' || config.logLevel === 'trace') return knexLogTo((line) => io.stderr.write(line));
  const quiet = () => undefined;
  return { warn: quiet, error: quiet, deprecate: quiet, debug: quiet };
}

/** Opens the service database (applying pending migrations first) and the hub for one command, and closes them. */
export async function withRuntime<T>(
  io: CliIo,
  command: string,
  fn: (runtime: Runtime) => Promise<T>,
  opts: { writableHub?: boolean } = {},
): Promise<T> {
  const config = loadConfig(io.env, io.cwd);
  const runtime = await openRuntime(config, command, { ...opts, databaseLog: commandDatabaseLog(io, config) });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** The same for a command that never reads the hub: the service database alone. */
export async function withServiceRuntime<T>(io: CliIo, command: string, fn: (runtime: ServiceRuntime) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env, io.cwd);
  const runtime = await openServiceRuntime(config, command, { databaseLog: commandDatabaseLog(io, config) });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * What the service's jobs and runners are built from, for a command: its runtime, the clock, and a logger writing
 * warnings (an e-mail that could not be sent) as lines to read on stderr — at LOG_LEVEL's default, warnings only, the
 * command saying its outcome itself. `omit`: records the command says in its own words.
 */
export function commandContext(runtime: Runtime, io: CliIo, omit?: (record: LogRecord) => boolean): AppContext {
  const level = runtime.config.logLevel === 'info' ? 'warn' : runtime.config.logLevel;
  // Its prefixes (警告： / warning:) in the command line's language, as the command's other lines.
  const logger = createCommandLogger(level, io.stderr, { t: cliTranslator(io), ...(omit ? { omit } : {}) });
  return { config: runtime.config, db: runtime.db, hub: runtime.hub, logger, now: () => new Date() };
}
