import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCatalog, type CatalogProblem } from '../../server/services/catalog/parse';
import { formatProblem } from '../../server/services/catalog/problems';

const EXAMPLE = join(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');
/** 23 lines: tables[0] org_unit, tables[1] staff_basic with fields[0] staff_no on line 23. */
const BASE = readFileSync(join(__dirname, '../fixtures/catalogs/base.catalog.yaml'), 'utf8');

/** BASE plus more fields of staff_basic: the first added line is line 24, fields[1]. */
const withFields = (...lines: string[]): string => BASE + lines.join('\n') + '\n';
/** BASE plus a third table: its first line is line 24, tables[2]. */
const withTable = (...lines: string[]): string => BASE + lines.join('\n') + '\n';

function errorsOf(text: string): CatalogProblem[] {
  const { catalog, problems } = parseCatalog(text);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) expect(catalog).toBeNull();
  return errors;
}

/** The only error of the text, with its line, path, code and English message. */
function onlyError(text: string): Pick<CatalogProblem, 'line' | 'path' | 'code'> & { en: string; zh: string } {
  const errors = errorsOf(text);
  expect(errors).toHaveLength(1);
  const [{ line, path, code, message }] = errors;
  return { line, path, code, en: message.en, zh: message['zh-CN'] };
}

describe('parseCatalog: valid catalogs', () => {
  it('reads the example catalog with no problem at all', () => {
    const { catalog, problems } = parseCatalog(readFileSync(EXAMPLE, 'utf8'));
    expect(problems).toEqual([]);
    expect(catalog?.tables.map((t) => t.name)).toEqual([
      'org_unit',
      'staff_basic',
      'student_status',
      'student_payment',
      'course_grade',
      'freshman_admission',
      'library_loan',
      'research_output',
    ]);
    expect(catalog?.departments).toHaveLength(10);
    expect(catalog?.rules.map((r) => r.name)).toEqual(['staff_headcount_drop', 'loan_reader_missing']);
  });

  it('maps the example keys to the camelCase model', () => {
    const catalog = parseCatalog(readFileSync(EXAMPLE, 'utf8')).catalog!;
    const staff = catalog.tables.find((t) => t.name === 'staff_basic')!;
    expect(staff).toMatchObject({
      department: 'HR',
      system: '人事管理系统',
      sharing: 'conditional',
      key: ['staff_no'],
      updatedAt: 'update_time',
      freshness: { amount: 24, unit: 'h' },
      maintainedIn: null,
      scope: { employment_status: ['在职'] },
      schedule: null,
    });
    const field = (name: string) => staff.fields.find((f) => f.name === name)!;
    expect(field('staff_no')).toEqual({
      name: 'staff_no',
      title: '职工号',
      department: null,
      required: true,
      unique: true,
      pattern: '^[0-9]{8}$',
      validate: null,
      codes: null,
      references: null,
      sensitive: false,
      severity: 'medium',
      deadline: { kind: 'after', column: 'report_date', within: { amount: 7, unit: 'd' } },
    });
    expect(field('gender').codes).toEqual({ kind: 'builtin', name: 'GB/T 2261.1' });
    expect(field('unit_code').references).toEqual({ table: 'org_unit', column: 'unit_code' });
    expect(field('political_status')).toMatchObject({
      department: 'ORG',
      deadline: { kind: 'afterEvent', event: 'rank_documents_issued', within: { amount: 7, unit: 'd' } },
    });
    expect(field('id_card')).toMatchObject({ validate: 'cn_id_card', sensitive: true, severity: 'high' });
    expect(catalog.tables.find((t) => t.name === 'freshman_admission')!.maintainedIn).toEqual([7, 8, 9]);
    expect(catalog.calendar.events.find((e) => e.name === 'year_end')).toEqual({
      name: 'year_end',
      dates: [],
      yearly: ['12-31'],
    });
    expect(catalog.calendar.events.find((e) => e.name === 'semester_start')).toEqual({
      name: 'semester_start',
      dates: ['2026-02-23', '2026-09-07'],
      yearly: [],
    });
    expect(catalog.rules[0]).toEqual({
      name: 'staff_headcount_drop',
      table: 'staff_basic',
      conditions: { all: [{ fact: 'row_count_change', operator: 'lessThan', value: -0.2 }] },
      event: { type: 'ticket', params: { severity: 'high', message: '教职工人数较上次检查下降超过20%' } },
    });
  });

  it('reads the base fixture clean, with defaults for left-out keys', () => {
    const { catalog, problems } = parseCatalog(BASE);
    expect(problems).toEqual([]);
    expect(catalog!.tables[0]).toEqual({
      name: 'org_unit',
      title: null,
      domain: null,
      department: 'HR',
      system: null,
      sharing: 'universal',
      key: ['unit_code'],
      updatedAt: 'update_time',
      freshness: null,
      maintainedIn: null,
      scope: {},
      schedule: null,
      fields: [],
    });
  });

  it('maps codes: a name to a built-in list, a list to inline values (keeping "01"), {table, column} to the hub', () => {
    const { catalog, problems } = parseCatalog(
      withFields(
        '      - { name: gender, codes: GB/T 2261.1 }',
        '      - { name: nation, codes: [01, 02, "97"] }',
        '      - { name: unit_code, codes: { table: org_unit, column: unit_code } }',
        '      - { name: org, references: hr.org_unit.unit_code }',
      ).replace('  - name: org_unit\n', '  - name: org_unit\n') +
        '  - { name: hr.org_unit, department: HR, sharing: none, key: [unit_code], updated_at: t }\n',
    );
    expect(problems).toEqual([]);
    const fields = catalog!.tables[1].fields;
    expect(fields[1].codes).toEqual({ kind: 'builtin', name: 'GB/T 2261.1' });
    expect(fields[2].codes).toEqual({ kind: 'inline', values: ['01', '02', '97'] });
    expect(fields[3].codes).toEqual({ kind: 'hub', table: 'org_unit', column: 'unit_code' });
    expect(fields[4].references).toEqual({ table: 'hr.org_unit', column: 'unit_code' });
  });

  it('reads calendar holidays, workdays and events with both dates and yearly days', () => {
    const text = BASE.replace(
      '    year_end: { yearly: "12-31" }\n',
      '    year_end: { yearly: "12-31" }\n    review: { dates: [2027-03-01], yearly: ["10-01", "04-01"] }\n  holidays: [2027-01-01]\n  workdays: [2027-02-06]\n',
    );
    const { catalog, problems } = parseCatalog(text);
    expect(problems).toEqual([]);
    expect(catalog!.calendar).toMatchObject({
      holidays: ['2027-01-01'],
      workdays: ['2027-02-06'],
      events: [expect.anything(), expect.anything(), { name: 'review', dates: ['2027-03-01'], yearly: ['10-01', '04-01'] }],
    });
  });

  it('reads a name given to a holiday or a make-up working day, for the calendar page', () => {
    const text = BASE.replace(
      '    year_end: { yearly: "12-31" }\n',
      '    year_end: { yearly: "12-31" }\n  holidays: [2027-01-01, { date: 2027-02-10, name: 春节 }]\n  workdays:\n    - date: 2027-02-07\n      name: 春节调休\n',
    );
    const { catalog, problems } = parseCatalog(text);
    expect(problems).toEqual([]);
    expect(catalog!.calendar).toMatchObject({
      holidays: ['2027-01-01', '2027-02-10'],
      workdays: ['2027-02-07'],
      dayNames: { '2027-02-10': '春节', '2027-02-07': '春节调休' },
    });
    // None named: no names at all.
    expect(parseCatalog(BASE).catalog!.calendar.dayNames).toBeUndefined();
  });

  it("reads an event's title, and refuses an empty or over-long one by its path", () => {
    const withTitle = (title: string) =>
      BASE.replace('    year_end: { yearly: "12-31" }\n', `    year_end: { yearly: "12-31", title: ${title} }\n`);
    const { catalog, problems } = parseCatalog(withTitle('每年年末'));
    expect(problems).toEqual([]);
    expect(catalog!.calendar.events.find((e) => e.name === 'year_end')).toEqual({
      name: 'year_end',
      dates: [],
      yearly: ['12-31'],
      title: '每年年末',
    });
    for (const bad of ['""', '长'.repeat(201)]) {
      const problem = parseCatalog(withTitle(bad)).problems.find((p) => p.severity === 'error');
      expect(problem).toMatchObject({ path: 'calendar.events.year_end.title' });
    }
  });
});

describe('parseCatalog: every problem with its line, path and message', () => {
  it('YAML syntax errors stop with the line', () => {
    const errors = errorsOf(BASE + '      - { name: x, required: true\n  - name: y\n');
    // The flow map opened on line 24 is found unclosed where line 25 starts: the line to correct is 24.
    expect(errors[0]).toMatchObject({ code: 'yaml_syntax', line: 24 });
    expect(errorsOf(BASE + '      - name: x\n       title: y\n')[0]).toMatchObject({ code: 'yaml_syntax', line: 25 });
    expect(errors[0].message.en).toMatch(/^YAML syntax error: /);
  });

  it('a key repeated in one map is a duplicate', () => {
    const errors = errorsOf(withFields('      - { name: x, title: a, title: b }'));
    expect(errors[0]).toMatchObject({ code: 'duplicate', line: 24 });
  });

  it('an empty file is refused', () => {
    expect(onlyError('# nothing here\n')).toMatchObject({ code: 'not_a_map', path: '', line: null });
  });

  it('unknown keys are reported with a guess (typo protection)', () => {
    expect(onlyError(withFields('      - { name: x, requried: true }'))).toEqual({
      line: 24,
      path: 'tables[1].fields[1].requried',
      code: 'unknown_key',
      en: 'unknown key "requried" (did you mean "required"?); allowed: name, title, department, required, unique, pattern, validate, codes, references, sensitive, severity, deadline',
      zh: expect.stringContaining('未知的键 "requried"，是否应为 "required"？'),
    });
    expect(onlyError(BASE + 'table:\n  - x\n')).toMatchObject({
      line: 24,
      path: 'table',
      code: 'unknown_key',
      en: expect.stringContaining('did you mean "tables"?'),
    });
    expect(onlyError(withTable('  - { name: t, department: HR, sharing: none, key: [id], updated: x }'))).toMatchObject({
      line: 24,
      path: 'tables[2].updated',
      code: 'unknown_key',
      en: expect.stringContaining('did you mean "updated_at"?'),
    });
  });

  it('wrong types name what was expected and what was found', () => {
    expect(onlyError(withFields('      - { name: x, required: yes }'))).toEqual({
      line: 24,
      path: 'tables[1].fields[1].required',
      code: 'wrong_type',
      en: 'expected true or false, found text',
      // Spaced from the Chinese around it (it read 应为true 或 false).
      zh: '应为 true 或 false，实际是文本',
    });
    expect(
      onlyError(
        BASE.replace(
          'departments:\n  - { code: HR, name: 人事处 }\n  - { code: ORG, name: 党委组织部 }\n',
          'departments:\n  - { code: HR, name: 人事处 }\n  - { code: ORG, name: [党委, 组织部] }\n',
        ),
      ),
    ).toMatchObject({
      line: 8,
      path: 'departments[1].name',
      code: 'wrong_type',
      en: 'expected text, found a list',
    });
    // An unknown key of 1,000 characters is named by its first 60.
    const long = onlyError(BASE.replace('  timezone: Asia/Shanghai', `  ${'键'.repeat(1000)}: x\n  timezone: Asia/Shanghai`));
    expect(long).toMatchObject({ path: `calendar.${'键'.repeat(60)}…`, code: 'unknown_key' });
    expect(long.zh.length).toBeLessThan(200);
    // A key indented with an ideographic or non-breaking space: said so, not "unknown key".
    for (const space of ['\u3000', '\u00a0'])
      expect(onlyError(BASE.replace('  timezone: Asia/Shanghai', `  ${space}timezone: Asia/Shanghai`))).toMatchObject({
        path: 'calendar.timezone',
        code: 'unknown_key',
        zh: '键 "timezone" 前后有全角空格或不间断空格：缩进只能用半角空格',
      });
    // A tagged value is named by what it is, not as text (it read "expected text, found text").
    expect(
      onlyError(BASE.replace('  - { code: ORG, name: 党委组织部 }\n', '  - { code: ORG, name: !!binary 5YWa5aeU }\n')),
    ).toMatchObject({
      path: 'departments[1].name',
      code: 'wrong_type',
      zh: '应为文本，实际是二进制数据（!!binary）',
      en: 'expected text, found binary data (!!binary)',
    });
  });

  // Importing a catalog without tables stopped every check and closed every open ticket: a wrong or cut-off file.
  it.each([
    ['an empty list', 'tables: []\n'],
    ['an empty map', '{}\n'],
    ['departments alone', 'departments:\n  - { code: HR, name: 人事处 }\n'],
  ])('a catalog without tables (%s) is refused at tables', (_what, text) => {
    expect(onlyError(text)).toMatchObject({
      path: 'tables',
      code: 'no_tables',
      zh: '目录中没有表：tables 下至少应列出一张表（导入没有表的目录会停止全部检查、关闭所有未结工单）',
    });
  });

  it('a list of tables with mistakes is named by its mistakes, not as no tables', () => {
    expect(errorsOf('tables:\n  - { title: 没有表名 }\n').map((p) => p.code)).not.toContain('no_tables');
  });

  it('missing required keys point at the map that lacks them', () => {
    expect(onlyError(withFields('      - { title: 姓名 }'))).toMatchObject({
      line: 24,
      path: 'tables[1].fields[1].name',
      code: 'missing_key',
      en: 'missing required key "name" (the column name)',
    });
    expect(onlyError(withTable('  - { name: t, department: HR, sharing: none, updated_at: u }'))).toMatchObject({
      line: 24,
      path: 'tables[2].key',
      code: 'missing_key',
      en: 'missing required key "key" (columns identifying a row, e.g. [staff_no])',
    });
  });

  it('updated_at is required by freshness and after_event deadlines, and only recommended otherwise', () => {
    expect(onlyError(withTable('  - { name: t, department: HR, sharing: none, key: [id], freshness: 24h }'))).toMatchObject({
      line: 24,
      path: 'tables[2].updated_at',
      code: 'missing_updated_at',
      en: 'missing updated_at (the row timestamp column), needed by freshness',
    });
    const { catalog, problems } = parseCatalog(withTable('  - { name: t, department: HR, sharing: none, key: [id] }'));
    expect(catalog).not.toBeNull();
    expect(problems).toEqual([
      expect.objectContaining({ line: 24, path: 'tables[2].updated_at', code: 'missing_updated_at', severity: 'warning' }),
    ]);
  });

  it('unknown department in a table, a field and a system', () => {
    expect(onlyError(withTable('  - { name: t, department: HRX, sharing: none, key: [id], updated_at: u }'))).toEqual({
      line: 24,
      path: 'tables[2].department',
      code: 'unknown_department',
      en: 'unknown department "HRX" (expected a code listed under departments)',
      zh: '未知的部门 "HRX"（应为 departments 中的某个 code）',
    });
    expect(onlyError(withFields('      - { name: x, department: COL }'))).toMatchObject({
      line: 24,
      path: 'tables[1].fields[1].department',
      code: 'unknown_department',
    });
    expect(
      onlyError(BASE.replace('{ name: 人事管理系统, department: HR }', '{ name: 人事管理系统, department: IT }')),
    ).toMatchObject({ line: 10, path: 'systems[0].department', code: 'unknown_department' });
  });

  it('a department named in another case than declared is that department, as declared, with a warning', () => {
    const table = parseCatalog(withTable('  - { name: t, department: hr, sharing: none, key: [id], updated_at: u }'));
    expect(table.catalog?.tables[2].department).toBe('HR');
    expect(table.problems).toEqual([
      {
        line: 24,
        path: 'tables[2].department',
        code: 'department_case',
        severity: 'warning',
        message: {
          'zh-CN': '部门 "hr" 按 departments 中的 "HR" 读取（部门代码不区分大小写，以声明的写法为准）',
          en: 'department "hr" is read as "HR" from departments (codes ignore case; the declared spelling is kept)',
        },
      },
    ]);
    const field = parseCatalog(withFields('      - { name: x, department: Org }'));
    expect(field.catalog?.tables[1].fields[1].department).toBe('ORG');
    expect(field.problems).toEqual([
      expect.objectContaining({ line: 24, path: 'tables[1].fields[1].department', code: 'department_case', severity: 'warning' }),
    ]);
  });

  it('unknown system', () => {
    expect(
      onlyError(withTable('  - { name: t, department: HR, system: 财务系统, sharing: none, key: [id], updated_at: u }')),
    ).toEqual({
      line: 24,
      path: 'tables[2].system',
      code: 'unknown_system',
      en: 'unknown system "财务系统" (expected a name listed under systems)',
      zh: '未知的业务系统 "财务系统"（应为 systems 中的某个 name）',
    });
  });

  it('unknown event in deadline.after_event', () => {
    expect(onlyError(withFields('      - name: x', '        deadline: { after_event: semster_start, within: 7d }'))).toEqual({
      line: 25,
      path: 'tables[1].fields[1].deadline.after_event',
      code: 'unknown_event',
      en: 'unknown event "semster_start" (did you mean "semester_start"?) (expected a name under calendar.events)',
      zh: '未知的事件 "semster_start"（是否应为 "semester_start"？）（应为 calendar.events 中的名称）',
    });
    expect(onlyError(withFields('      - { name: x, deadline: { after_event: graduation, within: 7d } }'))).toMatchObject({
      en: 'unknown event "graduation" (expected a name under calendar.events)',
    });
  });

  it('a bad duration', () => {
    expect(
      onlyError(withFields('      - name: x', '        deadline:', '          after: report_date', '          within: 7x')),
    ).toEqual({
      line: 27,
      path: 'tables[1].fields[1].deadline.within',
      code: 'bad_duration',
      en: '"7x" is not a duration (24h, 7d or 5wd)',
      zh: '"7x" 不是有效的时长（如 24h、7d 或 5wd）',
    });
    expect(
      onlyError(withTable('  - { name: t, department: HR, sharing: none, key: [id], updated_at: u, freshness: 0d }')),
    ).toMatchObject({ line: 24, path: 'tables[2].freshness', code: 'bad_duration' });
    expect(onlyError(withFields('      - { name: x, deadline: { after: report_date, within: 7 } }'))).toMatchObject({
      path: 'tables[1].fields[1].deadline.within',
      en: '"7" is not a duration (24h, 7d or 5wd)',
    });
  });

  it('a deadline needs exactly one of after and after_event, and within', () => {
    expect(onlyError(withFields('      - { name: x, deadline: { within: 7d } }'))).toMatchObject({
      line: 24,
      path: 'tables[1].fields[1].deadline',
      code: 'bad_deadline',
    });
    expect(onlyError(withFields('      - { name: x, deadline: { after: d, after_event: year_end, within: 7d } }'))).toMatchObject(
      { code: 'bad_deadline' },
    );
    expect(onlyError(withFields('      - { name: x, deadline: { after: d } }'))).toMatchObject({
      path: 'tables[1].fields[1].deadline.within',
      code: 'missing_key',
    });
  });

  it('an unknown code list', () => {
    expect(onlyError(withFields('      - { name: gender, codes: GB/T 2261 }'))).toEqual({
      line: 24,
      path: 'tables[1].fields[1].codes',
      code: 'unknown_code_list',
      en: 'unknown code list "GB/T 2261" (did you mean "GB/T 2261.1"?); built in: GB/T 2261.1, GB/T 4762, GB/T 3304; or give a list of codes or {table, column}',
      zh: expect.stringContaining('未知的代码表 "GB/T 2261"'),
    });
  });

  it('an unknown validator', () => {
    expect(onlyError(withFields('      - { name: id_card, validate: id_card }'))).toEqual({
      line: 24,
      path: 'tables[1].fields[1].validate',
      code: 'unknown_validator',
      en: 'unknown validator "id_card" (did you mean "cn_id_card"?); expected one of cn_id_card | cn_mobile | email | date',
      zh: expect.stringContaining('未知的校验 "id_card"'),
    });
  });

  it('references and hub codes must name a table of the catalog', () => {
    expect(onlyError(withFields('      - { name: unit_code, references: org_units.unit_code }'))).toEqual({
      line: 24,
      path: 'tables[1].fields[1].references',
      code: 'unknown_table',
      en: 'table "org_units" is not under tables in this catalog',
      zh: '表 "org_units" 不在目录的 tables 中',
    });
    expect(onlyError(withFields('      - name: unit_code', '        codes: { table: units, column: code }'))).toMatchObject({
      line: 25,
      path: 'tables[1].fields[1].codes.table',
      code: 'unknown_table',
    });
    expect(onlyError(withFields('      - { name: unit_code, references: org_unit }'))).toMatchObject({
      line: 24,
      path: 'tables[1].fields[1].references',
      code: 'bad_reference',
      en: '"org_unit" should be table.column, e.g. org_unit.unit_code',
    });
  });

  it('bad regular expressions, and constructs PostgreSQL reads differently', () => {
    const bad = onlyError(withFields("      - { name: x, pattern: '^[0-9' }"));
    expect(bad).toMatchObject({ line: 24, path: 'tables[1].fields[1].pattern', code: 'bad_pattern' });
    // One sentence in each language: V8's own message repeated the pattern and was English on Chinese pages too.
    expect(bad.en).toBe('regular expression "^[0-9" is not valid: unterminated character class');
    expect(bad.zh).toBe('正则表达式“^[0-9”无效：方括号 [ ] 未闭合');
    expect(onlyError(withFields("      - { name: x, pattern: '^[0-9]{8})$' }")).zh).toBe(
      '正则表达式“^[0-9]{8})$”无效：多出一个右括号 )',
    );
    // An engine message with no Chinese wording: a Chinese sentence still, the English one naming the engine's reason.
    const twice = onlyError(withFields("      - { name: x, pattern: '(?<a>x)(?<a>y)' }"));
    expect(twice.zh).toBe('正则表达式“(?<a>x)(?<a>y)”无效：写法有误，请检查括号、量词和转义');
    expect(twice.en).toBe('regular expression "(?<a>x)(?<a>y)" is not valid: duplicate capture group name');
    expect(onlyError(withFields("      - { name: x, pattern: '+86' }")).zh).toBe(
      '正则表达式“+86”无效：量词 * + ? {n} 前面没有可重复的内容',
    );
    expect(onlyError(withFields("      - { name: x, pattern: '^(?<year>[0-9]{4})$' }"))).toMatchObject({
      code: 'bad_pattern',
      en: 'regular expression "^(?<year>[0-9]{4})$": named groups (?<name>…) are not supported by PostgreSQL; use (…)',
    });
    expect(onlyError(withFields("      - { name: x, pattern: '\\bcat\\b' }"))).toMatchObject({
      code: 'bad_pattern',
      en: expect.stringContaining('backspace'),
    });
    expect(onlyError(withFields("      - { name: x, pattern: '[[:digit:]]+' }"))).toMatchObject({
      code: 'bad_pattern',
      en: expect.stringContaining('POSIX'),
    });
    // Lookbehind is supported by PostgreSQL 9.6+ and JavaScript alike.
    expect(parseCatalog(withFields("      - { name: x, pattern: '(?<=A)[0-9]+' }")).problems).toEqual([]);
  });

  it('duplicate department codes, system names, table names, field names and rule names', () => {
    expect(onlyError(BASE.replace('{ code: ORG, name: 党委组织部 }', '{ code: HR, name: 党委组织部 }'))).toEqual({
      line: 8,
      path: 'departments[1].code',
      code: 'duplicate',
      en: 'duplicate department code "HR" (first at departments[0].code)',
      zh: '部门代码 "HR" 重复（首次出现于 departments[0].code）',
    });
    // Department codes are taken in any case (ticket filters, scorecards, accounts): with HR and hr both, Hr is neither.
    expect(
      onlyError(
        BASE.replace('{ code: ORG, name: 党委组织部 }', '{ code: ORG, name: 党委组织部 }\n  - { code: hr, name: 人事处2 }'),
      ),
    ).toEqual({
      line: 9,
      path: 'departments[2].code',
      code: 'duplicate',
      en: 'department code "hr" differs only in letter case from "HR" (departments[0].code): department codes are matched in any case (hr is HR) wherever they are typed',
      zh: '部门代码 "hr" 与 "HR"（departments[0].code）仅大小写不同：各处输入的部门代码不区分大小写（hr 即 HR）',
    });
    expect(
      onlyError(
        BASE.replace(
          'systems:\n  - { name: 人事管理系统, department: HR }\n',
          'systems:\n  - { name: 人事管理系统, department: HR }\n  - { name: 人事管理系统, department: ORG }\n',
        ),
      ),
    ).toMatchObject({
      line: 11,
      path: 'systems[1].name',
      code: 'duplicate',
      en: 'duplicate system name "人事管理系统" (first at systems[0].name)',
    });
    expect(onlyError(withTable('  - { name: org_unit, department: HR, sharing: none, key: [id], updated_at: u }'))).toMatchObject(
      {
        line: 24,
        path: 'tables[2].name',
        code: 'duplicate',
        en: 'duplicate table name "org_unit" (first at tables[0].name)',
      },
    );
    // PostgreSQL could hold both "Org_Unit" and org_unit; sharing requests match names ignoring case.
    expect(onlyError(withTable('  - { name: Org_Unit, department: HR, sharing: none, key: [id], updated_at: u }'))).toEqual({
      line: 24,
      path: 'tables[2].name',
      code: 'duplicate',
      en: 'table name "Org_Unit" differs only in letter case from "org_unit" (tables[0].name): sharing requests find catalog tables by name ignoring case',
      zh: '表名 "Org_Unit" 与 "org_unit"（tables[0].name）仅大小写不同：共享申请按不区分大小写的表名找到目录中的表',
    });
    expect(onlyError(withFields('      - { name: staff_no, title: 职工号 }'))).toMatchObject({
      line: 24,
      path: 'tables[1].fields[1].name',
      code: 'duplicate',
      en: 'duplicate field name "staff_no" (first at tables[1].fields[0].name)',
    });
    const rule = (name: string) =>
      `  - { name: ${name}, table: staff_basic, conditions: { all: [{ fact: row_count, operator: equal, value: 0 }] }, event: { type: ticket } }`;
    expect(onlyError(BASE + 'rules:\n' + rule('empty') + '\n' + rule('empty') + '\n')).toMatchObject({
      line: 26,
      path: 'rules[1].name',
      code: 'duplicate',
      en: 'duplicate rule name "empty" (first at rules[0].name)',
    });
  });

  it('months outside 1–12', () => {
    expect(
      onlyError(
        withTable(
          '  - name: t',
          '    department: HR',
          '    sharing: none',
          '    key: [id]',
          '    updated_at: u',
          '    freshness: 24h',
          '    maintained_in: [7, 13]',
        ),
      ),
    ).toEqual({
      line: 30,
      path: 'tables[2].maintained_in[1]',
      code: 'bad_month',
      en: '"13" is not a month (expected a whole number 1–12)',
      zh: '"13" 不是月份（应为 1–12 的整数）',
    });
  });

  it('a field listed twice is reported even when the first has a mistake of its own', () => {
    // Reported only once the first field's mistake was corrected: every problem is to be listed at once.
    const errors = errorsOf(withFields('      - { name: email, required: "yes" }', '      - { name: email }'));
    expect(errors.map((p) => [p.line, p.path, p.code])).toEqual([
      [24, 'tables[1].fields[1].required', 'wrong_type'],
      [25, 'tables[1].fields[2].name', 'duplicate'],
    ]);
    expect(errors[1].message['zh-CN']).toBe('字段名 "email" 重复（首次出现于 tables[1].fields[1].name）');
  });

  it('a month in quotes is said to be text, not to be no month', () => {
    // "7" read '"7" 不是月份（应为 1–12 的整数）': 7 is a month; its quotes were the mistake.
    expect(
      onlyError(
        withTable(
          '  - name: t',
          '    department: HR',
          '    sharing: none',
          '    key: [id]',
          '    updated_at: u',
          '    freshness: 24h',
          '    maintained_in: [7, "8"]',
        ),
      ),
    ).toEqual({
      line: 30,
      path: 'tables[2].maintained_in[1]',
      code: 'bad_month',
      en: '"8" is quoted, so it is text: write the month as a number without quotes, e.g. 8',
      zh: '"8" 加了引号，是文本：月份应写成不带引号的数字，如 8',
    });
  });

  it('an event whose dates are all mistyped is reported at them, not warned of again as having no dates', () => {
    for (const [event, path] of [
      ['year_end: { yearly: "13-01" }', 'calendar.events.year_end.yearly'],
      ['year_end: [2026-02-30]', 'calendar.events.year_end[0]'],
      ['year_end: 2026/12/31', 'calendar.events.year_end'],
    ]) {
      const { problems } = parseCatalog(BASE.replace('year_end: { yearly: "12-31" }', event));
      expect(problems.map((p) => [p.path, p.severity])).toEqual([[path, 'error']]);
    }
    // An event left without any date is still warned of.
    const { problems } = parseCatalog(BASE.replace('year_end: { yearly: "12-31" }', 'year_end: []'));
    expect(problems.map((p) => [p.path, p.code, p.severity])).toEqual([['calendar.events.year_end', 'empty_event', 'warning']]);
  });

  it('warns of a yearly event on 02-29, which comes only in leap years, and keeps it', () => {
    const { catalog, problems } = parseCatalog(BASE.replace('year_end: { yearly: "12-31" }', 'year_end: { yearly: "02-29" }'));
    expect(problems.map((p) => [p.path, p.code, p.severity])).toEqual([
      ['calendar.events.year_end.yearly', 'leap_day_yearly', 'warning'],
    ]);
    expect(problems[0].message['zh-CN']).toContain('只在闰年出现');
    expect(catalog?.calendar.events.find((e) => e.name === 'year_end')?.yearly).toEqual(['02-29']);
  });

  it('a scope that is not a map of lists', () => {
    expect(
      onlyError(withTable('  - { name: t, department: HR, sharing: none, key: [id], updated_at: u, scope: [在职] }')),
    ).toMatchObject({
      line: 24,
      path: 'tables[2].scope',
      code: 'wrong_type',
      en: 'expected a map (key: value), found a list',
    });
    const errors = errorsOf(
      withTable(
        '  - name: t',
        '    department: HR',
        '    sharing: none',
        '    key: [id]',
        '    updated_at: u',
        '    scope: { employment_status: 在职 }',
      ),
    );
    expect(errors.map((e) => [e.line, e.path, e.code])).toEqual([
      [29, 'tables[2].scope.employment_status', 'wrong_type'],
      [29, 'tables[2].scope.employment_status', 'bad_scope'],
    ]);
    expect(errors[1].message.en).toBe('scope must map each column to a list of allowed values: {column: [value, …]}');
  });

  it('severity, sharing and validate must be one of their values', () => {
    expect(onlyError(withFields('      - { name: x, severity: critical }'))).toEqual({
      line: 24,
      path: 'tables[1].fields[1].severity',
      code: 'bad_enum',
      en: '"critical" is not allowed; expected one of high | medium | low',
      zh: '"critical" 无效，应为 high | medium | low 之一',
    });
    expect(onlyError(withTable('  - { name: t, department: HR, sharing: public, key: [id], updated_at: u }'))).toMatchObject({
      line: 24,
      path: 'tables[2].sharing',
      code: 'bad_enum',
      en: '"public" is not allowed; expected one of universal | conditional | none',
    });
  });

  it('a bad cron schedule', () => {
    expect(
      onlyError(withTable('  - { name: t, department: HR, sharing: none, key: [id], updated_at: u, schedule: "every day" }')),
    ).toMatchObject({
      line: 24,
      path: 'tables[2].schedule',
      code: 'bad_schedule',
      en: '"every day" is not a cron expression (e.g. "0 3 * * *")',
    });
  });

  it('hostile or malformed identifiers are refused', () => {
    expect(
      onlyError(withTable(`  - { name: 'x"; drop table y; --', department: HR, sharing: none, key: [id], updated_at: u }`)),
    ).toEqual({
      line: 24,
      path: 'tables[2].name',
      code: 'bad_identifier',
      en: '"x"; drop table y; --" is not a valid table name (table or schema.table; a letter or _ first, then letters, digits, _ or $)',
      zh: expect.stringContaining('不是合法的表名'),
    });
    expect(onlyError(withFields(`      - { name: "a b" }`))).toMatchObject({
      line: 24,
      path: 'tables[1].fields[1].name',
      code: 'bad_identifier',
      en: expect.stringContaining('is not a valid column name'),
    });
    expect(onlyError(withFields(`      - { name: x, deadline: { after: "now()", within: 7d } }`))).toMatchObject({
      path: 'tables[1].fields[1].deadline.after',
      code: 'bad_identifier',
    });
    expect(onlyError(withTable(`  - { name: t, department: HR, sharing: none, key: [id], updated_at: "u; --" }`))).toMatchObject({
      path: 'tables[2].updated_at',
      code: 'bad_identifier',
    });
    expect(onlyError(withTable(`  - { name: t, department: HR, sharing: none, key: [id, "1st"], updated_at: u }`))).toMatchObject(
      { path: 'tables[2].key[1]', code: 'bad_identifier' },
    );
    expect(
      onlyError(withTable(`  - { name: t, department: HR, sharing: none, key: [id], updated_at: u, scope: { "status)": [a] } }`)),
    ).toMatchObject({ path: 'tables[2].scope', code: 'bad_identifier' });
    expect(onlyError(withFields(`      - { name: x, references: "org_unit.unit code" }`))).toMatchObject({
      path: 'tables[1].fields[1].references',
      code: 'bad_identifier',
    });
    expect(onlyError(withTable(`  - { name: a.b.c, department: HR, sharing: none, key: [id], updated_at: u }`))).toMatchObject({
      path: 'tables[2].name',
      code: 'bad_identifier',
    });
  });

  it('a rule naming an unknown table', () => {
    expect(
      onlyError(
        BASE +
          'rules:\n  - name: r\n    table: staff\n    conditions: { all: [{ fact: row_count, operator: equal, value: 0 }] }\n    event: { type: ticket }\n',
      ),
    ).toEqual({
      line: 26,
      path: 'rules[0].table',
      code: 'unknown_table',
      en: 'the rule names table "staff", which is not under tables',
      zh: '规则引用的表 "staff" 不在目录的 tables 中',
    });
  });

  it('rule conditions must be json-rules-engine shaped', () => {
    const rule = (conditions: string) =>
      BASE +
      `rules:\n  - name: r\n    table: staff_basic\n    conditions: ${conditions}\n    event: { type: ticket, params: { severity: high } }\n`;
    expect(onlyError(rule('{ fact: row_count, operator: equal, value: 0 }'))).toMatchObject({
      line: 27,
      path: 'rules[0].conditions',
      code: 'bad_rule_conditions',
      en: 'the top level must be all, any, not or condition, e.g. {all: [{fact, operator, value}]}',
    });
    expect(onlyError(rule('{ all: { fact: row_count } }'))).toMatchObject({
      path: 'rules[0].conditions.all',
      code: 'bad_rule_conditions',
      en: 'all must be a list of conditions',
    });
    expect(onlyError(rule('{ any: [{ fact: row_count, value: 0 }] }'))).toMatchObject({
      path: 'rules[0].conditions.any[0].operator',
      code: 'bad_rule_conditions',
    });
    expect(onlyError(rule('{ all: [], any: [] }'))).toMatchObject({
      path: 'rules[0].conditions',
      en: 'a condition has exactly one of all, any, not or condition; found all, any',
    });
    expect(
      parseCatalog(
        rule(
          '{ not: { any: [{ fact: row_count, operator: equal, value: 1 }, { fact: null_ratio, params: { field: x }, operator: lessThan, value: { fact: row_count_change } }] } }',
        ),
      ).problems,
    ).toEqual([]);
    // The engine knows no other operator, and a catalog cannot define shared conditions: both failed the table's checks.
    expect(onlyError(rule('{ all: [{ fact: row_count, operator: equals, value: 1 }] }'))).toMatchObject({
      code: 'unknown_operator',
      path: 'rules[0].conditions.all[0].operator',
      en: '"equals" is not a built-in json-rules-engine operator (did you mean "equal"?)',
    });
    // Operators as other tools spell them: the engine's name, not the nearest spelling (`eq` is nearest to `in`).
    expect(onlyError(rule('{ all: [{ fact: row_count, operator: eq, value: 1 }] }')).en).toBe(
      '"eq" is not a built-in json-rules-engine operator (did you mean "equal"?)',
    );
    expect(onlyError(rule('{ all: [{ fact: row_count, operator: ">=", value: 1 }] }')).en).toMatch(
      /did you mean "greaterThanInclusive"/,
    );
    expect(onlyError(rule('{ not: { condition: shared } }'))).toMatchObject({
      code: 'bad_rule_conditions',
      path: 'rules[0].conditions.not.condition',
    });
  });

  it('a rule reading violations or checked_rows of a check its table does not get is refused at its line', () => {
    const rule = (params: string, fields = '') =>
      withFields(fields) +
      `rules:\n  - name: r\n    table: staff_basic\n    conditions: { all: [{ fact: violations, params: ${params}, operator: greaterThanInclusive, value: 0 }] }\n    event: { type: ticket }\n`;
    expect(errorsOf(rule('{ check: required, field: staff_no }'))).toEqual([]);
    expect(onlyError(rule('{ check: pattern, field: staff_no }'))).toMatchObject({
      path: 'rules[0].conditions.all[0].params.field',
      code: 'unknown_check',
      en: 'field staff_no of table staff_basic has no pattern check, so the fact is always null and the rule never fires: its checks are required',
      zh: '表 staff_basic 的字段 staff_no 没有 pattern 检查，事实的值将始终为空、规则永远不会触发：它的检查为 required',
    });
    expect(onlyError(rule('{ check: required, field: STAFF_NO }')).en).toMatch(
      /has no required check, .*: field names are case-sensitive: did you mean "staff_no"\?$/,
    );
    expect(onlyError(rule('{ check: required, field: nobody }')).en).toMatch(/: table staff_basic declares no such field$/);
    expect(onlyError(rule('{ check: freshness }'))).toMatchObject({
      path: 'rules[0].conditions.all[0].params.check',
      en: 'table staff_basic has no freshness check, so the fact is always null and the rule never fires: it has no built-in check',
    });
    // A field with a deadline is checked for missing values by it, not by required.
    const withDeadline = '      - { name: title, required: true, deadline: { after: update_time, within: 7d } }';
    expect(onlyError(rule('{ check: required, field: title }', withDeadline)).en).toBe(
      'field title of table staff_basic has no required check, so the fact is always null and the rule never fires: its checks are deadline (a field with a deadline is checked for missing values by deadline)',
    );
    expect(errorsOf(rule('{ check: deadline, field: title }', withDeadline))).toEqual([]);
  });

  it('a rule event needs a type and a valid severity', () => {
    expect(
      onlyError(
        BASE + 'rules:\n  - { name: r, table: staff_basic, conditions: { all: [] }, event: { params: { severity: urgent } } }\n',
      ),
    ).toMatchObject({
      line: 25,
      path: 'rules[0].event.type',
      code: 'missing_key',
    });
    expect(
      onlyError(
        BASE +
          'rules:\n  - { name: r, table: staff_basic, conditions: { all: [] }, event: { type: t, params: { severity: urgent } } }\n',
      ),
    ).toMatchObject({
      path: 'rules[0].event.params.severity',
      code: 'bad_enum',
    });
  });

  it('bad calendar dates, holidays and workdays', () => {
    const calendar = (extra: string) =>
      BASE.replace('    year_end: { yearly: "12-31" }\n', `    year_end: { yearly: "12-31" }\n${extra}`);
    expect(onlyError(calendar('  holidays: [2027-01-01, 2027-02-30]\n'))).toEqual({
      line: 6,
      path: 'calendar.holidays[1]',
      code: 'bad_date',
      en: '"2027-02-30" is not a date (expected YYYY-MM-DD, e.g. 2026-09-07)',
      zh: '"2027-02-30" 不是有效日期（应为 YYYY-MM-DD，如 2026-09-07）',
    });
    expect(onlyError(calendar('  workdays:\n    - 2027/02/06\n'))).toMatchObject({
      line: 7,
      path: 'calendar.workdays[0]',
      code: 'bad_date',
    });
    expect(onlyError(calendar('  holidays: [2027-01-01]\n  workdays: [2027-01-01]\n'))).toMatchObject({
      line: 7,
      path: 'calendar.workdays[0]',
      code: 'conflicting_dates',
      en: '2027-01-01 is listed both in holidays and in workdays',
    });
    // A named day: its date is required, checked and compared like any other; no other key is taken.
    expect(onlyError(calendar('  holidays: [{ name: 春节 }]\n'))).toMatchObject({
      path: 'calendar.holidays[0].date',
      code: 'missing_key',
      en: 'missing required key "date" (the date, YYYY-MM-DD)',
    });
    expect(onlyError(calendar('  holidays: [{ date: 2027-02-30, name: 春节 }]\n'))).toMatchObject({
      path: 'calendar.holidays[0].date',
      code: 'bad_date',
    });
    expect(onlyError(calendar('  holidays: [2027-02-10, { date: 2027-02-10, name: 春节 }]\n'))).toMatchObject({
      path: 'calendar.holidays[1].date',
      code: 'duplicate',
    });
    expect(onlyError(calendar('  holidays: [2027-02-10]\n  workdays: [{ date: 2027-02-10, name: 调休 }]\n'))).toMatchObject({
      path: 'calendar.workdays[0].date',
      code: 'conflicting_dates',
    });
    expect(onlyError(calendar('  holidays: [{ date: 2027-02-10, title: 春节 }]\n'))).toMatchObject({
      path: 'calendar.holidays[0].title',
      code: 'unknown_key',
    });
    expect(onlyError(calendar(`  holidays: [{ date: 2027-02-10, name: ${'节'.repeat(201)} }]\n`))).toMatchObject({
      path: 'calendar.holidays[0].name',
      code: 'too_long',
    });
    expect(onlyError(BASE.replace('[2026-02-23, 2026-09-07]', '[2026-02-23, 2026-9-7]'))).toMatchObject({
      line: 4,
      path: 'calendar.events.semester_start[1]',
      code: 'bad_date',
    });
  });

  it('a bad time zone', () => {
    expect(onlyError(BASE.replace('timezone: Asia/Shanghai', 'timezone: Asia/Beijing'))).toEqual({
      line: 2,
      path: 'calendar.timezone',
      code: 'bad_timezone',
      en: '"Asia/Beijing" is not a time zone (expected an IANA name such as Asia/Shanghai)',
      zh: '"Asia/Beijing" 不是有效时区（应为 IANA 时区名，如 Asia/Shanghai）',
    });
  });

  it('a bad yearly "MM-DD"', () => {
    expect(onlyError(BASE.replace('{ yearly: "12-31" }', '{ yearly: "12-32" }'))).toEqual({
      line: 5,
      path: 'calendar.events.year_end.yearly',
      code: 'bad_yearly',
      en: '"12-32" is not a yearly date (expected "MM-DD", e.g. "10-01")',
      zh: '"12-32" 不是有效的每年日期（应为 "MM-DD"，如 "10-01"）',
    });
    expect(onlyError(BASE.replace('{ yearly: "12-31" }', '{ yearly: ["02-29", "1-5"] }'))).toMatchObject({
      path: 'calendar.events.year_end.yearly[1]',
      code: 'bad_yearly',
    });
  });

  it('reports every problem of a file at once, in line order', () => {
    const errors = errorsOf(
      withFields(
        '      - { name: a, validate: phone }',
        '      - { name: b, deadline: { after_event: term_start, within: 2w } }',
        '      - { name: c, department: XX, severity: urgent }',
      ).replace('timezone: Asia/Shanghai', 'timezone: Mars/Base'),
    );
    expect(errors.map((e) => [e.line, e.path])).toEqual([
      [2, 'calendar.timezone'],
      [24, 'tables[1].fields[1].validate'],
      [25, 'tables[1].fields[2].deadline.within'],
      [25, 'tables[1].fields[2].deadline.after_event'],
      [26, 'tables[1].fields[3].department'],
      [26, 'tables[1].fields[3].severity'],
    ]);
  });

  it('formats a problem in the example file as the CLI prints it', () => {
    const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
    // Line 70 is the deadline of id_card, the fourth field of staff_basic (the second table).
    expect(lines[69]).toContain('deadline: { after: report_date, within: 7d } }');
    lines[69] = lines[69].replace('within: 7d', 'within: 7x');
    const [problem] = errorsOf(lines.join('\n'));
    expect(formatProblem(problem)).toBe('line 70, tables[1].fields[3].deadline.within: "7x" is not a duration (24h, 7d or 5wd)');
    expect(formatProblem(problem, 'zh-CN')).toBe(
      '第 70 行，tables[1].fields[3].deadline.within："7x" 不是有效的时长（如 24h、7d 或 5wd）',
    );
  });

  it('steward addresses that are not e-mails only warn, and are not kept (no notice could reach them)', () => {
    const { catalog, problems } = parseCatalog(
      BASE.replace('{ code: HR, name: 人事处 }', '{ code: HR, name: 人事处, stewards: [张三, hr-data@example.edu.cn] }'),
    );
    expect(catalog).not.toBeNull();
    expect(problems).toEqual([
      expect.objectContaining({ line: 7, path: 'departments[0].stewards[0]', code: 'bad_email', severity: 'warning' }),
    ]);
    expect(formatProblem(problems[0], 'zh-CN')).toContain('"张三" 不像电子邮件地址，未登记为数据专员邮箱');
    expect(catalog!.departments.find((d) => d.code === 'HR')!.stewards).toEqual(['hr-data@example.edu.cn']);
  });
});
