import type { HubDialectName } from './types';

/**
 * Quoting of identifiers that come from the catalog. Every name is first checked against the hub's own
 * catalog (hub-schema.ts: pg_catalog on PostgreSQL, information_schema on MySQL), then quoted here — never
 * interpolated raw.
 *
 * `?` is refused: knex (and mysql2) treat a `?` anywhere in SQL text as a value placeholder, even
 * inside a quoted identifier, so such a name could shift the bindings. NUL is refused by both servers.
 */
export class IdentifierError extends Error {}

export function assertUsableName(name: string): void {
  if (name.length === 0) throw new IdentifierError('空名称 / empty name');
  if (name.includes('?') || name.includes('\0')) {
    throw new IdentifierError(
      `名称 "${name}" 含有不支持的字符（? 或 NUL）/ name "${name}" contains an unsupported character (? or NUL)`,
    );
  }
}

export function quoteIdent(dialect: HubDialectName, name: string): string {
  assertUsableName(name);
  return dialect === 'postgres' ? `"${name.replace(/"/g, '""')}"` : `\`${name.replace(/`/g, '``')}\``;
}

/** `schema.table` → { schema, table }; a name without a dot lives in the connection's default schema. */
export function splitTableName(name: string): { schema: string | null; table: string } {
  const dot = name.indexOf('.');
  return dot < 0 ? { schema: null, table: name } : { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** Quotes schema and table separately: `a.b` → "a"."b". */
export function quoteTable(dialect: HubDialectName, name: string): string {
  const { schema, table } = splitTableName(name);
  return schema === null ? quoteIdent(dialect, table) : `${quoteIdent(dialect, schema)}.${quoteIdent(dialect, table)}`;
}
