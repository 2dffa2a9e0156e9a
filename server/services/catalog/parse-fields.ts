/** `fields[]` of a table: ownership, checks and deadlines of one column. */
import { isMap, isSeq } from 'yaml';
import { isBuiltinCodeList, BUILTIN_CODE_LISTS } from './code-lists';
import { checkDepartment } from './parse-organisation';
import { type AnyNode, type Declared, Reader, at, byKey, suggest } from './reader';
import type { CatalogField, CodeList, Deadline, Duration, Severity, Validator } from './types';
import { TEXT_LIMITS, checkPattern, isColumnIdentifier, isTableIdentifier, parseDuration, splitColumnReference } from './values';

export const FIELD_KEYS = [
  'name',
  'title',
  'department',
  'required',
  'unique',
  'pattern',
  'validate',
  'codes',
  'references',
  'sensitive',
  'severity',
  'deadline',
] as const;
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];
export const VALIDATORS: readonly Validator[] = ['cn_id_card', 'cn_mobile', 'email', 'date'];

/** A table another key names; checked against the catalog's tables once all are read. */
export interface TableMention {
  table: string;
  node: AnyNode;
  path: string;
}

export interface FieldContext {
  departments: Declared;
  events: Declared;
  tableMentions: TableMention[];
}

export function readColumn(r: Reader, node: AnyNode, path: string): string | null {
  const name = r.text(node, path);
  return name === null ? null : checkColumnName(r, name, node, path);
}

function checkColumnName(r: Reader, name: string, node: AnyNode, path: string): string | null {
  if (isColumnIdentifier(name)) return name;
  r.report(
    node,
    path,
    'bad_identifier',
    `"${name}" 不是合法的列名（字母或下划线开头，仅含字母、数字、_、$，最长 63 个字符）`,
    `"${name}" is not a valid column name (a letter or _ first, then letters, digits, _ or $; at most 63 characters)`,
  );
  return null;
}

export function readTableName(r: Reader, node: AnyNode, path: string): string | null {
  const name = r.text(node, path);
  return name === null ? null : checkTableName(r, name, node, path);
}

function checkTableName(r: Reader, name: string, node: AnyNode, path: string): string | null {
  if (isTableIdentifier(name)) return name;
  r.report(
    node,
    path,
    'bad_identifier',
    `"${name}" 不是合法的表名（table 或 schema.table，字母或下划线开头，仅含字母、数字、_、$）`,
    `"${name}" is not a valid table name (table or schema.table; a letter or _ first, then letters, digits, _ or $)`,
  );
  return null;
}

export function readDuration(r: Reader, node: AnyNode, path: string): Duration | null {
  const text = r.text(node, path);
  if (text === null) return null;
  const duration = parseDuration(text);
  if (duration) return duration;
  r.report(
    node,
    path,
    'bad_duration',
    `"${text}" 不是有效的时长（如 24h、7d 或 5wd）`,
    `"${text}" is not a duration (24h, 7d or 5wd)`,
  );
  return null;
}

function readPattern(r: Reader, node: AnyNode, path: string): string | null {
  const pattern = r.text(node, path);
  if (pattern === null) return null;
  const problem = checkPattern(pattern);
  if (!problem) return pattern;
  r.report(node, path, 'bad_pattern', `正则表达式“${pattern}”${problem.zh}`, `regular expression "${pattern}"${problem.en}`);
  return null;
}

/** `table.column` (or `{table, column}`); the table must be in the catalog. */
function readColumnRef(r: Reader, node: AnyNode, path: string, context: FieldContext): { table: string; column: string } | null {
  let tableNode: AnyNode = node;
  let table: string | null;
  let column: string | null;
  if (isMap(node)) {
    const entries = byKey(r.entries(node, path, ['table', 'column']));
    const tableEntry = r.require(entries, node, path, 'table', '表名', 'table name');
    const columnEntry = r.require(entries, node, path, 'column', '列名', 'column name');
    if (!tableEntry || !columnEntry) return null;
    tableNode = tableEntry.value;
    table = readTableName(r, tableNode, at(path, 'table'));
    column = readColumn(r, columnEntry.value, at(path, 'column'));
  } else {
    const text = r.text(node, path);
    if (text === null) return null;
    const parts = splitColumnReference(text);
    if (!parts) {
      r.report(
        node,
        path,
        'bad_reference',
        `"${text}" 应写作 表名.列名，如 org_unit.unit_code`,
        `"${text}" should be table.column, e.g. org_unit.unit_code`,
      );
      return null;
    }
    table = checkTableName(r, parts.table, node, path);
    column = table === null ? null : checkColumnName(r, parts.column, node, path);
  }
  if (table === null || column === null) return null;
  context.tableMentions.push({ table, node: tableNode, path: isMap(node) ? at(path, 'table') : path });
  return { table, column };
}

function readCodes(r: Reader, node: AnyNode, path: string, context: FieldContext): CodeList | null {
  if (isSeq(node)) {
    const values = r.texts(node, path);
    if (!values) return null;
    if (values.length === 0) {
      r.report(node, path, 'wrong_type', '代码列表不能为空', 'the list of codes must not be empty');
      return null;
    }
    r.duplicates(values, '代码', 'code');
    return { kind: 'inline', values: [...new Set(values.map((v) => v.value))] };
  }
  if (isMap(node)) {
    const ref = readColumnRef(r, node, path, context);
    return ref ? { kind: 'hub', table: ref.table, column: ref.column } : null;
  }
  const name = r.text(node, path);
  if (name === null) return null;
  if (isBuiltinCodeList(name)) return { kind: 'builtin', name };
  const known = Object.keys(BUILTIN_CODE_LISTS);
  const guess = suggest(name, known);
  r.report(
    node,
    path,
    'unknown_code_list',
    `未知的代码表 "${name}"${guess ? `（是否应为 "${guess}"？）` : ''}；内置：${known.join('、')}；也可写代码列表或 {table, column}`,
    `unknown code list "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; built in: ${known.join(', ')}; or give a list of codes or {table, column}`,
  );
  return null;
}

function readDeadline(r: Reader, node: AnyNode, path: string, context: FieldContext): Deadline | null {
  const map = r.map(node, path);
  if (!map) return null;
  const entries = byKey(r.entries(map, path, ['after', 'after_event', 'within']));
  const after = entries.get('after');
  const afterEvent = entries.get('after_event');
  const withinEntry = r.require(entries, map, path, 'within', '时长，如 7d', 'a duration such as 7d');
  const within = withinEntry ? readDuration(r, withinEntry.value, at(path, 'within')) : null;
  if (after && afterEvent) {
    r.report(
      map,
      path,
      'bad_deadline',
      '期限只能有 after 或 after_event 之一',
      'a deadline has either after or after_event, not both',
    );
    return null;
  }
  if (!after && !afterEvent) {
    r.report(
      map,
      path,
      'bad_deadline',
      '期限需要 after（列名）或 after_event（日历事件）',
      'a deadline needs after (a column) or after_event (a calendar event)',
    );
    return null;
  }
  if (after) {
    const column = readColumn(r, after.value, at(path, 'after'));
    return column !== null && within ? { kind: 'after', column, within } : null;
  }
  const eventPath = at(path, 'after_event');
  const event = r.text(afterEvent?.value, eventPath);
  if (event === null) return null;
  if (context.events !== null && !context.events.has(event)) {
    const guess = suggest(event, [...context.events]);
    r.report(
      afterEvent?.value,
      eventPath,
      'unknown_event',
      `未知的事件 "${event}"${guess ? `（是否应为 "${guess}"？）` : ''}（应为 calendar.events 中的名称）`,
      `unknown event "${event}"${guess ? ` (did you mean "${guess}"?)` : ''} (expected a name under calendar.events)`,
    );
    return null;
  }
  return within ? { kind: 'afterEvent', event, within } : null;
}

export function readField(r: Reader, node: AnyNode, path: string, context: FieldContext): CatalogField | null {
  const map = r.map(node, path);
  if (!map) return null;
  const entries = byKey(r.entries(map, path, FIELD_KEYS));
  const field: CatalogField = {
    name: '',
    title: null,
    department: null,
    required: false,
    unique: false,
    pattern: null,
    validate: null,
    codes: null,
    references: null,
    sensitive: false,
    severity: 'medium',
    deadline: null,
  };
  let ok = true;
  const nameEntry = r.require(entries, map, path, 'name', '列名', 'the column name');
  const name = nameEntry ? readColumn(r, nameEntry.value, at(path, 'name')) : null;
  if (name === null) ok = false;
  else field.name = name;

  for (const [key, entry] of entries) {
    const p = at(path, key);
    const value = entry.value;
    const set = <T>(v: T | null, apply: (v: T) => void): void => {
      if (v === null) ok = false;
      else apply(v);
    };
    switch (key) {
      case 'title':
        field.title = r.optionalText(value, p, TEXT_LIMITS.title);
        break;
      case 'department':
        set(checkDepartment(r, value, p, context.departments), (v) => (field.department = v));
        break;
      case 'required':
        set(r.bool(value, p), (v) => (field.required = v));
        break;
      case 'unique':
        set(r.bool(value, p), (v) => (field.unique = v));
        break;
      case 'sensitive':
        set(r.bool(value, p), (v) => (field.sensitive = v));
        break;
      case 'pattern':
        set(readPattern(r, value, p), (v) => (field.pattern = v));
        break;
      case 'validate': {
        const validator = r.text(value, p);
        if (validator !== null && !(VALIDATORS as readonly string[]).includes(validator)) {
          const guess = suggest(validator, VALIDATORS);
          r.report(
            value,
            p,
            'unknown_validator',
            `未知的校验 "${validator}"${guess ? `（是否应为 "${guess}"？）` : ''}，应为 ${VALIDATORS.join(' | ')} 之一`,
            `unknown validator "${validator}"${guess ? ` (did you mean "${guess}"?)` : ''}; expected one of ${VALIDATORS.join(' | ')}`,
          );
          ok = false;
        } else set(validator as Validator | null, (v) => (field.validate = v));
        break;
      }
      case 'codes':
        set(readCodes(r, value, p, context), (v) => (field.codes = v));
        break;
      case 'references':
        set(readColumnRef(r, value, p, context), (v) => (field.references = v));
        break;
      case 'severity':
        set(r.enumValue(value, p, SEVERITIES), (v) => (field.severity = v));
        break;
      case 'deadline':
        set(readDeadline(r, value, p, context), (v) => (field.deadline = v));
        break;
    }
  }
  return ok ? field : null;
}
