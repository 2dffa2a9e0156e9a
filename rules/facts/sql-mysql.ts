import type { Knex } from 'knex';
import type { TimeKind } from '../hub-schema';
import { quoteIdent, quoteTable } from '../identifiers';
import { localDateTime, offsetMs, zonedInstant } from '../time';
import type { TableErrorCode } from '../types';
import { isConnectionError, Sql, SqlDialect } from './dialect';

function offsetString(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const minutes = Math.abs(Math.round(ms / 60000));
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The hub cannot be had at all, whichever table is asked: no server or connection lost (2002, 2003, 2006, 2013),
 * sign-in refused (1045), the account has no access to the database (1044) or the database does not exist (1049), the
 * host is not allowed (1130), no connection left (1040, 1203). A per-table error would file one notice per table and
 * read as a query problem.
 */
const HUB_UNREACHABLE_ERRNOS = new Set([2002, 2003, 2006, 2013, 1045, 1044, 1049, 1130, 1040, 1203]);

/**
 * MySQL 8 / MariaDB. DATETIME columns are naive: they are compared with bound wall-clock strings
 * computed in the catalog timezone; the session time_zone is set to the catalog's offset so that
 * TIMESTAMP columns read the same way. The newest timestamp is read back as a string (drivers
 * would otherwise reinterpret it in the Node process's zone).
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  projectOnce: false,
  ident: (name) => quoteIdent('mysql', name),
  table: (name) => quoteTable('mysql', name),
  asText: (expr) => `CAST(${expr} AS CHAR)`,
  trimmedText: (expr) => `TRIM(CAST(${expr} AS CHAR))`,
  exact: (expr) => `CAST(${expr} AS BINARY)`,
  countIf: (cond) => `COALESCE(SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`,
  // REGEXP follows the column's collation, usually case-insensitive; (?-i) makes it exact as on PostgreSQL.
  regexMatch: (expr, pattern) => ({ sql: `(${expr} REGEXP ?)`, bindings: [`(?-i)${pattern}`] }),
  substr: (expr, pos, len) => `SUBSTRING(${expr}, ${pos}, ${len})`,
  toInt: (expr) => `CAST(${expr} AS UNSIGNED)`,
  toBigint: (expr) => `CAST(${expr} AS SIGNED)`,
  instant: (column: string, _kind: TimeKind): Sql => ({ sql: column, bindings: [] }),
  instantValue: (at, timezone) => localDateTime(at, timezone),
  newest: (column) => ({ sql: `DATE_FORMAT(MAX(${column}), '%Y-%m-%d %H:%i:%s.%f')`, bindings: [] }),
  // The wall-clock max is read back and converted in Node (readInstant); no instant comparison in SQL.
  newestConvertsMax: false,
  readInstant(value, timezone) {
    if (value === null || value === undefined) return null;
    return zonedInstant(String(value), timezone);
  },
  rows: (result) => (result as [Record<string, unknown>[]])[0],
  async prepare(trx: Knex.Transaction, { timeoutMs, timezone, now }) {
    await trx.raw('SET time_zone = ?', [offsetString(offsetMs(now, timezone))]);
    const version = mysqlDialect.rows(await trx.raw('SELECT VERSION() AS v'))[0]?.v;
    if (/mariadb/i.test(String(version))) {
      await trx.raw('SET SESSION max_statement_time = ?', [Math.max(0.001, timeoutMs / 1000)]);
    } else {
      await trx.raw('SET SESSION max_execution_time = ?', [Math.max(1, Math.round(timeoutMs))]);
    }
  },
  classifyError(err: unknown): TableErrorCode {
    const errno = Number((err as { errno?: number })?.errno ?? 0);
    if (errno === 1969 || errno === 3024 || errno === 1317) return 'timeout';
    if (errno === 1146) return 'table_missing';
    if (errno === 1054) return 'column_missing';
    if (HUB_UNREACHABLE_ERRNOS.has(errno) || isConnectionError(err)) return 'hub_unreachable';
    return 'query_failed';
  },
};
