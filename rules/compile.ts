import type { RuleProperties, TopLevelCondition } from 'json-rules-engine';
import type { CatalogTable, CustomRule } from '../server/services/catalog/types';
import type { BuiltinCheck } from './types';

/**
 * Catalog → json-rules-engine rules. Every built-in check becomes "violations(check, field) > 0 →
 * the check fails"; custom `rules[]` are added as they are, named `rule:<name>`. The verdicts come
 * from the engine run over the table's facts (engine.ts), never from ad-hoc comparisons.
 */

/** Facts a rule may use (see rules/README.md). */
export const FACT_NAMES = [
  'row_count',
  'row_count_previous',
  'row_count_change',
  'hours_since_update',
  'newest_update',
  'null_count',
  'null_ratio',
  'violations',
  'checked_rows',
] as const;
export type FactName = (typeof FACT_NAMES)[number];

export const BUILTIN_EVENT = 'check_failed';

export function builtinRuleName(check: BuiltinCheck, field: string | null): string {
  return `builtin:${check}:${field ?? ''}`;
}

export function customRuleName(name: string): `rule:${string}` {
  return `rule:${name}`;
}

/**
 * The built-in checks a table gets from its catalog entry, as the check engine computes them (facts/plan.ts, and
 * freshness in engine.ts): what a custom rule's `violations` / `checked_rows` may name. A field with a deadline is
 * checked by `deadline`, not `required` (an empty value is missing only once it is due).
 */
export function builtinChecksOf(table: CatalogTable): { check: BuiltinCheck; field: string | null }[] {
  const checks: { check: BuiltinCheck; field: string | null }[] = [];
  if (table.freshness && table.updatedAt) checks.push({ check: 'freshness', field: null });
  for (const f of table.fields) {
    if (f.deadline) checks.push({ check: 'deadline', field: f.name });
    else if (f.required) checks.push({ check: 'required', field: f.name });
    for (const check of ['pattern', 'validate', 'codes', 'unique', 'references'] as const)
      if (f[check]) checks.push({ check, field: f.name });
  }
  return checks;
}

export function compileBuiltinRule(check: BuiltinCheck, field: string | null): RuleProperties {
  return {
    name: builtinRuleName(check, field),
    conditions: { all: [{ fact: 'violations', params: { check, field }, operator: 'greaterThan', value: 0 }] },
    event: { type: BUILTIN_EVENT, params: { check, field } },
  };
}

export function compileCustomRule(rule: CustomRule): RuleProperties {
  return {
    name: customRuleName(rule.name),
    conditions: rule.conditions as unknown as TopLevelCondition,
    event: rule.event,
    ...(rule.priority !== undefined ? { priority: rule.priority } : {}),
  };
}

export interface FactReference {
  fact: string;
  params?: Record<string, unknown>;
}

/** Every fact a condition tree reads, including `value: { fact }` comparisons. */
export function factsReferenced(conditions: unknown): FactReference[] {
  const found: FactReference[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    for (const key of ['all', 'any']) if (Array.isArray(n[key])) (n[key] as unknown[]).forEach(walk);
    if (n.not) walk(n.not);
    if (typeof n.fact === 'string') found.push({ fact: n.fact, params: n.params as Record<string, unknown> | undefined });
    const value = n.value as Record<string, unknown> | undefined;
    if (value && typeof value === 'object' && typeof value.fact === 'string')
      found.push({ fact: value.fact, params: value.params as Record<string, unknown> | undefined });
  };
  walk(conditions);
  return found;
}

/** What is wrong with a custom rule's facts, each naming the rule (empty when it can run). */
export function customRuleProblems(rule: CustomRule): string[] {
  const problems: string[] = [];
  for (const ref of factsReferenced(rule.conditions)) {
    if (!(FACT_NAMES as readonly string[]).includes(ref.fact)) {
      problems.push(
        `规则 ${rule.name}：未知的事实 ${ref.fact}，可用：${FACT_NAMES.join(', ')} / rule ${rule.name}: unknown fact ${ref.fact}`,
      );
    } else if ((ref.fact === 'null_count' || ref.fact === 'null_ratio') && typeof ref.params?.field !== 'string') {
      problems.push(
        `规则 ${rule.name}：事实 ${ref.fact} 需要 params.field / rule ${rule.name}: fact ${ref.fact} needs params.field`,
      );
    } else if ((ref.fact === 'violations' || ref.fact === 'checked_rows') && typeof ref.params?.check !== 'string') {
      problems.push(
        `规则 ${rule.name}：事实 ${ref.fact} 需要 params.check / rule ${rule.name}: fact ${ref.fact} needs params.check`,
      );
    }
  }
  return problems;
}

/** Columns whose empty counts the rules read through null_count / null_ratio (computed in the aggregate). */
export function nullCountColumns(rules: CustomRule[]): string[] {
  const columns = new Set<string>();
  for (const rule of rules) {
    for (const ref of factsReferenced(rule.conditions)) {
      if ((ref.fact === 'null_count' || ref.fact === 'null_ratio') && typeof ref.params?.field === 'string')
        columns.add(ref.params.field);
    }
  }
  return [...columns];
}
