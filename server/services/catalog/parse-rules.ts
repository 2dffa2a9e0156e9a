/** `rules[]`: extra json-rules-engine rules over one table's facts. */
import { isMap, isSeq, isScalar, type YAMLMap } from 'yaml';
import { builtinChecksOf, FACT_NAMES } from '../../../rules/compile';
import { BUILTIN_CHECKS, type BuiltinCheck } from '../../../rules/types';
import { readColumn, SEVERITIES } from './parse-fields';
import { type AnyNode, Reader, at, byKey, item, suggest } from './reader';
import type { CatalogTable, CustomRule } from './types';
import { TEXT_LIMITS } from './values';

/** json-rules-engine 7's built-in operators: the check engine adds none, and the engine refuses any other. */
export const KNOWN_OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
] as const;

/**
 * Operators as other languages and tools spell them, and the json-rules-engine name each means: by spelling alone
 * `eq` is nearest to `in`, which is not what its author meant.
 */
const OPERATOR_ALIASES: Record<string, (typeof KNOWN_OPERATORS)[number]> = {
  eq: 'equal',
  '=': 'equal',
  '==': 'equal',
  '===': 'equal',
  equals: 'equal',
  ne: 'notEqual',
  neq: 'notEqual',
  '!=': 'notEqual',
  '<>': 'notEqual',
  gt: 'greaterThan',
  '>': 'greaterThan',
  gte: 'greaterThanInclusive',
  ge: 'greaterThanInclusive',
  '>=': 'greaterThanInclusive',
  lt: 'lessThan',
  '<': 'lessThan',
  lte: 'lessThanInclusive',
  le: 'lessThanInclusive',
  '<=': 'lessThanInclusive',
};

const BOOLEAN_KEYS = ['all', 'any', 'not', 'condition'];

/** The params each fact needs (rules/README.md): without them the engine refuses the table's rules. */
const FACT_PARAMS: Record<string, { key: 'field' | 'check'; zh: string; en: string }> = {
  null_count: { key: 'field', zh: '要统计空值的列', en: 'the column whose empty values are counted' },
  null_ratio: { key: 'field', zh: '要统计空值的列', en: 'the column whose empty values are counted' },
  violations: { key: 'check', zh: '内置检查名，如 required', en: 'a built-in check, e.g. required' },
  checked_rows: { key: 'check', zh: '内置检查名，如 required', en: 'a built-in check, e.g. required' },
};

/**
 * A fact a condition reads (`fact`, or a `value: {fact, params}` compared with): one the check engine
 * provides, with the params it needs. The engine refuses an unknown fact, or a fact without its params,
 * for the whole table — none of its checks would run — so the import refuses them instead.
 */
function checkFact(r: Reader, map: YAMLMap, path: string, refs: CheckRef[]): boolean {
  const entries = new Map<string, AnyNode>();
  for (const pair of map.items) if (isScalar(pair.key)) entries.set(String(pair.key.value), pair.value as AnyNode);
  const factNode = entries.get('fact');
  const fact = r.text(factNode, at(path, 'fact'));
  if (fact === null) return false;
  if (!(FACT_NAMES as readonly string[]).includes(fact)) {
    const guess = suggest(fact, FACT_NAMES);
    r.report(
      factNode,
      at(path, 'fact'),
      'unknown_fact',
      `未知的事实 "${fact}"${guess ? `，是否应为 "${guess}"？` : ''}（可用：${FACT_NAMES.join('、')}）`,
      `unknown fact "${fact}"${guess ? ` (did you mean "${guess}"?)` : ''}; available: ${FACT_NAMES.join(', ')}`,
    );
    return false;
  }
  const needs = FACT_PARAMS[fact];
  const paramsNode = entries.get('params');
  if (paramsNode !== undefined && !isMap(paramsNode)) {
    r.wrongType(paramsNode, at(path, 'params'), '映射', 'a map');
    return false;
  }
  if (!needs) return true;
  const p = at(path, 'params');
  const valueNode = isMap(paramsNode) ? (paramsNode.get(needs.key, true) as AnyNode) : undefined;
  if (valueNode === undefined) {
    r.report(
      paramsNode ?? map,
      at(p, needs.key),
      'missing_key',
      `事实 ${fact} 需要 params.${needs.key}（${needs.zh}）`,
      `the fact ${fact} needs params.${needs.key} (${needs.en})`,
    );
    return false;
  }
  if (needs.key === 'field') return readColumn(r, valueNode, at(p, 'field')) !== null;
  const check = r.text(valueNode, at(p, 'check'));
  if (check === null) return false;
  if ((BUILTIN_CHECKS as readonly string[]).includes(check)) {
    const field = isMap(paramsNode) ? (paramsNode.get('field', true) as AnyNode) : undefined;
    if (field === undefined || (isScalar(field) && field.value === null)) {
      refs.push({ check: check as BuiltinCheck, field: null, node: valueNode, path: at(p, 'check') });
      return true;
    }
    const column = readColumn(r, field, at(p, 'field'));
    if (column === null) return false;
    refs.push({ check: check as BuiltinCheck, field: column, node: field, path: at(p, 'field') });
    return true;
  }
  const guess = suggest(check, BUILTIN_CHECKS);
  r.report(
    valueNode,
    at(p, 'check'),
    'bad_enum',
    `"${check}" 不是内置检查，应为 ${BUILTIN_CHECKS.join(' | ')} 之一${guess ? `（是否应为 "${guess}"？）` : ''}`,
    `"${check}" is not a built-in check; expected one of ${BUILTIN_CHECKS.join(' | ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
  );
  return false;
}
const LEAF_KEYS = ['fact', 'operator', 'value', 'params', 'path', 'name', 'priority'];

/**
 * A condition is `{all: [...]}`, `{any: [...]}`, `{not: {...}}`, `{condition: "shared-name"}` or a leaf
 * `{fact, operator, value}` — the shapes json-rules-engine accepts. At the top level a leaf is not
 * allowed (json-rules-engine requires all/any/not/condition there).
 */
function checkCondition(r: Reader, node: AnyNode, path: string, topLevel: boolean, refs: CheckRef[]): boolean {
  const map = r.map(node, path);
  if (!map) return false;
  const keys = map.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''));
  const boolean = keys.filter((k) => BOOLEAN_KEYS.includes(k));
  if (boolean.length > 1) {
    r.report(
      map,
      path,
      'bad_rule_conditions',
      `条件只能有 all、any、not、condition 之一，实际有 ${boolean.join('、')}`,
      `a condition has exactly one of all, any, not or condition; found ${boolean.join(', ')}`,
    );
    return false;
  }
  if (boolean.length === 1) {
    const key = boolean[0];
    const entries = byKey(r.entries(map, path, [key, 'name', 'priority']));
    const value = entries.get(key)?.value;
    const p = at(path, key);
    if (key === 'condition') {
      // A shared condition is defined with engine.setCondition, which a catalog cannot do: the engine would
      // refuse the rule ("No condition … exists") and with it every check of the table.
      if (r.text(value, p) === null) return false;
      r.report(
        value,
        p,
        'bad_rule_conditions',
        '目录中不能引用共享条件（condition）：请把条件直接写成 {fact, operator, value}',
        'a catalog cannot refer to shared conditions (condition): write the condition out as {fact, operator, value}',
      );
      return false;
    }
    if (key === 'not') return checkCondition(r, value, p, false, refs);
    if (!isSeq(value)) {
      r.report(value ?? map, p, 'bad_rule_conditions', `${key} 应为条件列表`, `${key} must be a list of conditions`);
      return false;
    }
    return value.items.map((child, index) => checkCondition(r, child as AnyNode, item(p, index), false, refs)).every(Boolean);
  }
  if (topLevel) {
    r.report(
      map,
      path,
      'bad_rule_conditions',
      '顶层条件必须是 all、any、not 或 condition 之一，如 {all: [{fact, operator, value}]}',
      'the top level must be all, any, not or condition, e.g. {all: [{fact, operator, value}]}',
    );
    return false;
  }
  const entries = byKey(r.entries(map, path, LEAF_KEYS));
  let ok = true;
  for (const key of ['fact', 'operator', 'value']) {
    if (!entries.has(key)) {
      r.report(
        map,
        at(path, key),
        'bad_rule_conditions',
        `条件缺少 "${key}"（应为 {fact, operator, value}）`,
        `the condition lacks "${key}" (expected {fact, operator, value})`,
      );
      ok = false;
    }
  }
  if (entries.has('fact') && !checkFact(r, map, path, refs)) ok = false;
  const value = entries.get('value')?.value;
  if (isMap(value) && value.has('fact') && !checkFact(r, value, at(path, 'value'), refs)) ok = false;
  const operator = entries.get('operator');
  const operatorName = operator ? r.text(operator.value, at(path, 'operator')) : null;
  if (operator && operatorName === null) ok = false;
  if (operatorName !== null && !(KNOWN_OPERATORS as readonly string[]).includes(operatorName)) {
    const guess = OPERATOR_ALIASES[operatorName.toLowerCase()] ?? suggest(operatorName, KNOWN_OPERATORS);
    r.report(
      operator?.value,
      at(path, 'operator'),
      'unknown_operator',
      `"${operatorName}" 不是 json-rules-engine 的内置运算符${guess ? `（是否应为 "${guess}"？）` : ''}`,
      `"${operatorName}" is not a built-in json-rules-engine operator${guess ? ` (did you mean "${guess}"?)` : ''}`,
    );
    ok = false;
  }
  return ok;
}

function readEvent(r: Reader, node: AnyNode, path: string): CustomRule['event'] | null {
  const map = r.map(node, path);
  if (!map) return null;
  const entries = byKey(r.entries(map, path, ['type', 'params']));
  const typeEntry = r.require(entries, map, path, 'type', '事件类型，如 ticket', 'event type, e.g. ticket');
  const type = typeEntry ? r.text(typeEntry.value, at(path, 'type')) : null;
  if (type === null) return null;
  const params = entries.get('params');
  if (!params) return { type };
  const p = at(path, 'params');
  const paramsMap = r.map(params.value, p);
  if (!paramsMap) return null;
  let ok = true;
  const severity = paramsMap.get('severity', true) as AnyNode;
  if (severity !== undefined && r.enumValue(severity, at(p, 'severity'), SEVERITIES) === null) ok = false;
  const message = paramsMap.get('message', true) as AnyNode;
  if (message !== undefined && r.text(message, at(p, 'message')) === null) ok = false;
  return ok ? { type, params: paramsMap.toJSON() as NonNullable<CustomRule['event']['params']> } : null;
}

/** A built-in check a rule's `violations` / `checked_rows` names, where it names it. */
interface CheckRef {
  check: BuiltinCheck;
  field: string | null;
  node: AnyNode;
  path: string;
}

/**
 * A check a rule's fact names that its table does not get (a field without that check, a `required` field checked by
 * its deadline, a field name in another case): the fact would be null on every run and the rule never fire, with
 * nothing to tell the catalog's author. Named at its line with the checks the field (or the table) has.
 */
function checkRefsOfTable(r: Reader, refs: CheckRef[], table: CatalogTable): void {
  const has = builtinChecksOf(table);
  for (const ref of refs) {
    if (has.some((c) => c.check === ref.check && c.field === ref.field)) continue;
    const ofField = has.filter((c) => c.field === ref.field).map((c) => c.check);
    const where = ref.field === null ? `表 ${table.name} ` : `表 ${table.name} 的字段 ${ref.field} `;
    const whereEn = ref.field === null ? `table ${table.name}` : `field ${ref.field} of table ${table.name}`;
    const field = ref.field === null ? null : table.fields.find((f) => f.name.toLowerCase() === ref.field!.toLowerCase());
    const hint =
      ref.field !== null && !table.fields.some((f) => f.name === ref.field)
        ? field
          ? [`字段名区分大小写，是否应为 "${field.name}"？`, `field names are case-sensitive: did you mean "${field.name}"?`]
          : [`表 ${table.name} 的 fields 中没有此字段`, `table ${table.name} declares no such field`]
        : ofField.length
          ? [`它的检查为 ${ofField.join('、')}`, `its checks are ${ofField.join(', ')}`]
          : [`它没有内置检查`, `it has no built-in check`];
    const deadlineHint =
      ref.check === 'required' && ofField.includes('deadline')
        ? [
            '（有 deadline 的字段，其缺失由 deadline 检查）',
            ' (a field with a deadline is checked for missing values by deadline)',
          ]
        : ['', ''];
    r.report(
      ref.node,
      ref.path,
      'unknown_check',
      `${where}没有 ${ref.check} 检查，事实的值将始终为空、规则永远不会触发：${hint[0]}${deadlineHint[0]}`,
      `${whereEn} has no ${ref.check} check, so the fact is always null and the rule never fires: ${hint[1]}${deadlineHint[1]}`,
    );
  }
}

export function readRules(
  r: Reader,
  node: AnyNode,
  path: string,
  tables: Set<string>,
  parsed: CatalogTable[] = [],
): CustomRule[] {
  if (node === undefined) return [];
  const list = r.seq(node, path);
  if (!list) return [];
  const rules: CustomRule[] = [];
  const names: { value: string; node: AnyNode; path: string }[] = [];
  list.items.forEach((entryNode, index) => {
    const p = item(path, index);
    const map = r.map(entryNode as AnyNode, p);
    if (!map) return;
    const entries = byKey(r.entries(map, p, ['name', 'table', 'conditions', 'event', 'priority']));
    const nameEntry = r.require(entries, map, p, 'name', '规则名', 'rule name');
    const tableEntry = r.require(entries, map, p, 'table', '规则所检查的表', 'the table the rule checks');
    const conditionsEntry = r.require(entries, map, p, 'conditions', 'json-rules-engine 条件', 'json-rules-engine conditions');
    const eventEntry = r.require(
      entries,
      map,
      p,
      'event',
      '如 {type: ticket, params: {severity, message}}',
      'e.g. {type: ticket, params: {severity, message}}',
    );
    const name = nameEntry ? r.text(nameEntry.value, at(p, 'name'), TEXT_LIMITS.ruleName) : null;
    if (name !== null) names.push({ value: name, node: nameEntry?.value, path: at(p, 'name') });
    let table = tableEntry ? r.text(tableEntry.value, at(p, 'table')) : null;
    if (table !== null && !tables.has(table)) {
      r.report(
        tableEntry?.value,
        at(p, 'table'),
        'unknown_table',
        `规则引用的表 "${table}" 不在目录的 tables 中`,
        `the rule names table "${table}", which is not under tables`,
      );
      table = null;
    }
    const refs: CheckRef[] = [];
    let conditionsOk = conditionsEntry ? checkCondition(r, conditionsEntry.value, at(p, 'conditions'), true, refs) : false;
    // Against the table as parsed (not when the table itself has errors: those are reported at the table).
    const tableParsed = table === null ? undefined : parsed.find((t) => t.name === table);
    if (conditionsOk && tableParsed) {
      const before = r.problems.length;
      checkRefsOfTable(r, refs, tableParsed);
      if (r.problems.length > before) conditionsOk = false;
    }
    const event = eventEntry ? readEvent(r, eventEntry.value, at(p, 'event')) : null;
    let priority: number | undefined;
    const priorityEntry = entries.get('priority');
    if (priorityEntry) {
      const value = isScalar(priorityEntry.value) ? priorityEntry.value.value : undefined;
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1) priority = value;
      else {
        r.wrongType(priorityEntry.value, at(p, 'priority'), '不小于 1 的整数', 'a whole number ≥ 1');
        return;
      }
    }
    if (name === null || table === null || !conditionsOk || !event || !conditionsEntry) return;
    const rule: CustomRule = {
      name,
      table,
      conditions: (conditionsEntry.value as { toJSON(): Record<string, unknown> }).toJSON(),
      event,
    };
    if (priority !== undefined) rule.priority = priority;
    rules.push(rule);
  });
  r.duplicates(names, '规则名', 'rule name');
  return rules;
}
