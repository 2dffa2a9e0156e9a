/**
 * Walks the YAML syntax tree (not plain JS values) so that every problem can name its line, and so
 * that numbers keep their source text (`01` stays "01", not 1).
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { CatalogProblem, CatalogProblemCode, ProblemSeverity } from './problems';
import { textLength } from './values';

export type AnyNode = Node | null | undefined;

export interface Entry {
  key: string;
  keyNode: AnyNode;
  value: AnyNode;
}

export const at = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * The names a list of the catalog declares (department codes, system names, calendar events), for the keys that name
 * them; null when the list itself could not be read (a map where a list belongs): that is reported once, at the list,
 * and as nothing is known to be declared, no key naming an entry is reported as naming an unknown one as well.
 */
export type Declared = ReadonlySet<string> | null;
export const item = (path: string, index: number): string => `${path}[${index}]`;

/** The characters of an unknown key a message repeats. */
const KEY_SHOWN = 60;

/** What a node is, in the words of the messages. */
function kindOf(node: AnyNode): { zh: string; en: string } {
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return { zh: '空值', en: 'nothing' };
  if (isMap(node)) return { zh: '映射', en: 'a map' };
  if (isSeq(node)) return { zh: '列表', en: 'a list' };
  if (isScalar(node)) {
    if (typeof node.value === 'boolean') return { zh: '布尔值', en: 'true/false' };
    if (typeof node.value === 'number' || typeof node.value === 'bigint') return { zh: '数字', en: 'a number' };
    // Tagged values the YAML library turns into objects: "expected text, found text" said nothing.
    if (node.value instanceof Uint8Array) return { zh: '二进制数据（!!binary）', en: 'binary data (!!binary)' };
    if (node.value instanceof Date) return { zh: '日期时间（!!timestamp）', en: 'a timestamp (!!timestamp)' };
    if (typeof node.value !== 'string') return { zh: '其他', en: 'something else' };
    return { zh: '文本', en: 'text' };
  }
  return { zh: '其他', en: 'something else' };
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest allowed word when it is close enough to be a typo. */
export function suggest(word: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

export class Reader {
  readonly problems: CatalogProblem[] = [];

  constructor(private readonly lines: LineCounter) {}

  line(node: AnyNode): number | null {
    const range = node?.range;
    return range ? this.lines.linePos(range[0]).line : null;
  }

  report(
    node: AnyNode,
    path: string,
    code: CatalogProblemCode,
    zh: string,
    en: string,
    severity: ProblemSeverity = 'error',
  ): void {
    this.problems.push({ line: this.line(node), path, code, message: { 'zh-CN': zh, en }, severity });
  }

  wrongType(node: AnyNode, path: string, expectedZh: string, expectedEn: string): void {
    const found = kindOf(node);
    this.report(node, path, 'wrong_type', `应为${expectedZh}，实际是${found.zh}`, `expected ${expectedEn}, found ${found.en}`);
  }

  map(node: AnyNode, path: string): YAMLMap | null {
    if (isMap(node)) return node;
    this.wrongType(node, path, '映射（键: 值）', 'a map (key: value)');
    return null;
  }

  seq(node: AnyNode, path: string): YAMLSeq | null {
    if (isSeq(node)) return node;
    this.wrongType(node, path, '列表', 'a list');
    return null;
  }

  /** The map's entries; reports keys that are not in `allowed` (typo protection). */
  entries(map: YAMLMap, path: string, allowed: readonly string[]): Entry[] {
    const result: Entry[] = [];
    for (const pair of map.items as Pair<AnyNode, AnyNode>[]) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (!isScalar(keyNode)) {
        this.report(keyNode ?? map, path, 'wrong_type', '键应为文本', 'keys must be text');
        continue;
      }
      if (!allowed.includes(key)) {
        // `{ code：HR }` typed with a Chinese input method: one unknown key "code：HR", no value.
        const colon = /^([^：]+?)\s*：\s*(.*)$/s.exec(key);
        if (colon && allowed.includes(colon[1])) {
          this.report(
            keyNode,
            at(path, colon[1]),
            'unknown_key',
            `"${key}" 用了中文冒号“：”：键和值之间须用英文冒号加空格，如 "${colon[1]}: ${colon[2]}"`,
            `"${key}" has a full-width colon "：": a key and its value are separated by an ASCII colon and a space, as in "${colon[1]}: ${colon[2]}"`,
          );
          continue;
        }
        // Indented with a full-width or non-breaking space (an IME, a copy from a web page): YAML does not take
        // it as indentation, so it is part of the key.
        const spaced = key.trim();
        if (spaced !== key && allowed.includes(spaced)) {
          this.report(
            keyNode,
            at(path, spaced),
            'unknown_key',
            `键 "${spaced}" 前后有全角空格或不间断空格：缩进只能用半角空格`,
            `the key "${spaced}" has a full-width or non-breaking space around it: indent with ASCII spaces only`,
          );
          continue;
        }
        const guess = suggest(key, allowed);
        // A pasted paragraph as a key: its beginning names it (the path and the message each carried all of it).
        const shown = Array.from(key).length > KEY_SHOWN ? `${Array.from(key).slice(0, KEY_SHOWN).join('')}…` : key;
        this.report(
          keyNode,
          at(path, shown),
          'unknown_key',
          `未知的键 "${shown}"${guess ? `，是否应为 "${guess}"？` : ''}（允许：${allowed.join('、')}）`,
          `unknown key "${shown}"${guess ? ` (did you mean "${guess}"?)` : ''}; allowed: ${allowed.join(', ')}`,
        );
        continue;
      }
      result.push({ key, keyNode, value: pair.value });
    }
    return result;
  }

  /**
   * Text value; numbers keep their source text. Null (with a problem) for anything else, and for text
   * longer than `maxLength` characters (the size of the database column it is stored in).
   */
  text(node: AnyNode, path: string, maxLength?: number): string | null {
    let value: string;
    if (isScalar(node) && typeof node.value === 'string') {
      if (node.value.trim() === '') {
        this.report(node, path, 'wrong_type', '不能为空', 'must not be empty');
        return null;
      }
      value = node.value;
    } else if (isScalar(node) && typeof node.value === 'number') {
      value = node.source ?? String(node.value);
    } else {
      this.wrongType(node, path, '文本', 'text');
      return null;
    }
    const length = maxLength === undefined ? 0 : textLength(value);
    if (maxLength !== undefined && length > maxLength) {
      this.report(
        node,
        path,
        'too_long',
        `过长：${length} 个字符，最多 ${maxLength} 个`,
        `too long: ${length} characters, at most ${maxLength}`,
      );
      return null;
    }
    return value;
  }

  /** Like `text`, but an explicit null/empty value means "not set". */
  optionalText(node: AnyNode, path: string, maxLength?: number): string | null {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return null;
    return this.text(node, path, maxLength);
  }

  bool(node: AnyNode, path: string): boolean | null {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    // Spaced from the Chinese around it: 应为 true 或 false，实际是文本 (it read 应为true 或 false).
    this.wrongType(node, path, ' true 或 false', 'true or false');
    return null;
  }

  /** A list of texts; a single text is not accepted, so that `key: a, b` is caught. */
  texts(node: AnyNode, path: string): { value: string; node: AnyNode; path: string }[] | null {
    const list = this.seq(node, path);
    if (!list) return null;
    const result: { value: string; node: AnyNode; path: string }[] = [];
    list.items.forEach((entry, index) => {
      const value = this.text(entry as AnyNode, item(path, index));
      if (value !== null) result.push({ value, node: entry as AnyNode, path: item(path, index) });
    });
    return result;
  }

  enumValue<T extends string>(node: AnyNode, path: string, allowed: readonly T[]): T | null {
    const value = this.text(node, path);
    if (value === null) return null;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const guess = suggest(value, allowed);
    this.report(
      node,
      path,
      'bad_enum',
      `"${value}" 无效，应为 ${allowed.join(' | ')} 之一${guess ? `（是否应为 "${guess}"？）` : ''}`,
      `"${value}" is not allowed; expected one of ${allowed.join(' | ')}${guess ? ` (did you mean "${guess}"?)` : ''}`,
    );
    return null;
  }

  /** Reports a required key that is absent; the problem points at the map that lacks it. */
  require(entries: Map<string, Entry>, map: YAMLMap, path: string, key: string, zhWhat: string, enWhat: string): Entry | null {
    const entry = entries.get(key);
    if (entry) return entry;
    this.report(
      map,
      at(path, key),
      'missing_key',
      `缺少必填键 "${key}"（${zhWhat}）`,
      `missing required key "${key}" (${enWhat})`,
    );
    return null;
  }

  /**
   * Reports a later duplicate of an earlier value. With `ignoreCase`, values differing only in
   * letter case are duplicates too, and the message says so.
   */
  duplicates(
    values: { value: string; node: AnyNode; path: string }[],
    zhWhat: string,
    enWhat: string,
    options: { ignoreCase?: { zhWhy: string; enWhy: string } } = {},
  ): void {
    const keyOf = (value: string) => (options.ignoreCase ? value.toLowerCase() : value);
    const seen = new Map<string, { value: string; path: string }>();
    for (const entry of values) {
      const first = seen.get(keyOf(entry.value));
      if (first === undefined) {
        seen.set(keyOf(entry.value), { value: entry.value, path: entry.path });
      } else if (first.value === entry.value || !options.ignoreCase) {
        this.report(
          entry.node,
          entry.path,
          'duplicate',
          `${zhWhat} "${entry.value}" 重复（首次出现于 ${first.path}）`,
          `duplicate ${enWhat} "${entry.value}" (first at ${first.path})`,
        );
      } else {
        this.report(
          entry.node,
          entry.path,
          'duplicate',
          `${zhWhat} "${entry.value}" 与 "${first.value}"（${first.path}）仅大小写不同：${options.ignoreCase.zhWhy}`,
          `${enWhat} "${entry.value}" differs only in letter case from "${first.value}" (${first.path}): ${options.ignoreCase.enWhy}`,
        );
      }
    }
  }
}

export function byKey(entries: Entry[]): Map<string, Entry> {
  return new Map(entries.map((e) => [e.key, e]));
}
