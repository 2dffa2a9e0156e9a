import net from 'node:net';
import path from 'node:path';
import cron from 'node-cron';
import { isEmailAddress } from './services/email-address';

/**
 * Configuration comes from environment variables only, validated once at start. Every problem is
 * reported at once, one line each, naming the variable and what is expected (in Chinese and English:
 * whoever starts the service may read either).
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

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置错误 / invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
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
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';

  let port = 3000;
  if (env.PORT !== undefined && env.PORT !== '') {
    port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push(`PORT: 应为 0–65535 之间的整数 / must be an integer from 0 to 65535, got "${env.PORT}"`);
    }
  }

  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !parseUrl(databaseUrl, ['postgres:', 'postgresql:'])) {
    problems.push('DATABASE_URL: 应为 postgres://用户@主机:端口/数据库 / must be a postgres:// URL');
  }

  const hubDatabaseUrl = env.HUB_DATABASE_URL || null;
  if (hubDatabaseUrl && !parseUrl(hubDatabaseUrl, ['postgres:', 'postgresql:', 'mysql:', 'mariadb:'])) {
    problems.push('HUB_DATABASE_URL: 应为 postgres:// 或 mysql:// URL / must be a postgres:// or mysql:// URL');
  }

  const dataDir = path.resolve(cwd, env.DATA_DIR || 'data');

  // Port 0 asks the system for any free port: the default address would name port 0 in the sign-in line and in
  // every e-mail's links, so that choice needs BASE_URL, naming where the service is reached.
  if (port === 0 && !env.BASE_URL)
    problems.push('PORT: 为 0（任一空闲端口）时须同时设置 BASE_URL / 0 (any free port) needs BASE_URL, the address users reach');
  const baseUrl = env.BASE_URL || `http://localhost:${port}`;
  if (env.BASE_URL && !parseUrl(baseUrl, ['http:', 'https:'])) {
    problems.push(`BASE_URL: 应为 http(s):// 开头的网址 / must be an http(s):// URL, got "${baseUrl}"`);
  }

  const sessionSecret = env.SESSION_SECRET || null;
  if (sessionSecret && sessionSecret.length < 32) {
    problems.push('SESSION_SECRET: 至少 32 个字符 / must be at least 32 characters long');
  }
  if (!sessionSecret && nodeEnv === 'production') {
    problems.push('SESSION_SECRET: 生产模式 (NODE_ENV=production) 下必须设置 / is required when NODE_ENV=production');
  }

  const smtpUrl = env.SMTP_URL || null;
  if (smtpUrl && !parseUrl(smtpUrl, ['smtp:', 'smtps:'])) {
    problems.push('SMTP_URL: 应为 smtp:// 或 smtps:// URL / must be an smtp:// or smtps:// URL');
  }

  // A relay refuses a sender it does not know (hubwatch@localhost by default): the university names a mailbox of its own.
  const mailFrom = env.MAIL_FROM?.trim() || null;
  if (mailFrom && !isEmailAddress(mailFrom)) {
    problems.push(
      `MAIL_FROM: 应为一个电子邮箱地址，如 hubwatch@example.edu.cn / must be one e-mail address, e.g. hubwatch@example.edu.cn, got "${mailFrom}"`,
    );
  }

  // The command line's language (cli/locale.ts reads it); checked here with the others, so a typo is named at once.
  if (env.HUBWATCH_LOCALE && !['zh-CN', 'en'].includes(env.HUBWATCH_LOCALE)) {
    problems.push(`HUBWATCH_LOCALE: 应为 zh-CN 或 en / must be zh-CN or en, got "${env.HUBWATCH_LOCALE}"`);
  }
  const logLevel = (env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL: 应为 ${LOG_LEVELS.join(' | ')} 之一 / must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const timezone = env.TZ || 'Asia/Shanghai';
  if (!isValidTimezone(timezone)) {
    problems.push(`TZ: 未知时区 / unknown time zone "${timezone}" (e.g. Asia/Shanghai)`);
  }

  const idle = Number(env.SESSION_IDLE_MINUTES || 30);
  const absolute = Number(env.SESSION_ABSOLUTE_MINUTES || 12 * 60);
  if (!Number.isInteger(idle) || idle < 1) problems.push('SESSION_IDLE_MINUTES: 应为正整数 / must be a positive integer');
  if (!Number.isInteger(absolute) || absolute < idle) {
    problems.push('SESSION_ABSOLUTE_MINUTES: 应为不小于空闲时限的整数 / must be an integer ≥ SESSION_IDLE_MINUTES');
  }

  const checkSchedule = env.CHECK_SCHEDULE || '0 * * * *';
  if (!cron.validate(checkSchedule)) {
    problems.push(`CHECK_SCHEDULE: 不是有效的 cron 表达式 / not a valid cron expression: "${checkSchedule}" (e.g. "0 * * * *")`);
  }
  const checkStatementTimeoutMs = Number(env.CHECK_STATEMENT_TIMEOUT_MS || 60_000);
  if (!Number.isInteger(checkStatementTimeoutMs) || checkStatementTimeoutMs < 100) {
    problems.push('CHECK_STATEMENT_TIMEOUT_MS: 应为不小于 100 的整数（毫秒）/ must be an integer ≥ 100 (milliseconds)');
  }

  const checkScanParts = Number(env.CHECK_SCAN_PARTS || 2);
  if (!Number.isInteger(checkScanParts) || checkScanParts < 1 || checkScanParts > 8) {
    problems.push('CHECK_SCAN_PARTS: 应为 1 到 8 的整数 / must be an integer from 1 to 8');
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
      problems.push(
        `${variable}: 应为大学名称，一行、不超过 60 个字符 / must be the university's name on one line, at most 60 characters`,
      );
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
function parseTrustProxy(value: string | undefined, problems: string[]): false | string[] {
  if (value === undefined || value.trim() === '') return ['loopback'];
  if (value.trim().toLowerCase() === 'none') return false;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const wrong = entries.filter((entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrRange(entry));
  if (wrong.length || entries.length === 0) {
    problems.push(
      `TRUST_PROXY: 应为 none，或以逗号分隔的代理地址、CIDR 网段或 loopback / linklocal / uniquelocal / must be none, or a comma-separated list of proxy addresses, CIDR ranges or loopback, linklocal, uniquelocal; not understood: "${wrong.join('", "') || value}"`,
    );
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
