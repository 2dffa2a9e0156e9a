/** `rules[]`: extra json-rules-engine rules over one table's facts. */
import { isMap, isSeq, isScalar } from 'yaml';
import { SEVERITIES } from './parse-fields';
import { type AnyNode, Reader, at, byKey, item, suggest } from './reader';
import type { CustomRule } from './types';
import { TEXT_LIMITS } from './values';

/** json-rules-engine 7's built-in operators; the check engine may add more, so others only warn. */
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

const BOOLEAN_KEYS = ['all', 'any', 'not', 'condition'];
const LEAF_KEYS = ['fact', 'operator', 'value', 'params', 'path', 'name', 'priority'];

/**
 * A condition is `{all: [...]}`, `{any: [...]}`, `{not: {...}}`, `{condition: "shared-name"}` or a leaf
 * `{fact, operator, value}` — the shapes json-rules-engine accepts. At the top level a leaf is not
 * allowed (json-rules-engine requires all/any/not/condition there).
 */
function checkCondition(r: Reader, node: AnyNode, path: string, topLevel: boolean): boolean {
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
    if (key === 'condition') return r.text(value, p) !== null;
    if (key === 'not') return checkCondition(r, value, p, false);
    if (!isSeq(value)) {
      r.report(value ?? map, p, 'bad_rule_conditions', `${key} 应为条件列表`, `${key} must be a list of conditions`);
      return false;
    }
    return value.items.map((child, index) => checkCondition(r, child as AnyNode, item(p, index), false)).every(Boolean);
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
  const fact = entries.get('fact');
  if (fact && r.text(fact.value, at(path, 'fact')) === null) ok = false;
  const operator = entries.get('operator');
  const operatorName = operator ? r.text(operator.value, at(path, 'operator')) : null;
  if (operator && operatorName === null) ok = false;
  if (operatorName !== null && !(KNOWN_OPERATORS as readonly string[]).includes(operatorName)) {
    const guess = suggest(operatorName, KNOWN_OPERATORS);
    r.report(
      operator?.value,
      at(path, 'operator'),
      'unknown_operator',
      `"${operatorName}" 不是 json-rules-engine 的内置运算符${guess ? `（是否应为 "${guess}"？）` : ''}`,
      `"${operatorName}" is not a built-in json-rules-engine operator${guess ? ` (did you mean "${guess}"?)` : ''}`,
      'warning',
    );
  }
  const params = entries.get('params');
  if (params && !isMap(params.value)) {
    r.wrongType(params.value, at(path, 'params'), '映射', 'a map');
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

export function readRules(r: Reader, node: AnyNode, path: string, tables: Set<string>): CustomRule[] {
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
    const conditionsOk = conditionsEntry ? checkCondition(r, conditionsEntry.value, at(p, 'conditions'), true) : false;
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
