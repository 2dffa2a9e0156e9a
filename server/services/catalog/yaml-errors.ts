/**
 * YAML syntax errors as the catalog's problems: the `yaml` package's errors (English, by `code`) told
 * in Chinese and English with their line, and only the first bad line's, as one problem — the errors
 * after it mostly follow from it (one list item without its "- " makes every line of the item "wrong"),
 * so they are counted in its message instead. Codes and messages not known here keep the library's text.
 */
import type { LineCounter, YAMLError } from 'yaml';
import type { CatalogProblem, LocalizedText } from './problems';

type Explain = (match: RegExpMatchArray) => LocalizedText;

/** Known messages of the yaml package (2.x), most precise first. */
const BY_MESSAGE: [RegExp, Explain][] = [
  [
    /^Sequence item without - indicator/,
    () => ({
      'zh-CN': '列表项缺少开头的“- ”：同一列表的每一项都以“- ”开头',
      en: 'a list item without its leading "- ": every item of a list starts with "- "',
    }),
  ],
  [
    /^Implicit map keys need to be followed by map values/,
    () => ({
      'zh-CN': '键后缺少冒号：应写成“键: 值”（冒号后有空格），或这一行缩进不对',
      en: 'a key without a colon: write "key: value" (a space after the colon), or this line is indented wrongly',
    }),
  ],
  [
    /^A block sequence may not be used as an implicit map key/,
    () => ({
      'zh-CN': '列表不能作为键：这一行或上一行缩进不对',
      en: 'a list cannot be a key: this line or the one before is indented wrongly',
    }),
  ],
  [
    /^Missing closing "quote/,
    () => ({ 'zh-CN': '双引号没有闭合：缺少结尾的 "', en: 'a double quote is not closed: the closing " is missing' }),
  ],
  [
    /^Missing closing 'quote/,
    () => ({ 'zh-CN': "单引号没有闭合：缺少结尾的 '", en: "a single quote is not closed: the closing ' is missing" }),
  ],
  [
    /^Missing ,(?: or :)? between/,
    () => ({
      'zh-CN': '方括号或花括号中的各项之间缺少逗号“,”',
      en: 'a comma "," is missing between the items in brackets or braces',
    }),
  ],
  [/^Missing space after :/, () => ({ 'zh-CN': '冒号“:”后缺少空格', en: 'a space is missing after ":"' })],
  [
    /^Comments must be separated from other tokens/,
    () => ({ 'zh-CN': '注释的“#”前须有空格', en: 'a "#" comment must have a space before it' }),
  ],
  [
    /must be sufficiently indented and end with a ([\]}])/,
    (m) => ({
      'zh-CN': `方括号或花括号没有闭合（缺少“${m[1]}”），或其后的行缩进不足`,
      en: `brackets or braces are not closed (the "${m[1]}" is missing), or the lines after them are not indented enough`,
    }),
  ],
  [
    /^All mapping items must start at the same column/,
    () => ({
      'zh-CN': '缩进不一致：同一层级的键须从同一列开始',
      en: 'inconsistent indentation: the keys of one level start at the same column',
    }),
  ],
  [
    /^All sequence items must start at the same column/,
    () => ({
      'zh-CN': '缩进不一致：同一列表的各项“- ”须从同一列开始',
      en: 'inconsistent indentation: the "- " of every item of one list starts at the same column',
    }),
  ],
  [
    /^Plain value cannot start with (?:reserved character )?(.+)$/,
    (m) => ({
      'zh-CN': `值不能以 ${m[1]} 开头：请给这个值加上引号`,
      en: `a value cannot start with ${m[1]}: put the value in quotes`,
    }),
  ],
  [
    /^Invalid escape sequence (.+)$/,
    (m) => ({
      'zh-CN': `双引号中的转义 ${m[1]} 无效：反斜杠须写成 \\\\，或改用单引号`,
      en: `the escape ${m[1]} in double quotes is not valid: write a backslash as \\\\, or use single quotes`,
    }),
  ],
  [
    /^Unexpected .+ in YAML stream: "(.*)"$/,
    (m) => ({
      'zh-CN': `多余的“${m[1]}”：它不属于任何键或列表（多余的括号，或缩进不对）`,
      en: `an unexpected "${m[1]}": it belongs to no key or list (an extra bracket, or wrong indentation)`,
    }),
  ],
];

/** One message per common code, for its other messages. */
const BY_CODE: Record<string, LocalizedText> = {
  BAD_INDENT: {
    'zh-CN': '缩进不正确：同一层级的内容从同一列开始，下一级比上一级多缩进（用空格）',
    en: 'wrong indentation: the entries of one level start at the same column, a nested level is indented further (with spaces)',
  },
  MISSING_CHAR: {
    'zh-CN': '缺少必要的符号（冒号、逗号、引号、括号或列表项的“- ”）',
    en: 'a required character is missing (a colon, comma, quote, bracket or the "- " of a list item)',
  },
  BLOCK_AS_IMPLICIT_KEY: {
    'zh-CN': '映射嵌套不正确：一个值里又出现了“键: 值”（含“: ”的值须加引号），或这一行缩进不对',
    en: 'a "key: value" inside a value (quote a value that holds ": "), or this line is indented wrongly',
  },
  MULTILINE_IMPLICIT_KEY: {
    'zh-CN': '键须写在一行内：通常是上一行缺少冒号，或这一行缩进不对',
    en: 'a key must fit on one line: usually the line before lacks its colon, or this line is indented wrongly',
  },
  UNEXPECTED_TOKEN: {
    'zh-CN': '此处有多余或位置不对的内容（多余的括号、逗号，或缩进不对）',
    en: 'unexpected content here (an extra bracket or comma, or wrong indentation)',
  },
  TAB_AS_INDENT: {
    'zh-CN': '缩进用了制表符（Tab）：YAML 只能用空格缩进',
    en: 'indented with a tab: YAML indents with spaces only',
  },
  BLOCK_IN_FLOW: {
    'zh-CN': '方括号或花括号中不能写多行的块（“- ”列表或“键: 值”）',
    en: 'brackets and braces cannot hold a block ("- " list or "key: value" lines)',
  },
  BAD_SCALAR_START: {
    'zh-CN': '值不能以这个符号开头：请给这个值加上引号',
    en: 'a value cannot start with this character: put the value in quotes',
  },
  // "Maximum call stack size exceeded": thousands of nested brackets or indented lists.
  RESOURCE_EXHAUSTION: {
    'zh-CN': '嵌套层级太深，无法读取：目录文件的括号和缩进只需要几层',
    en: 'nested too deeply to read: a catalog needs only a few levels of brackets and indentation',
  },
  MULTIPLE_DOCS: {
    'zh-CN':
      '文件中有多个 YAML 文档（以单独一行的“---”分隔）：数据目录只能是一个文档，请删除这一行的“---”，把其后的内容并入前面，或删去',
    en: 'the file holds several YAML documents (separated by a "---" line): a catalog is one document; remove this "---" and merge what follows into the rest, or delete it',
  },
  KEY_OVER_1024_CHARS: {
    'zh-CN': '键过长（超过 1024 个字符）：通常是上一行的引号或括号没有闭合，或键后缺少冒号',
    en: 'a key longer than 1024 characters: usually a quote or bracket on a line before is not closed, or a colon is missing',
  },
  MULTIPLE_ANCHORS: {
    'zh-CN': '一个值只能有一个锚点（&名称）；数据目录不需要锚点，请删除',
    en: 'a value can have one anchor (&name) only; a catalog needs no anchors: remove them',
  },
  MULTIPLE_TAGS: {
    'zh-CN': '一个值只能有一个标签（!标签）；数据目录不需要标签，请删除',
    en: 'a value can have one tag (!tag) only; a catalog needs no tags: remove them',
  },
  BAD_DQ_ESCAPE: {
    'zh-CN': '双引号中的转义无效：反斜杠须写成 \\\\，或改用单引号',
    en: 'an escape in double quotes is not valid: write a backslash as \\\\, or use single quotes',
  },
};

/** The message of one error, without the "YAML syntax error" prefix (the library's text when unknown). */
export function explainYamlError(error: Pick<YAMLError, 'code' | 'message'>): LocalizedText {
  const text = error.message.split('\n')[0];
  for (const [pattern, explain] of BY_MESSAGE) {
    const match = text.match(pattern);
    if (match) return explain(match);
  }
  return BY_CODE[error.code] ?? { 'zh-CN': text, en: text };
}

/**
 * The problem of a file with YAML errors: one, at the first bad line, however many errors the library finds there
 * (the totals — 共 1 个错误, 1 error(s) — count the lines to correct, as the README says). It is the line's
 * indentation when the line starts between two levels open above it (the library's own guesses there, such as a
 * list item without its "- ", follow from that); else the line's messages, each once, said together. Its message
 * counts the errors after the line. A repeated key (DUPLICATE_KEY) names the key.
 */
export function yamlProblems(errors: readonly YAMLError[], lines: LineCounter, source: string): CatalogProblem[] {
  const lineOf = (e: YAMLError) => (e.pos ? lines.linePos(startOf(e, source)).line : null);
  const sorted = [...errors].sort((a, b) => (a.pos ? startOf(a, source) : 0) - (b.pos ? startOf(b, source) : 0));
  const first = lineOf(sorted[0]);
  // A key typed with a Chinese input method's full-width colon (timezone：Asia/Shanghai) is no key: the library
  // finds the error lines later (缩进不一致 at the next key). That line is the one to correct.
  const colon = first === null ? null : fullWidthColonLine(source, first);
  if (colon !== null) {
    const problem: CatalogProblem = {
      line: colon.line,
      path: '',
      code: 'yaml_syntax',
      message: {
        'zh-CN': `YAML 语法错误：“${colon.key}”后用了中文冒号“：”：键和值之间须用英文冒号加空格，如“${colon.key}: 值”`,
        en: `YAML syntax error: "${colon.key}" is followed by a full-width colon "：": a key and its value are separated by an ASCII colon and a space, as in "${colon.key}: value"`,
      },
      severity: 'error',
    };
    return [withLater(problem, errors.length)];
  }
  const onLine = sorted.filter((error) => lineOf(error) === first);
  const later = sorted.length - onLine.length;
  const misplaced = first !== null && onLine.every(isAboutStructure) ? misplacedIndent(source, first) : null;
  const problem = misplaced ? indentProblem(misplaced, first) : lineProblem(onLine, first, source);
  return [withLater(problem, later)];
}

/** The errors after the bad line, said with its message: not a problem of their own, they are not to correct now. */
function withLater(problem: CatalogProblem, later: number): CatalogProblem {
  if (later === 0) return problem;
  return {
    ...problem,
    message: {
      'zh-CN': `${problem.message['zh-CN']}。其后还有 ${later} 处 YAML 语法错误，多由本行的错误引起：改正本行后重新导入，再看其余问题`,
      en: `${problem.message.en}. ${later} more YAML syntax ${later === 1 ? 'error follows' : 'errors follow'}, most caused by this line's: correct this line and import again to see the rest`,
    },
  };
}

/** The line's errors as one problem: the first one's code, their messages (each once) one after the other. */
function lineProblem(onLine: YAMLError[], line: number | null, source: string): CatalogProblem {
  // Nesting too deep stops the parser: whatever else it reported on that line (its own stack overflow, in JavaScript's
  // words) follows from it and is not for the reader.
  const exhausted = onLine.find((error) => error.code === 'RESOURCE_EXHAUSTION');
  const said = new Map<string, { code: 'duplicate' | 'yaml_syntax'; text: LocalizedText }>();
  for (const error of exhausted ? [exhausted] : onLine) {
    const one =
      error.code === 'DUPLICATE_KEY'
        ? { code: 'duplicate' as const, text: duplicateKey(error, source) }
        : { code: 'yaml_syntax' as const, text: explainYamlError(error) };
    if (!said.has(one.text['zh-CN'])) said.set(one.text['zh-CN'], one);
  }
  const [head, ...rest] = [...said.values()];
  const lead =
    head.code === 'duplicate'
      ? head.text
      : { 'zh-CN': `YAML 语法错误：${head.text['zh-CN']}`, en: `YAML syntax error: ${head.text.en}` };
  return {
    line,
    path: '',
    code: head.code,
    message: {
      'zh-CN': [lead['zh-CN'], ...rest.map((r) => r.text['zh-CN'])].join('；另：'),
      en: [lead.en, ...rest.map((r) => r.text.en)].join('; also: '),
    },
    severity: 'error',
  };
}

/**
 * The library's errors that a line indented between two levels causes (a list item without "- ", a key where a
 * value was, keys out of line…); not those with a cause of their own, such as a quote or a bracket not closed.
 */
function isAboutStructure(error: YAMLError): boolean {
  const text = error.message.split('\n')[0];
  if (/must be sufficiently indented and end with/.test(text)) return false;
  if (error.code === 'MISSING_CHAR')
    return /^(?:Sequence item without - indicator|Implicit map keys need to be followed by map values)/.test(text);
  return ['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'UNEXPECTED_TOKEN'].includes(error.code);
}

interface Misplaced {
  indent: number;
  /** The open levels either side of the line's indentation (no level below it: null). */
  below: number | null;
  above: number;
}

/**
 * A key or list item (`key:`, `- `) indented less than the deepest level open above it, at a column none of those
 * levels has: `title:` at 3 spaces under `- name: x` (levels at 2 and 4). Its siblings start at another column, so
 * its indentation is what to correct. Null for anything else: a line deeper than the levels (a new level), one at a
 * level's column (the list item that lacks only its "- "), a line inside brackets, indented with a tab.
 */
function misplacedIndent(source: string, line: number): Misplaced | null {
  const raw = source.split('\n');
  const all = raw.map((text) => text.replace(/\r$/, ''));
  const text = all[line - 1];
  if (text === undefined) return null;
  const indent = /^ */.exec(text)![0].length;
  const content = text.slice(indent);
  if (!/^(?:-(?:[ \t]|$)|"[^"]*"[ \t]*:|'[^']*'[ \t]*:|[^\s#{}[\],"'][^#]*?:(?:[ \t]|$))/.test(content)) return null;
  const lineStart = raw.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  if (unclosedBracket(source, lineStart, '[') !== null || unclosedBracket(source, lineStart, '{') !== null) return null;
  // The columns where the blocks open above the line start: a line closes the deeper ones, and opens its own and,
  // after each "- ", its item's (`  - name: x` opens 2 and 4).
  const levels: number[] = [];
  for (const above of all.slice(0, line - 1)) {
    const column = /^ */.exec(above)![0].length;
    let rest = above.slice(column);
    if (rest === '' || rest.startsWith('#')) continue;
    while (levels.length > 0 && levels[levels.length - 1] > column) levels.pop();
    if (levels[levels.length - 1] !== column) levels.push(column);
    let at = column;
    for (let dash = /^-[ \t]+/.exec(rest); dash; dash = /^-[ \t]+/.exec(rest)) {
      at += dash[0].length;
      rest = rest.slice(dash[0].length);
      if (rest !== '' && !rest.startsWith('#')) levels.push(at);
    }
  }
  if (levels.length === 0 || levels.includes(indent) || indent > levels[levels.length - 1]) return null;
  const below = levels.filter((level) => level < indent);
  return {
    indent,
    below: below.length > 0 ? below[below.length - 1] : null,
    above: levels.find((level) => level > indent)!,
  };
}

function indentProblem({ indent, below, above }: Misplaced, line: number | null): CatalogProblem {
  const spaces = (n: number) => `${n} ${n === 1 ? 'space' : 'spaces'}`;
  const where =
    below === null
      ? {
          'zh-CN': `比上面最浅的层级（${above} 个空格）还少`,
          en: `less than the shallowest level above it (${spaces(above)})`,
        }
      : {
          'zh-CN': `介于上面两个层级（${below} 个和 ${above} 个空格）之间`,
          en: `between the two levels above it (${below} and ${spaces(above)})`,
        };
  return {
    line,
    path: '',
    code: 'yaml_syntax',
    message: {
      'zh-CN': `YAML 语法错误：缩进不对：这一行缩进了 ${indent} 个空格，${where['zh-CN']}：同一层级的内容须从同一列开始，请与同级的行对齐`,
      en: `YAML syntax error: wrong indentation: this line is indented by ${spaces(indent)}, ${where.en}: the entries of one level start at the same column; align it with the lines of its level`,
    },
    severity: 'error',
  };
}

/**
 * A line at or just before `last` (the first line the library found wrong: the error shows at the key after the
 * bad one) that starts like a block key written with a full-width colon — `key：value`, `- key：value` — and has
 * no ASCII colon before it (so not a value such as `title: 职称：教授`). Only the error's line and the two
 * lines with content before it are looked at; comments and quoted text are not keys.
 */
function fullWidthColonLine(source: string, last: number): { line: number; key: string } | null {
  const all = source.split('\n');
  let looked = 0;
  for (let i = Math.min(last, all.length) - 1; i >= 0 && looked < 3; i--) {
    const text = all[i].trim();
    if (text === '' || text.startsWith('#')) continue;
    looked++;
    const match = /^[ \t\u3000\u00a0]*(?:-[ \t]+)?([^\s"'#:：{}[\],&*!|>%@`-][^:#：]*?)[ \t]*：/.exec(all[i]);
    if (match && match[1].length <= 100) return { line: i + 1, key: match[1] };
  }
  return null;
}

/**
 * Where an error is: the library's position, except for a quote never closed, which it finds at the end
 * of the file — the line to correct is where the quote opened (the last such quote before that end) —
 * and a bracket or brace never closed, which it finds at the first line after it that is not indented
 * enough: the line to correct is where the bracket opened.
 */
function startOf(error: YAMLError, source: string): number {
  const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
  if (quote) {
    const opened = source.lastIndexOf(quote, error.pos[0] - 1);
    return opened >= 0 ? opened : error.pos[0];
  }
  const bracket = /must be sufficiently indented and end with a ([\]}])/.exec(error.message)?.[1];
  if (bracket) return unclosedBracket(source, error.pos[0], bracket === ']' ? '[' : '{') ?? error.pos[0];
  return error.pos[0];
}

/**
 * The innermost `[` or `{` still open at `end`, if it is of the kind given: brackets that start a value
 * (after a line's indentation, `:`, `- `, `,` or another bracket) count, not those inside a plain value
 * such as `^[0-9]{8}$`; quoted text and comments are skipped.
 */
function unclosedBracket(source: string, end: number, kind: '[' | '{'): number | null {
  const open: { char: string; at: number }[] = [];
  let lineStart = 0;
  let i = 0;
  while (i < end) {
    const c = source[i];
    if (c === '\n') lineStart = i + 1;
    if (!'#"\'[]{}'.includes(c)) {
      i++;
      continue;
    }
    // What stands before on the line (its last 100 characters are enough to see what this follows).
    const before = source.slice(Math.max(lineStart, i - 100), i).trimEnd();
    const startsValue = before === '' || /(?:^|\s)[-?]$/.test(before) || /[:,[{]$/.test(before);
    if (c === '#' && (i === 0 || /\s/.test(source[i - 1]))) {
      const eol = source.indexOf('\n', i);
      i = eol < 0 ? end : eol;
    } else if ((c === '"' || c === "'") && startsValue) {
      // To the closing quote: "…\"…" escapes with a backslash, '…''…' by doubling.
      let j = i + 1;
      for (; j < end; j++) {
        if (source[j] === '\n') lineStart = j + 1;
        else if (c === '"' && source[j] === '\\') j++;
        else if (c === "'" && source[j] === "'" && source[j + 1] === "'") j++;
        else if (source[j] === c) break;
      }
      // A quote still open: its own error is the one to correct, the bracket's follows from it.
      if (j >= end) return null;
      i = j + 1;
    } else {
      if ((c === '[' || c === '{') && (startsValue || open.length > 0)) open.push({ char: c, at: i });
      else if ((c === ']' || c === '}') && open.length > 0) open.pop();
      i++;
    }
  }
  const innermost = open.at(-1);
  return innermost && innermost.char === kind ? innermost.at : null;
}

/** A repeated key's message, naming the key. */
function duplicateKey(error: YAMLError, source: string): LocalizedText {
  // The error points at the key's start: the key is what stands before its colon on that line.
  const found = error.pos ? /^[ \t]*("[^"\n]*"|'[^'\n]*'|[^:\n]+?)[ \t]*:/.exec(source.slice(error.pos[0])) : null;
  const key = found?.[1] ?? '';
  return key !== '' && key.length <= 100
    ? { 'zh-CN': `YAML 中同一映射的键重复：${key}`, en: `duplicate key in a YAML map: ${key}` }
    : { 'zh-CN': 'YAML 中同一映射的键重复', en: 'duplicate key in a YAML map' };
}
