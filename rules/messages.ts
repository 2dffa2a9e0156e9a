/**
 * The runner's and the engine's own error sentences (a table or column the hub lacks, a timeout, no catalog, the hub
 * unreachable, an instance that stopped), one place for the words they are stored in and for reading them back.
 *
 * They are stored as one bilingual text, "中文 / English" (check_run_tables.error_message, check_runs.error): the
 * command line's diagnostics, the logs and the IT office's notices read that text, and no column holds a code's
 * parameters. A page shows the reader's language only: `parseCheckError` finds which sentence a stored text is and its
 * parameters, and the page says it again in its own language (server/services/checks/error-text.ts, the
 * `checks.errorText.*` keys). Every key here has its `checks.errorText.<key>` there (a unit test holds them together).
 */
export const CHECK_ERROR_TEXTS = {
  tableMissing: { zh: '中台中不存在表 {table}', en: 'hub table {table} does not exist' },
  columnMissing: { zh: '表 {table} 没有列 {column}（{where}）', en: 'table {table} has no column {column} ({where})' },
  columnNotTime: {
    zh: '表 {table} 的列 {column}（{where}）类型为 {type}，应为日期或时间类型',
    en: 'column {column} ({where}) is {type}, expected a date or time type',
  },
  referencedTableMissing: {
    zh: '{where} 引用的表 {table} 在中台中不存在',
    en: 'table {table} named by {where} does not exist in the hub',
  },
  referencedColumnMissing: {
    zh: '{where} 引用的表 {table} 没有列 {column}',
    en: 'table {table} named by {where} has no column {column}',
  },
  /** Followed by the database's own words (": canceling statement due to statement timeout"). */
  timeout: { zh: '查询超过 {ms} ms 被中止', en: 'query exceeded the {ms} ms statement timeout', detail: true },
  noCatalog: { zh: '尚未导入数据目录', en: 'no catalog imported yet' },
  /** Followed by the hub's (or the driver's) own words. */
  hubUnreachable: { zh: '数据中台无法连接', en: 'the hub could not be reached', detail: true },
  instanceStopped: { zh: '执行实例中断', en: 'instance stopped before finishing' },
  /** English first, as it has always been stored; followed by the database's words. */
  serviceDatabaseLost: {
    zh: '服务数据库连接中断',
    en: 'service database connection lost',
    detail: true,
    englishFirst: true,
  },
} as const;

export type CheckErrorKey = keyof typeof CHECK_ERROR_TEXTS;
type Template = { zh: string; en: string; detail?: boolean; englishFirst?: boolean };
const TEMPLATES = CHECK_ERROR_TEXTS as Record<CheckErrorKey, Template>;

const fill = (text: string, params: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

/** The stored text of one sentence: "中文 / English", then ": <detail>" for those followed by other words. */
export function checkErrorText(key: CheckErrorKey, params: Record<string, string | number> = {}, detail?: string): string {
  const t = TEMPLATES[key];
  const [first, second] = t.englishFirst ? [t.en, t.zh] : [t.zh, t.en];
  return `${fill(first, params)} / ${fill(second, params)}${t.detail ? `: ${detail ?? ''}` : ''}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One template as a pattern: each parameter a group (the same name twice, the same text), the halves as stored. */
function pattern(t: Template): RegExp {
  const seen = new Set<string>();
  const half = (text: string) =>
    text
      .split(/(\{\w+\})/)
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (!name) return escape(part);
        if (seen.has(name)) return `\\k<${name}>`;
        seen.add(name);
        return `(?<${name}>.+?)`;
      })
      .join('');
  const [first, second] = t.englishFirst ? [t.en, t.zh] : [t.zh, t.en];
  // "（fields.nickname）/ table …": a half ending in a full-width bracket was stored without the space before "/".
  const body = `${half(first)} ?/ ${half(second)}`;
  return new RegExp(`^${body}${t.detail ? ': (?<detail>[\\s\\S]*)' : ''}$`);
}

const PATTERNS = (Object.keys(TEMPLATES) as CheckErrorKey[]).map((key) => ({ key, re: pattern(TEMPLATES[key]) }));

/** Which sentence a stored text is, with its parameters and the words after it; null for any other text (the hub's). */
export function parseCheckError(text: string): { key: CheckErrorKey; params: Record<string, string>; detail?: string } | null {
  for (const { key, re } of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const { detail, ...params } = { ...m.groups };
    return { key, params, ...(detail === undefined ? {} : { detail }) };
  }
  return null;
}
