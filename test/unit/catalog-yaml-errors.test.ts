import fs from 'node:fs';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { parseCatalog } from '../../server/services/catalog/parse';
import { formatProblem } from '../../server/services/catalog/problems';

/**
 * YAML syntax errors in the user's language, one bad line's only (the errors after it mostly follow
 * from it), and a department code too long reported once, not as unknown wherever it is used.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');

function exampleWith(from: string, to: string): string {
  expect(EXAMPLE.split(from)).toHaveLength(2);
  return EXAMPLE.replace(from, to);
}
const lines = (text: string, locale: 'zh-CN' | 'en') => parseCatalog(text).problems.map((p) => formatProblem(p, locale));

describe('YAML syntax errors', () => {
  it.each([
    [
      'a list item without "- " (MISSING_CHAR)',
      exampleWith('  - { code: ORG,', '    { code: ORG,'),
      '第 19 行，（文件）：YAML 语法错误：列表项缺少开头的“- ”：同一列表的每一项都以“- ”开头',
      'line 19, (file): YAML syntax error: a list item without its leading "- ": every item of a list starts with "- "',
    ],
    [
      'a tab as indentation (TAB_AS_INDENT)',
      'departments:\n\t- { code: HR, name: 人事处 }\n',
      '第 2 行，（文件）：YAML 语法错误：缩进用了制表符（Tab）：YAML 只能用空格缩进',
      'line 2, (file): YAML syntax error: indented with a tab: YAML indents with spaces only',
    ],
    [
      'a key repeated (DUPLICATE_KEY)',
      'departments:\n  - code: HR\n    name: 人事处\n    name: 组织部\n',
      '第 4 行，（文件）：YAML 中同一映射的键重复：name',
      'line 4, (file): duplicate key in a YAML map: name',
    ],
    [
      'a value holding ": " (BLOCK_AS_IMPLICIT_KEY)',
      'departments:\n  - code: HR: x\n',
      '第 2 行，（文件）：YAML 语法错误：映射嵌套不正确：一个值里又出现了“键: 值”（含“: ”的值须加引号），或这一行缩进不对',
      'line 2, (file): YAML syntax error: a "key: value" inside a value (quote a value that holds ": "), or this line is indented wrongly',
    ],
    [
      'an unclosed quote (MISSING_CHAR)',
      'departments:\n  - { code: HR, name: "人事处 }\n  - { code: ORG, name: 组织部 }\n',
      '第 2 行，（文件）：YAML 语法错误：双引号没有闭合：缺少结尾的 "。其后还有 1 处 YAML 语法错误，多由本行的错误引起：改正本行后重新导入，再看其余问题',
      'line 2, (file): YAML syntax error: a double quote is not closed: the closing " is missing. 1 more YAML syntax error follows, most caused by this line\'s: correct this line and import again to see the rest',
    ],
    [
      'a bracket never closed: at the line it opens, not the first line after it (BAD_INDENT)',
      'departments: [\n  { code: HR, name: 人事处 }\ntables: []\n',
      '第 1 行，（文件）：YAML 语法错误：方括号或花括号没有闭合（缺少“]”），或其后的行缩进不足',
      'line 1, (file): YAML syntax error: brackets or braces are not closed (the "]" is missing), or the lines after them are not indented enough',
    ],
    [
      'a brace never closed, after closed ones, quoted brackets and a comment',
      "departments:\n  # not [ this\n  - { code: HR, name: 'it''s [', stewards: [a@b.cn] }\n  - { code: ORG, name: \"x {\" \n  - { code: STU, name: 学生处 }\n",
      '第 4 行，（文件）：YAML 语法错误：方括号或花括号没有闭合（缺少“}”），或其后的行缩进不足',
      'line 4, (file): YAML syntax error: brackets or braces are not closed (the "}" is missing), or the lines after them are not indented enough',
    ],
    [
      'a bad escape (BAD_DQ_ESCAPE)',
      'departments:\n  - { code: HR, name: "人事\\q处" }\n',
      '第 2 行，（文件）：YAML 语法错误：双引号中的转义 \\q 无效：反斜杠须写成 \\\\，或改用单引号',
      'line 2, (file): YAML syntax error: the escape \\q in double quotes is not valid: write a backslash as \\\\, or use single quotes',
    ],
  ])('%s: said in Chinese and English with its line', (_what, text, zh, en) => {
    expect(lines(text, 'zh-CN')[0]).toBe(zh);
    expect(lines(text, 'en')[0]).toBe(en);
  });

  it('brackets nested thousands deep are said to be so, not as the stack overflow of the parser (RESOURCE_EXHAUSTION)', () => {
    const [problem] = parseCatalog(`departments: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).problems;
    expect(problem.message).toEqual({
      'zh-CN': 'YAML 语法错误：嵌套层级太深，无法读取：目录文件的括号和缩进只需要几层',
      en: 'YAML syntax error: nested too deeply to read: a catalog needs only a few levels of brackets and indentation',
    });
  });

  it('a message the product does not know keeps the library text', () => {
    const [problem] = parseCatalog('departments: &a [x]\nsystems: &b *a\n').problems;
    expect(problem.message).toEqual({
      'zh-CN': 'YAML 语法错误：An alias node must not specify any properties',
      en: 'YAML syntax error: An alias node must not specify any properties',
    });
    // Two anchors or tags on one value, a key over 1024 characters: said in the reader's language.
    expect(lines('departments: &a &b [x]\n', 'zh-CN')).toEqual([
      '第 1 行，（文件）：YAML 语法错误：一个值只能有一个锚点（&名称）；数据目录不需要锚点，请删除',
    ]);
    expect(lines('departments: !!seq !!seq [x]\n', 'en')).toEqual([
      'line 1, (file): YAML syntax error: a value can have one tag (!tag) only; a catalog needs no tags: remove them',
    ]);
    expect(lines(`${'k'.repeat(1100)}: 1\n`, 'en')[0]).toMatch(
      /^line 1, \(file\): YAML syntax error: a key longer than 1024 characters/,
    );
  });

  it('reports the first bad line only, counting the errors that follow from it', () => {
    // `- name: staff_basic` without its "- ": each of its lines and the next table's are "wrong" too.
    const problems = parseCatalog(exampleWith('  - name: staff_basic', '  name: staff_basic')).problems;
    // One problem, the count said with it: it is not an error of its own (the totals said 2 errors).
    expect(problems.map((p) => formatProblem(p, 'zh-CN'))).toEqual([
      expect.stringMatching(
        /^第 49 行，（文件）：YAML 语法错误：缩进不一致：同一层级的键须从同一列开始。其后还有 \d+ 处 YAML 语法错误，多由本行的错误引起：改正本行后重新导入，再看其余问题$/,
      ),
    ]);
    expect(problems.every((p) => p.code === 'yaml_syntax' && p.severity === 'error')).toBe(true);
  });

  it('a key indented between two levels is said to be wrongly indented, naming both, not a list item without "- "', () => {
    // `title:` of student_payment indented by 3 spaces instead of 4: the library's first guess was a missing "- ".
    const text = exampleWith('  - name: student_payment\n    title:', '  - name: student_payment\n   title:');
    const problems = parseCatalog(text).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 100, path: '', code: 'yaml_syntax', severity: 'error' });
    expect(formatProblem(problems[0], 'zh-CN')).toMatch(
      /^第 100 行，（文件）：YAML 语法错误：缩进不对：这一行缩进了 3 个空格，介于上面两个层级（2 个和 4 个空格）之间：同一层级的内容须从同一列开始，请与同级的行对齐。其后还有 \d+ 处 YAML 语法错误，多由本行的错误引起/,
    );
    expect(formatProblem(problems[0], 'en')).toMatch(
      /^line 100, \(file\): YAML syntax error: wrong indentation: this line is indented by 3 spaces, between the two levels above it \(2 and 4 spaces\): the entries of one level start at the same column; align it with the lines of its level\. \d+ more YAML syntax errors follow/,
    );
    expect(formatProblem(problems[0], 'zh-CN')).not.toContain('“- ”');
    // A list item one space short of its siblings' "- ", the same.
    expect(lines(exampleWith('  - { code: ORG,', ' - { code: ORG,'), 'en')).toEqual([
      expect.stringMatching(
        /^line 19, \(file\): YAML syntax error: wrong indentation: this line is indented by 1 space, between the two levels above it \(0 and 2 spaces\)/,
      ),
    ]);
    // Where its siblings' content starts, a line is indented as they are: the "- " is what it lacks.
    expect(lines(exampleWith('  - { code: ORG,', '    { code: ORG,'), 'en')).toEqual([
      'line 19, (file): YAML syntax error: a list item without its leading "- ": every item of a list starts with "- "',
    ]);
  });

  it('one bad line is one problem, one error in the totals, its messages said together', () => {
    // The library finds two things wrong on line 99 (a value then a nested key): one problem says both.
    const text = exampleWith('  - name: student_payment\n    title:', '  - name: student_payment\n     title:');
    const problems = parseCatalog(text).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toEqual({
      'zh-CN':
        'YAML 语法错误：映射嵌套不正确：一个值里又出现了“键: 值”（含“: ”的值须加引号），或这一行缩进不对；另：键须写在一行内：通常是上一行缺少冒号，或这一行缩进不对',
      en: 'YAML syntax error: a "key: value" inside a value (quote a value that holds ": "), or this line is indented wrongly; also: a key must fit on one line: usually the line before lacks its colon, or this line is indented wrongly',
    });
  });

  it('the example still parses without a problem', () => {
    expect(parseCatalog(EXAMPLE).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('a department code that is too long', () => {
  it('is reported once, not as an unknown department wherever it is used nor its system as unknown', () => {
    const text = EXAMPLE.replace(/\bHR\b/g, 'H'.repeat(70));
    expect(lines(text, 'en')).toEqual(['line 18, departments[0].code: too long: 70 characters, at most 64']);
    expect(parseCatalog(text).catalog).toBeNull();
  });

  it('a code nobody declared is still unknown', () => {
    const text = exampleWith('    department: FIN\n', `    department: ${'F'.repeat(70)}\n`);
    expect(lines(text, 'en')).toEqual([
      expect.stringMatching(/^line \d+, tables\[\d+\]\.department: unknown department "F{70}"/),
    ]);
  });
});

/**
 * One mistake in an entry of departments, systems or the calendar's events is that entry's one error: the entry is
 * still known by its name, so the tables and fields naming it are not reported too (a system's mistyped department
 * read as an unknown system in each of its tables). A list that cannot be read at all declares nothing, and is
 * reported once, not as every name used elsewhere being unknown.
 */
describe('a mistake in a listed department, system or event', () => {
  const en = (text: string) => lines(text, 'en').filter((l) => !l.includes('warning: '));

  it("a system's unknown department is its one error, not an unknown system in each table naming it", () => {
    const text = exampleWith('{ name: 人事管理系统,   department: HR }', '{ name: 人事管理系统,   department: NOPE }');
    expect(en(text)).toEqual([
      'line 30, systems[0].department: unknown department "NOPE" (expected a code listed under departments)',
    ]);
    expect(lines(text, 'zh-CN').filter((l) => !l.includes('警告'))).toHaveLength(1);
    expect(parseCatalog(text).catalog).toBeNull();
  });

  it('a system without its department, or with a name too long, is that one error', () => {
    expect(en(exampleWith('{ name: 人事管理系统,   department: HR }', '{ name: 人事管理系统 }'))).toEqual([
      'line 30, systems[0].department: missing required key "department" (responsible department code)',
    ]);
    const long = '人'.repeat(201);
    expect(en(EXAMPLE.replace(/人事管理系统/g, long))).toEqual([
      'line 30, systems[0].name: too long: 201 characters, at most 200',
    ]);
  });

  it('a table naming a system nobody listed is still told', () => {
    const text = exampleWith('{ name: 人事管理系统,   department: HR }', '{ name: 人事系统,   department: NOPE }');
    expect(en(text)).toEqual([
      'line 30, systems[0].department: unknown department "NOPE" (expected a code listed under departments)',
      'line 54, tables[1].system: unknown system "人事管理系统" (expected a name listed under systems)',
    ]);
  });

  it('departments, systems or events that are not a list (a map) are one error each, not every name unknown', () => {
    const departments = EXAMPLE.slice(EXAMPLE.indexOf('departments:\n'), EXAMPLE.indexOf('\nsystems:'));
    const asMap = departments.replace(/- \{ code: (\w+), +name: ([^,} ]+).*\}/g, '$1: $2');
    expect(en(exampleWith(departments, asMap))).toEqual(['line 18, departments: expected a list, found a map']);

    const systems = EXAMPLE.slice(EXAMPLE.indexOf('systems:\n'), EXAMPLE.indexOf('\ntables:'));
    const systemsMap = systems.replace(/- \{ name: ([^,]+), +department: (\w+) \}/g, '$1: $2');
    expect(en(exampleWith(systems, systemsMap))).toEqual(['line 30, systems: expected a list, found a map']);

    const events = EXAMPLE.slice(EXAMPLE.indexOf('  events:\n'), EXAMPLE.indexOf('\ndepartments:'));
    const eventsList = events.replace(/^ {4}(\w+:)/gm, '    - $1');
    expect(en(exampleWith(events, eventsList))).toEqual(['line 9, calendar.events: expected a map (key: value), found a list']);
    const calendar = EXAMPLE.slice(EXAMPLE.indexOf('calendar:\n'), EXAMPLE.indexOf('\ndepartments:'));
    expect(en(exampleWith(calendar, 'calendar: Asia/Shanghai\n'))).toEqual([
      'line 5, calendar: expected a map (key: value), found text',
    ]);
  });
});
