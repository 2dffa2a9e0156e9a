/** `tables[]`: one hub table, its owner, freshness, scope and fields. */
import { validate as isCronExpression } from 'node-cron';
import { isScalar } from 'yaml';
import { checkDepartment } from './parse-organisation';
import { type FieldContext, readColumn, readDuration, readField, readTableName } from './parse-fields';
import { type AnyNode, type Declared, Reader, at, byKey, item } from './reader';
import type { CatalogField, CatalogTable, SharingClass } from './types';
import { TEXT_LIMITS } from './values';

export const TABLE_KEYS = [
  'name',
  'title',
  'domain',
  'department',
  'system',
  'sharing',
  'key',
  'updated_at',
  'freshness',
  'maintained_in',
  'scope',
  'schedule',
  'fields',
] as const;
export const SHARING_CLASSES: readonly SharingClass[] = ['universal', 'conditional', 'none'];

export interface TableContext extends FieldContext {
  systems: Declared;
}

function readColumns(r: Reader, node: AnyNode, path: string): string[] | null {
  const list = r.seq(node, path);
  if (!list) return null;
  const columns: { value: string; node: AnyNode; path: string }[] = [];
  list.items.forEach((entry, index) => {
    const column = readColumn(r, entry as AnyNode, item(path, index));
    if (column !== null) columns.push({ value: column, node: entry as AnyNode, path: item(path, index) });
  });
  if (list.items.length === 0) {
    r.report(node, path, 'wrong_type', '至少需要一个列名', 'at least one column is needed');
    return null;
  }
  r.duplicates(columns, '列名', 'column');
  return columns.length === list.items.length ? [...new Set(columns.map((c) => c.value))] : null;
}

function readMonths(r: Reader, node: AnyNode, path: string): number[] | null {
  const list = r.seq(node, path);
  if (!list) return null;
  const months: number[] = [];
  let ok = true;
  list.items.forEach((entry, index) => {
    const value = isScalar(entry) ? entry.value : undefined;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 12) {
      if (months.includes(value)) {
        r.report(entry as AnyNode, item(path, index), 'duplicate', `月份 ${value} 重复`, `month ${value} is listed twice`);
      } else months.push(value);
    } else {
      const shown = isScalar(entry) ? String(entry.source ?? entry.value) : '…';
      // A month in quotes ("7") is text: said as such, not as if 7 were no month.
      if (isScalar(entry) && typeof value === 'string' && /^(?:[1-9]|1[0-2])$/.test(value.trim())) {
        r.report(
          entry as AnyNode,
          item(path, index),
          'bad_month',
          `"${value}" 加了引号，是文本：月份应写成不带引号的数字，如 ${value.trim()}`,
          `"${value}" is quoted, so it is text: write the month as a number without quotes, e.g. ${value.trim()}`,
        );
        ok = false;
        return;
      }
      r.report(
        entry as AnyNode,
        item(path, index),
        'bad_month',
        `"${shown}" 不是月份（应为 1–12 的整数）`,
        `"${shown}" is not a month (expected a whole number 1–12)`,
      );
      ok = false;
    }
  });
  if (list.items.length === 0) {
    r.report(
      node,
      path,
      'bad_month',
      '月份列表不能为空（不写 maintained_in 表示每个月）',
      'the list of months must not be empty (leave maintained_in out for every month)',
    );
    return null;
  }
  return ok ? months.sort((a, b) => a - b) : null;
}

function readScope(r: Reader, node: AnyNode, path: string): Record<string, string[]> | null {
  const map = r.map(node, path);
  if (!map) return null;
  const scope: Record<string, string[]> = {};
  let ok = true;
  for (const pair of map.items) {
    const keyNode = pair.key as AnyNode;
    const column = readColumn(r, keyNode, path);
    const p = at(path, column ?? String(isScalar(keyNode) ? keyNode.value : '?'));
    const valueNode = pair.value as AnyNode;
    const values = r.texts(valueNode, p);
    if (values === null) {
      // `texts` reported "expected a list"; say what the whole key needs.
      r.report(
        valueNode ?? map,
        p,
        'bad_scope',
        'scope 应为 {列名: [允许的值, …]}',
        'scope must map each column to a list of allowed values: {column: [value, …]}',
      );
      ok = false;
      continue;
    }
    if (values.length === 0) {
      r.report(valueNode, p, 'bad_scope', '允许值列表不能为空', 'the list of allowed values must not be empty');
      ok = false;
      continue;
    }
    if (column === null) {
      ok = false;
      continue;
    }
    scope[column] = [...new Set(values.map((v) => v.value))];
  }
  return ok ? scope : null;
}

export function readTable(r: Reader, node: AnyNode, path: string, context: TableContext): CatalogTable | null {
  const map = r.map(node, path);
  if (!map) return null;
  const entries = byKey(r.entries(map, path, TABLE_KEYS));
  let ok = true;
  /** Applies a value that was read, or marks the table as failed when reading it reported a problem. */
  const set = <T>(value: T | null, apply: (value: T) => void): void => {
    if (value === null) ok = false;
    else apply(value);
  };

  const nameEntry = r.require(
    entries,
    map,
    path,
    'name',
    '中台表名，如 staff_basic 或 schema.table',
    'hub table name, e.g. staff_basic or schema.table',
  );
  const departmentEntry = r.require(entries, map, path, 'department', '负责部门代码', 'owning department code');
  const sharingEntry = r.require(
    entries,
    map,
    path,
    'sharing',
    'universal | conditional | none',
    'universal | conditional | none',
  );
  const keyEntry = r.require(
    entries,
    map,
    path,
    'key',
    '标识一行的列，如 [staff_no]',
    'columns identifying a row, e.g. [staff_no]',
  );
  if (!nameEntry || !departmentEntry || !sharingEntry || !keyEntry) ok = false;

  const table: CatalogTable = {
    name: '',
    title: null,
    domain: null,
    department: '',
    system: null,
    sharing: 'none',
    key: [],
    updatedAt: null,
    freshness: null,
    maintainedIn: null,
    scope: {},
    schedule: null,
    fields: [],
  };

  for (const [key, entry] of entries) {
    const p = at(path, key);
    const value = entry.value;
    switch (key) {
      case 'name':
        set(readTableName(r, value, p), (v) => (table.name = v));
        break;
      case 'title':
        table.title = r.optionalText(value, p, TEXT_LIMITS.title);
        break;
      case 'domain':
        table.domain = r.optionalText(value, p, TEXT_LIMITS.name);
        break;
      case 'department':
        set(checkDepartment(r, value, p, context.departments), (v) => (table.department = v));
        break;
      case 'sharing':
        set(r.enumValue(value, p, SHARING_CLASSES), (v) => (table.sharing = v));
        break;
      case 'key':
        set(readColumns(r, value, p), (v) => (table.key = v));
        break;
      case 'system': {
        const system = r.optionalText(value, p);
        if (system !== null && context.systems !== null && !context.systems.has(system)) {
          r.report(
            value,
            p,
            'unknown_system',
            `未知的业务系统 "${system}"（应为 systems 中的某个 name）`,
            `unknown system "${system}" (expected a name listed under systems)`,
          );
          ok = false;
        } else table.system = system;
        break;
      }
      case 'updated_at':
        set(readColumn(r, value, p), (v) => (table.updatedAt = v));
        break;
      case 'freshness':
        set(readDuration(r, value, p), (v) => (table.freshness = v));
        break;
      case 'maintained_in':
        set(readMonths(r, value, p), (v) => (table.maintainedIn = v));
        break;
      case 'scope':
        set(readScope(r, value, p), (v) => (table.scope = v));
        break;
      case 'schedule': {
        const schedule = r.text(value, p);
        if (schedule !== null && !isCronExpression(schedule)) {
          r.report(
            value,
            p,
            'bad_schedule',
            `"${schedule}" 不是有效的 cron 表达式（如 "0 3 * * *"）`,
            `"${schedule}" is not a cron expression (e.g. "0 3 * * *")`,
          );
          ok = false;
        } else set(schedule, (v) => (table.schedule = v));
        break;
      }
      case 'fields':
        set(readFields(r, value, p, context), (v) => (table.fields = v));
    }
  }

  if (table.maintainedIn && !table.freshness) {
    r.report(
      entries.get('maintained_in')?.value,
      at(path, 'maintained_in'),
      'missing_key',
      'maintained_in 只对 freshness 生效，但此表没有 freshness',
      'maintained_in only limits freshness, and this table has no freshness',
      'warning',
    );
  }
  checkUpdatedAt(r, map, path, table, entries.has('updated_at'));
  return ok ? table : null;
}

/** Freshness and after_event deadlines read the row timestamp, so they need `updated_at`. */
function checkUpdatedAt(r: Reader, map: AnyNode, path: string, table: CatalogTable, present: boolean): void {
  if (present) return;
  const needs = [
    ...(table.freshness ? ['freshness'] : []),
    ...table.fields.filter((f) => f.deadline?.kind === 'afterEvent').map((f) => `fields ${f.name}.deadline.after_event`),
  ];
  if (needs.length > 0) {
    r.report(
      map,
      at(path, 'updated_at'),
      'missing_updated_at',
      `缺少 updated_at（行时间戳列），${needs.join('、')} 需要它`,
      `missing updated_at (the row timestamp column), needed by ${needs.join(', ')}`,
    );
  } else {
    r.report(
      map,
      at(path, 'updated_at'),
      'missing_updated_at',
      '未写 updated_at（行时间戳列），将无法检查时效性与“更新于…之后”的期限',
      'no updated_at (the row timestamp column): freshness and "updated since" deadlines cannot be checked',
      'warning',
    );
  }
}

function readFields(r: Reader, node: AnyNode, path: string, context: FieldContext): CatalogField[] | null {
  const list = r.seq(node, path);
  if (!list) return null;
  const fields: CatalogField[] = [];
  const names: { value: string; node: AnyNode; path: string }[] = [];
  let ok = true;
  list.items.forEach((entry, index) => {
    const p = item(path, index);
    const field = readField(r, entry as AnyNode, p, context);
    // Names count for duplicates even when something else in the field is wrong, as tables' do: a field listed twice,
    // the first with a mistyped key, was reported only once that key was corrected and the file imported again.
    const nameNode = (entry as { get?: (k: string, keep: true) => AnyNode }).get?.('name', true);
    const name = field?.name ?? (isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : null);
    if (name !== null) names.push({ value: name, node: nameNode ?? (entry as AnyNode), path: at(p, 'name') });
    if (!field) {
      ok = false;
      return;
    }
    fields.push(field);
  });
  r.duplicates(names, '字段名', 'field name');
  caseOnlyFieldNames(r, names);
  return ok ? fields : null;
}

/**
 * Two fields of one table whose names differ only in letter case (Name, name) are one column on a MySQL hub, whose
 * column names ignore case, and two on PostgreSQL only when created with quotes; rules and sharing requests find a
 * field by its name in any case. Likely a slip: warned of (the import goes on), naming both fields and the first's line.
 * Tables so named are an error (sharing requests find tables ignoring case: parse.ts).
 */
function caseOnlyFieldNames(r: Reader, names: { value: string; node: AnyNode; path: string }[]): void {
  const first = new Map<string, { value: string; node: AnyNode; path: string }>();
  for (const entry of names) {
    const earlier = first.get(entry.value.toLowerCase());
    if (earlier === undefined) first.set(entry.value.toLowerCase(), entry);
    else if (earlier.value !== entry.value) {
      const line = r.line(earlier.node);
      r.report(
        entry.node,
        entry.path,
        'field_case',
        `字段名 "${entry.value}" 与同表的字段 "${earlier.value}"（${line === null ? '' : `第 ${line} 行，`}${earlier.path}）仅大小写不同：` +
          'MySQL 中台的列名不区分大小写，两者是同一列；PostgreSQL 中台只有用引号建的列才区分大小写。请确认中台表确有这两列，否则删去其中一个',
        `field name "${entry.value}" differs only in letter case from the same table's field "${earlier.value}" (${line === null ? '' : `line ${line}, `}${earlier.path}): ` +
          'on a MySQL hub column names ignore case, so both are one column; on PostgreSQL they are two only if created with quotes. Make sure the hub table has both, else remove one',
        'warning',
      );
    }
  }
}
