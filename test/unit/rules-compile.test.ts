import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileBuiltinRule,
  compileCustomRule,
  customRuleProblems,
  factsReferenced,
  nullCountColumns,
} from '../../rules/compile';
import type { CustomRule } from '../../server/services/catalog/types';
import { parseCatalog } from '../../server/services/catalog/parse';

describe('catalog → json-rules-engine rules', () => {
  it('compiles a built-in check to "violations(check, field) > 0"', () => {
    expect(compileBuiltinRule('required', 'name')).toEqual({
      name: 'builtin:required:name',
      conditions: {
        all: [{ fact: 'violations', params: { check: 'required', field: 'name' }, operator: 'greaterThan', value: 0 }],
      },
      event: { type: 'check_failed', params: { check: 'required', field: 'name' } },
    });
    expect(compileBuiltinRule('freshness', null).name).toBe('builtin:freshness:');
  });

  it('adds custom rules as they are, named rule:<name>', () => {
    const rule: CustomRule = {
      name: 'r',
      table: 't',
      conditions: { any: [{ fact: 'row_count', operator: 'equal', value: 0 }] },
      event: { type: 'ticket' },
      priority: 5,
    };
    expect(compileCustomRule(rule)).toEqual({
      name: 'rule:r',
      conditions: rule.conditions,
      event: { type: 'ticket' },
      priority: 5,
    });
  });

  it('finds every fact a condition tree reads, nested and in value comparisons', () => {
    const conditions = {
      any: [
        { not: { fact: 'null_ratio', params: { field: 'a' }, operator: 'lessThan', value: 0.1 } },
        { all: [{ fact: 'row_count', operator: 'greaterThan', value: { fact: 'null_count', params: { field: 'b' } } }] },
      ],
    };
    expect(factsReferenced(conditions)).toEqual([
      { fact: 'null_ratio', params: { field: 'a' } },
      { fact: 'row_count', params: undefined },
      { fact: 'null_count', params: { field: 'b' } },
    ]);
    expect(nullCountColumns([{ name: 'x', table: 't', conditions, event: { type: 'e' } }])).toEqual(['a', 'b']);
  });

  it('names the rule and the problem for unknown facts and missing params', () => {
    const bad: CustomRule = {
      name: 'oops',
      table: 't',
      conditions: {
        all: [
          { fact: 'rowcount', operator: 'equal', value: 1 },
          { fact: 'null_ratio', operator: 'greaterThan', value: 0 },
          { fact: 'violations', operator: 'greaterThan', value: 0 },
        ],
      },
      event: { type: 'e' },
    };
    const problems = customRuleProblems(bad);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('oops');
    expect(problems[0]).toContain('rowcount');
    expect(problems[1]).toContain('params.field');
    expect(problems[2]).toContain('params.check');
  });

  it("accepts the example catalog's rules and finds the columns they read", () => {
    const text = readFileSync(join(__dirname, '../../server/services/catalog/examples/university.catalog.yaml'), 'utf8');
    const { catalog } = parseCatalog(text);
    expect(catalog).toBeTruthy();
    expect(catalog!.rules.flatMap(customRuleProblems)).toEqual([]);
    expect(nullCountColumns(catalog!.rules)).toEqual(['reader_no']);
  });
});
