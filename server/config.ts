import net from 'node:net';
import path from 'node:path';
import cron from 'node-cron';
import { isEmailAddress } from './services/email-address';
import type { MessageParams } from './errors';
import { translate, type Translator } from './i18n';

/**
 * Configuration comes from environment variables only, validated once at start. Every problem is
 * reported at once, one line each, naming the variable and what is expected: in the command line's language when a
 * command prints them (ConfigError.describe), in both in the error's message.
 */
export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  /** Service database; null means the embedded PGlite under `dataDir/db`. */
  databaseUrl: string | null;
  dataDir: string;
  /** The hub being monitored; null means the embedded demo hub under `dataDir/hub`. */
  hubDatabaseUrl: string | null;
  baseUrl: string;
  /** Null only before `resolveSessionSecret` fills it in (embedded mode generates one). */
  sessionSecret: string | null;
  smtpUrl: string | null;
  /** The e-mails' sender address (MAIL_FROM); null: hubwatch@<host of BASE_URL>. */
  mailFrom: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  timezone: string;
  /** Idle and absolute session lifetimes, in minutes. */
  sessionIdleMinutes: number;
  sessionAbsoluteMinutes: number;
  /** node-cron expression of the hub check run (tables with their own `schedule` excepted). */
  checkSchedule: string;
  /** Per hub statement, milliseconds. */
  checkStatementTimeoutMs: number;
  /** Connections that may read one big table at once on a PostgreSQL server hub (rules/split-scan.ts). */
  checkScanParts: number;
  /**
   * The university's name on the sharing forms (审批表, 保密承诺书): `zh-CN` in Chinese text (郑州大学 by default, as
   * seed 000's forms), `en` in English text ("the University" by default).
   */
  universityName: { 'zh-CN': string; en: string };
  /**
   * Which connecting addresses are reverse proxies whose X-Forwarded-For names the client (express's `trust
   * proxy`): `false` trusts none, else a list of addresses, CIDR ranges and express's names (`loopback`, …).
   */
  trustProxy: false | string[];
}

/** One invalid variable: its name, and what is wrong as the key `cli.config.<key>` says it. */
export interface ConfigProblem {
  variable: string;
  key: string;
  params?: MessageParams;
}

export class ConfigError extends Error {
  /** Each problem in both languages, `VARIABLE: 中文 / English` (the error's message, for a log). */
  public readonly problems: string[];

  constructor(public readonly found: ConfigProblem[]) {
    const both = found.map(
      (p) =>
        `${p.variable}: ${translate('zh-CN', `cli.config.${p.key}`, p.params)} / ${translate('en', `cli.config.${p.key}`, p.params)}`,
    );
    super(`配置错误 / invalid configuration:\n${both.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = both;
    this.name = 'ConfigError';
  }

  /** Every problem in one language, a line each under the heading: what the command line prints. */
  describe(t: Translator): string {
    const lines = this.found.map((p) => `  - ${p.variable}: ${t(`cli.config.${p.key}`, p.params)}`);
    return `${t('cli.config.invalid')}\n${lines.join('\n')}`;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseUrl(value: string, protocols: string[]): URL | null {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) ? url : null;
  } catch {
    return null;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: ConfigProblem[] = [];
  const problem = (variable: string, key: string, params?: MessageParams) => problems.push({ variable, key, params });
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';

  let port = 3000;
  if (env.PORT !== undefined && env.PORT !== '') {
    port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problem('PORT', 'port', { value: env.PORT });
    }
  }

  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !parseUrl(databaseUrl, ['postgres:', 'postgresql:'])) {
    problem('DATABASE_URL', 'databaseUrl');
  }

  const hubDatabaseUrl = env.HUB_DATABASE_URL || null;
  if (hubDatabaseUrl && !parseUrl(hubDatabaseUrl, ['postgres:', 'postgresql:', 'mysql:', 'mariadb:'])) {
    problem('HUB_DATABASE_URL', 'hubDatabaseUrl');
  }

  const dataDir = path.resolve(cwd, env.DATA_DIR || 'data');

  // Port 0 asks the system for any free port: the default address would name port 0 in the sign-in line and in
  // every e-mail's links, so that choice needs BASE_URL, naming where the service is reached.
  if (port === 0 && !env.BASE_URL) problem('PORT', 'portZeroNeedsBaseUrl');
  const baseUrl = env.BASE_URL || `http://localhost:${port}`;
  if (env.BASE_URL && !parseUrl(baseUrl, ['http:', 'https:'])) {
    problem('BASE_URL', 'baseUrl', { value: baseUrl });
  }

  const sessionSecret = env.SESSION_SECRET || null;
  if (sessionSecret && sessionSecret.length < 32) {
    problem('SESSION_SECRET', 'sessionSecretShort');
  }
  if (!sessionSecret && nodeEnv === 'production') {
    problem('SESSION_SECRET', 'sessionSecretRequired');
  }

  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !parseUrl(smtpUrl, ['smtp:', 'smtps:'])) {
    problem('SMTP_URL', 'smtpUrl');
  }

  // A relay refuses a sender it does not know (hubwatch@localhost by default): the university names a mailbox of its own.
  const mailFrom = env.MAIL_FROM?.trim() || null;
  if (mailFrom && !isEmailAddress(mailFrom)) {
    problem('MAIL_FROM', 'mailFrom', { value: mailFrom });
  }

  // The command line's language (cli/locale.ts reads it); checked here with the others, so a typo is named at once.
  if (env.HUBWATCH_LOCALE && !['zh-CN', 'en'].includes(env.HUBWATCH_LOCALE)) {
    problem('HUBWATCH_LOCALE', 'locale', { value: env.HUBWATCH_LOCALE });
  }
  const logLevel = (env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problem('LOG_LEVEL', 'logLevel', { levels: LOG_LEVELS.join(', ') });
  }

  const timezone = env.TZ || 'Asia/Shanghai';
  if (!isValidTimezone(timezone)) {
    problem('TZ', 'timezone', { value: timezone });
  }

  const idle = Number(env.SESSION_IDLE_MINUTES || 30);
  const absolute = Number(env.SESSION_ABSOLUTE_MINUTES || 12 * 60);
  if (!Number.isInteger(idle) || idle < 1) problem('SESSION_IDLE_MINUTES', 'sessionIdle');
  if (!Number.isInteger(absolute) || absolute < idle) {
    problem('SESSION_ABSOLUTE_MINUTES', 'sessionAbsolute');
  }

  const checkSchedule = env.CHECK_SCHEDULE || '0 * * * *';
  if (!cron.validate(checkSchedule)) {
    problem('CHECK_SCHEDULE', 'checkSchedule', { value: checkSchedule });
  }
  const checkStatementTimeoutMs = Number(env.CHECK_STATEMENT_TIMEOUT_MS || 60_000);
  if (!Number.isInteger(checkStatementTimeoutMs) || checkStatementTimeoutMs < 100) {
    problem('CHECK_STATEMENT_TIMEOUT_MS', 'checkStatementTimeout');
  }

  const checkScanParts = Number(env.CHECK_SCAN_PARTS || 2);
  if (!Number.isInteger(checkScanParts) || checkScanParts < 1 || checkScanParts > 8) {
    problem('CHECK_SCAN_PARTS', 'checkScanParts');
  }

  // The name goes into form titles and the pledge: one line of text (no control characters), at most 60 characters.
  const universityName = { 'zh-CN': '郑州大学', en: 'the University' };
  for (const [variable, locale] of [
    ['UNIVERSITY_NAME', 'zh-CN'],
    ['UNIVERSITY_NAME_EN', 'en'],
  ] as const) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const name = value.trim();
    if (name === '' || [...name].length > 60 || /[\p{Cc}]/u.test(name)) {
      problem(variable, 'universityName');
    } else universityName[locale] = name;
  }

  const trustProxy = parseTrustProxy(env.TRUST_PROXY, problems);

  if (problems.length) throw new ConfigError(problems);
  return {
    env: nodeEnv,
    port,
    databaseUrl,
    dataDir,
    hubDatabaseUrl,
    baseUrl: baseUrl.replace(/\/$/, ''),
    sessionSecret,
    smtpUrl,
    mailFrom,
    logLevel,
    timezone,
    sessionIdleMinutes: idle,
    sessionAbsoluteMinutes: absolute,
    checkSchedule,
    checkStatementTimeoutMs,
    checkScanParts,
    universityName,
    trustProxy,
  };
}

/** express's names for address ranges (proxy-addr): loopback, link-local and unique-local addresses. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: unset keeps `loopback` (a proxy on the same machine, or none: a remote client never connects from a
 * loopback address, so its X-Forwarded-For is ignored). Behind a proxy on another machine every request would
 * otherwise come from the proxy's address: one rate limit for all reporters, the proxy's address in the audit log.
 * Checked here because express (proxy-addr) throws a bare TypeError on a malformed address when the app is built.
 */
function parseTrustProxy(value: string | undefined, problems: ConfigProblem[]): false | string[] {
  if (value === undefined || value.trim() === '') return ['loopback'];
  if (value.trim().toLowerCase() === 'none') return false;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const wrong = entries.filter((entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrRange(entry));
  if (wrong.length || entries.length === 0) {
    problems.push({ variable: 'TRUST_PROXY', key: 'trustProxy', params: { value: wrong.join('", "') || value } });
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = net.isIP(address);
  if (version === 0 || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
