/**
 * What `parseCatalog` reports. Every problem names the YAML line (1-based) and the key path
 * (`tables[1].fields[3].deadline.within`, list indexes 0-based) so the CLI and the upload page can point
 * at it, and says in Chinese and English what was found and what is expected.
 */

export type ProblemSeverity = 'error' | 'warning';

export interface LocalizedText {
  'zh-CN': string;
  en: string;
}

export interface CatalogProblem {
  line: number | null;
  path: string;
  code: CatalogProblemCode;
  message: LocalizedText;
  severity: ProblemSeverity;
}

export type CatalogProblemCode =
  | 'bad_encoding'
  | 'yaml_syntax'
  | 'not_a_map'
  | 'unknown_key'
  | 'missing_key'
  | 'no_tables'
  | 'wrong_type'
  | 'bad_enum'
  | 'bad_identifier'
  | 'bad_duration'
  | 'bad_date'
  | 'bad_yearly'
  | 'bad_timezone'
  | 'bad_month'
  | 'bad_scope'
  | 'bad_pattern'
  | 'bad_reference'
  | 'bad_schedule'
  | 'bad_rule_conditions'
  | 'unknown_fact'
  | 'bad_deadline'
  | 'bad_email'
  | 'too_long'
  | 'bad_character'
  | 'stewards_replaced'
  | 'department_case'
  | 'field_case'
  | 'duplicate'
  | 'conflicting_dates'
  | 'workday_weekday'
  | 'workday_official_holiday'
  | 'holiday_official_workday'
  | 'empty_event'
  | 'leap_day_yearly'
  | 'unknown_department'
  | 'unknown_system'
  | 'unknown_event'
  | 'unknown_table'
  | 'unknown_code_list'
  | 'unknown_validator'
  | 'unknown_operator'
  | 'unknown_check'
  | 'missing_updated_at';

/**
 * One line per problem, e.g. `line 42, tables[1].fields[3].deadline.within: "7x" is not a duration …`, in Chinese with
 * Chinese punctuation: `第 42 行，tables[1].fields[3].deadline.within："7x" 不是有效的时长…`.
 */
export function formatProblem(problem: CatalogProblem, locale: 'zh-CN' | 'en' = 'en'): string {
  if (locale === 'zh-CN') {
    const where = `${problem.line === null ? '' : `第 ${problem.line} 行，`}${problem.path || '（文件）'}`;
    return `${where}：${problem.severity === 'warning' ? '警告：' : ''}${problem.message[locale]}`;
  }
  const where = `${problem.line === null ? '' : `line ${problem.line}, `}${problem.path || '(file)'}`;
  return `${where}: ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message[locale]}`;
}

export function hasErrors(problems: CatalogProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
