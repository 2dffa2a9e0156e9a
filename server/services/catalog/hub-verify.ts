/**
 * Compares a parsed catalog with the hub it describes: every table and column the catalog names must
 * exist there (tables and views, as information_schema lists them). Missing ones are warnings — the
 * hub may be filled later — or errors with `strict`. An unreachable hub is ONE warning: the catalog
 * itself may still be fine, and the IT office may import before the hub is connected.
 */
import type { Knex } from 'knex';
import { LineCounter, parseDocument } from 'yaml';
import type { Hub } from '../../hub';
import type { CatalogProblem, ProblemSeverity } from './problems';
import type { Catalog } from './types';

/** Problem codes of the hub comparison; they extend the parser's `CatalogProblemCode`. */
export type HubProblemCode = 'hub_table_missing' | 'hub_column_missing' | 'hub_unreachable';

export type ImportProblem = Omit<CatalogProblem, 'code'> & { code: CatalogProblem['code'] | HubProblemCode };

/** What the catalog expects to find in the hub: a table, or one of its columns, at a YAML path. */
interface Mention {
  table: string;
  column: string | null;
  /** YAML path segments, to find the line. */
  segments: (string | number)[];
  path: string;
}

function mentions(catalog: Catalog): Mention[] {
  const result: Mention[] = [];
  catalog.tables.forEach((table, i) => {
    const base = `tables[${i}]`;
    const at = (column: string, segments: (string | number)[], path: string) =>
      result.push({ table: table.name, column, segments: ['tables', i, ...segments], path: `${base}.${path}` });
    result.push({ table: table.name, column: null, segments: ['tables', i, 'name'], path: `${base}.name` });
    table.key.forEach((column, k) => at(column, ['key', k], `key[${k}]`));
    if (table.updatedAt) at(table.updatedAt, ['updated_at'], 'updated_at');
    for (const column of Object.keys(table.scope)) at(column, ['scope', column], `scope.${column}`);
    table.fields.forEach((field, f) => {
      const fieldPath = `fields[${f}]`;
      at(field.name, ['fields', f, 'name'], `${fieldPath}.name`);
      if (field.deadline?.kind === 'after')
        at(field.deadline.column, ['fields', f, 'deadline', 'after'], `${fieldPath}.deadline.after`);
      if (field.references) {
        result.push({
          table: field.references.table,
          column: field.references.column,
          segments: ['tables', i, 'fields', f, 'references'],
          path: `${base}.${fieldPath}.references`,
        });
      }
      if (field.codes?.kind === 'hub') {
        result.push({
          table: field.codes.table,
          column: null,
          segments: ['tables', i, 'fields', f, 'codes', 'table'],
          path: `${base}.${fieldPath}.codes.table`,
        });
        result.push({
          table: field.codes.table,
          column: field.codes.column,
          segments: ['tables', i, 'fields', f, 'codes', 'column'],
          path: `${base}.${fieldPath}.codes.column`,
        });
      }
    });
  });
  catalog.rules.forEach((rule, i) => {
    // null_count / null_ratio read a column of the rule's table: one the hub lacks fails the table's checks.
    const walk = (node: unknown, segments: (string | number)[]): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        node.forEach((child, k) => walk(child, [...segments, k]));
        return;
      }
      const n = node as Record<string, unknown>;
      const params = n.params as Record<string, unknown> | undefined;
      if ((n.fact === 'null_count' || n.fact === 'null_ratio') && typeof params?.field === 'string') {
        const at = [...segments, 'params', 'field'];
        result.push({ table: rule.table, column: params.field, segments: at, path: pathOf(at) });
      }
      for (const key of ['all', 'any', 'not', 'value']) if (key in n) walk(n[key], [...segments, key]);
    };
    walk(rule.conditions, ['rules', i, 'conditions']);
  });
  return result;
}

/** `rules[0].conditions.all[1].params.field` from its segments. */
function pathOf(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Line (1-based) of the node at `segments`, else of the nearest ancestor that has one. */
export function lineFinder(yamlText: string): (segments: (string | number)[]) => number | null {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines });
  return (segments) => {
    for (let n = segments.length; n > 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lines.linePos(node.range[0]).line;
    }
    return null;
  };
}

type Columns = Map<string, Set<string>>;

/** Columns of the named tables, keyed by the catalog's table name; lower-cased on MySQL (case-insensitive). */
async function hubColumns(knex: Knex, dialect: Hub['dialect'], tableNames: string[]): Promise<Columns> {
  const fold = (s: string) => (dialect === 'mysql' ? s.toLowerCase() : s);
  const current = dialect === 'postgres' ? 'current_schema()' : 'database()';
  const bare = [...new Set(tableNames.map((n) => (n.includes('.') ? n.slice(n.indexOf('.') + 1) : n)))];
  const res = await knex.raw(
    `SELECT table_schema AS table_schema, table_name AS table_name, column_name AS column_name, ${current} AS current_schema
     FROM information_schema.columns WHERE table_name IN (${bare.map(() => '?').join(', ')})`,
    bare,
  );
  const rows: { table_schema: string; table_name: string; column_name: string; current_schema: string }[] =
    dialect === 'postgres' ? res.rows : res[0];
  const result: Columns = new Map();
  for (const name of tableNames) {
    const dot = name.indexOf('.');
    const schema = dot < 0 ? null : name.slice(0, dot);
    const table = dot < 0 ? name : name.slice(dot + 1);
    const matching = rows.filter(
      (r) => fold(r.table_name) === fold(table) && fold(r.table_schema) === fold(schema ?? r.current_schema),
    );
    if (matching.length > 0) result.set(name, new Set(matching.map((r) => fold(r.column_name))));
  }
  return result;
}

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** Every table and column of the catalog that the hub lacks, with its line and path. */
export async function verifyAgainstHub(
  hub: Hub,
  catalog: Catalog,
  yamlText: string,
  opts: { strict?: boolean } = {},
): Promise<ImportProblem[]> {
  const severity: ProblemSeverity = opts.strict ? 'error' : 'warning';
  const wanted = mentions(catalog);
  if (wanted.length === 0) return [];
  let columns: Columns;
  try {
    columns = await hubColumns(hub.knex, hub.dialect, [...new Set(wanted.map((m) => m.table))]);
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    return [
      {
        line: null,
        path: '',
        code: 'hub_unreachable',
        severity: 'warning',
        message: text(
          `无法连接数据中台（${hub.label}），未核对表和字段是否存在：${reason}`,
          `could not reach the hub (${hub.label}), so tables and columns were not checked: ${reason}`,
        ),
      },
    ];
  }
  const lineOf = lineFinder(yamlText);
  const fold = (s: string) => (hub.dialect === 'mysql' ? s.toLowerCase() : s);
  const problems: ImportProblem[] = [];
  const reported = new Set<string>();
  for (const m of wanted) {
    const tableColumns = columns.get(m.table);
    // A missing table is reported once, where the catalog declares or first names it.
    if (!tableColumns) {
      if (reported.has(m.table)) continue;
      reported.add(m.table);
      problems.push({
        line: lineOf(m.segments),
        path: m.path,
        code: 'hub_table_missing',
        severity,
        message: text(`数据中台中没有表 "${m.table}"`, `the hub has no table "${m.table}"`),
      });
      continue;
    }
    if (m.column !== null && !tableColumns.has(fold(m.column))) {
      problems.push({
        line: lineOf(m.segments),
        path: m.path,
        code: 'hub_column_missing',
        severity,
        message: text(`数据中台的表 "${m.table}" 中没有字段 "${m.column}"`, `hub table "${m.table}" has no column "${m.column}"`),
      });
    }
  }
  return problems;
}
