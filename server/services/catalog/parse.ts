/**
 * Reads a catalog file: validates the whole file and reports every problem at once, each with its
 * line and key path, and returns the normalized `Catalog` only when there is no error (warnings do
 * not block). YAML keys are snake_case (`updated_at`, `maintained_in`, `after_event`); the model is
 * camelCase (see `types.ts`).
 */
import { type Document, LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { readCalendar } from './parse-calendar';
import type { TableMention } from './parse-fields';
import { readDepartments, readSystems } from './parse-organisation';
import { readRules } from './parse-rules';
import { readTable } from './parse-tables';
import { type CatalogProblem, hasErrors } from './problems';
import { type AnyNode, type Declared, Reader, byKey, item } from './reader';
import type { Catalog, CatalogTable } from './types';
import { forbiddenCharacter } from './values';
import { yamlProblems } from './yaml-errors';

export type { CatalogProblem } from './problems';

export const CATALOG_KEYS = ['calendar', 'departments', 'systems', 'tables', 'rules'] as const;

export interface ParseResult {
  catalog: Catalog | null;
  problems: CatalogProblem[];
}

function byLine(a: CatalogProblem, b: CatalogProblem): number {
  return (a.line ?? 0) - (b.line ?? 0);
}

export function parseCatalog(yamlText: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new Reader(lines);

  // A file that is not valid YAML has no reliable structure to validate further: its syntax errors only,
  // those of the first bad line (the rest mostly follow from it), told in the user's language.
  if (doc.errors.length > 0) return { catalog: null, problems: yamlProblems(doc.errors, lines, yamlText) };

  // Aliases (*name) are refused: the reader sees them as neither text nor map, toJSON() turns them
  // into {source} objects, and a "billion laughs" file is nothing but aliases of aliases.
  if (refuseAliases(doc, r)) return { catalog: null, problems: r.problems.sort(byLine) };
  // Characters the database cannot store (U+0000) or that have no place in a catalog, written raw or
  // as YAML escapes ("\0", "\x07", "\uD800"), in keys and values alike (rule conditions too).
  if (refuseCharacters(yamlText, doc, lines, r)) return { catalog: null, problems: r.problems.sort(byLine) };

  const root = doc.contents as AnyNode;
  if (root === null || root === undefined || (isScalar(root) && root.value === null)) {
    r.report(
      root,
      '',
      'not_a_map',
      '目录文件为空；应包含 calendar、departments、systems、tables、rules',
      'the catalog file is empty; expected calendar, departments, systems, tables and rules',
    );
    return { catalog: null, problems: r.problems };
  }
  const map = r.map(root, '');
  if (!map) return { catalog: null, problems: r.problems };
  const entries = byKey(r.entries(map, '', CATALOG_KEYS));

  const calendarNode = entries.get('calendar')?.value;
  const departmentsNode = entries.get('departments')?.value;
  const systemsNode = entries.get('systems')?.value;
  const calendar = readCalendar(r, calendarNode, 'calendar');
  const departments = readDepartments(r, departmentsNode, 'departments');
  const departmentCodes = declared(
    isSeq,
    departmentsNode,
    departments.map((d) => d.code),
  );
  const systems = readSystems(r, systemsNode, 'systems', departmentCodes);
  const eventsNode = isMap(calendarNode) ? (calendarNode.get('events', true) as AnyNode) : undefined;

  // A listed department, system or event is known by its name even where something else in its entry is wrong
  // (its own problem is reported there); a list that could not be read at all declares nothing known (see Declared).
  const context = {
    departments: departmentCodes,
    systems: declared(
      isSeq,
      systemsNode,
      systems.map((s) => s.name),
    ),
    // A `calendar` that is not a map leaves its events unreadable too.
    events:
      declared(isMap, calendarNode, []) === null
        ? null
        : declared(
            isMap,
            eventsNode,
            calendar.events.map((e) => e.name),
          ),
    tableMentions: [] as TableMention[],
  };
  const tables: CatalogTable[] = [];
  const tableNames: { value: string; node: AnyNode; path: string }[] = [];
  const tablesNode = entries.get('tables')?.value;
  if (tablesNode !== undefined) {
    const list = r.seq(tablesNode, 'tables');
    list?.items.forEach((tableNode, index) => {
      const path = item('tables', index);
      const table = readTable(r, tableNode as AnyNode, path, context);
      // Names count for references and duplicates even when something else in the table is wrong.
      const nameNode = (tableNode as { get?: (k: string, keep: true) => AnyNode }).get?.('name', true);
      const name = table?.name ?? (isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value : null);
      if (name !== null) tableNames.push({ value: name, node: nameNode, path: `${path}.name` });
      if (table) tables.push(table);
    });
  }
  // A catalog is its tables: one without any — the list empty, the key left out, `{}` — passed, and importing it stopped
  // every check and closed every open ticket (a wrong or cut-off file; importing the right one again reopens none).
  if (tablesNode === undefined || (tableNames.length === 0 && isSeq(tablesNode) && tablesNode.items.length === 0))
    r.report(
      tablesNode ?? root,
      'tables',
      'no_tables',
      '目录中没有表：tables 下至少应列出一张表（导入没有表的目录会停止全部检查、关闭所有未结工单）',
      'the catalog has no tables: list at least one under tables (importing a catalog without tables would stop every check and close every open ticket)',
    );
  // Sharing requests name tables as people type them, matched to the catalog ignoring case: two
  // tables differing only in case would make those names ambiguous.
  r.duplicates(tableNames, '表名', 'table name', {
    ignoreCase: {
      zhWhy: '共享申请按不区分大小写的表名找到目录中的表',
      enWhy: 'sharing requests find catalog tables by name ignoring case',
    },
  });
  const knownTables = new Set(tableNames.map((t) => t.value));
  for (const mention of context.tableMentions) {
    if (!knownTables.has(mention.table)) {
      r.report(
        mention.node,
        mention.path,
        'unknown_table',
        `表 "${mention.table}" 不在目录的 tables 中`,
        `table "${mention.table}" is not under tables in this catalog`,
      );
    }
  }

  const rules = readRules(r, entries.get('rules')?.value, 'rules', knownTables, tables);

  const problems = r.problems.sort(byLine);
  if (hasErrors(problems)) return { catalog: null, problems };
  return { catalog: { calendar, departments, systems, tables, rules }, problems };
}

/** The names a list declares, or null when it is there but not the list (or map) it should be: see Declared. */
function declared(readable: (node: unknown) => boolean, node: AnyNode, names: string[]): Declared {
  return node === undefined || readable(node) ? new Set(names) : null;
}

/** The key path of a node from the ancestors `visit` hands over; a map key has its pair's path. */
function pathOf(ancestors: readonly unknown[], node: unknown): string {
  let path = '';
  const chain = [...ancestors, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const here = chain[i];
    const next = chain[i + 1];
    if (isPair(here) && (next === here.value || next === here.key) && isScalar(here.key))
      path = path ? `${path}.${String(here.key.value)}` : String(here.key.value);
    else if (isSeq(here)) path = item(path, here.items.indexOf(next as never));
  }
  return path;
}

/** Reports each alias (at most 20) with its line and key path; true when there was one. */
function refuseAliases(doc: Document, r: Reader): boolean {
  let count = 0;
  visit(doc, {
    Alias(_key, node, ancestors) {
      r.report(
        node,
        pathOf(ancestors, node),
        'yaml_syntax',
        `目录不支持 YAML 别名（*${node.source}）：请把内容直接写出`,
        `YAML aliases (*${node.source}) are not allowed in a catalog: write the value out`,
      );
      return ++count >= 20 ? visit.BREAK : undefined;
    },
  });
  return count > 0;
}

const MAX_CHARACTER_PROBLEMS = 20;

/**
 * Reports control characters (see `forbiddenCharacter`), at most 20: first those written raw in the
 * file (YAML does not allow them, and the file itself is stored as text), else those that escapes put
 * into a key or value. True when there was one.
 */
function refuseCharacters(yamlText: string, doc: Document, lines: LineCounter, r: Reader): boolean {
  let count = 0;
  // eslint-disable-next-line no-control-regex
  const raw = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/g;
  for (let match = raw.exec(yamlText); match && count < MAX_CHARACTER_PROBLEMS; match = raw.exec(yamlText), count++) {
    const code = forbiddenCharacter(match[0]);
    r.problems.push({
      line: lines.linePos(match.index).line,
      path: '',
      code: 'bad_character',
      message:
        match[0] === '\ufffd'
          ? {
              'zh-CN': `文件中含有替换字符 ${code}（�）：此处原有的文字在转换编码或粘贴时已丢失，请改回原文`,
              en: `the file contains the replacement character ${code} (�): the text here was lost in a conversion or when pasted; write it again`,
            }
          : {
              'zh-CN': `文件中含有控制字符 ${code}，请删除`,
              en: `the file contains the control character ${code}; remove it`,
            },
      severity: 'error',
    });
  }
  if (count > 0) return true;
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== 'string') return undefined;
      const code = forbiddenCharacter(node.value);
      if (code === null) return undefined;
      r.report(
        node,
        pathOf(ancestors, node),
        'bad_character',
        `含有不允许的字符 ${code}（控制字符、不成对的代理项或替换字符）`,
        `contains the character ${code}, which is not allowed (a control character, a lone surrogate or the replacement character)`,
      );
      return ++count >= MAX_CHARACTER_PROBLEMS ? visit.BREAK : undefined;
    },
  });
  return count > 0;
}
