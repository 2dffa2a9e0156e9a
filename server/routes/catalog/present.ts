/**
 * What the catalog pages show, prepared from the normalized catalog: owners with names, checks as
 * readable tags, deadlines in words.
 */
import type { Translator } from '../../i18n';
import { BUILTIN_CODE_LISTS } from '../../services/catalog/code-lists';
import { describeDeadline, describeDuration, type Locale } from '../../services/catalog/describe';
import type { Catalog, CatalogField, CatalogTable } from '../../services/catalog/types';

/**
 * What the date in a column means, for deadlines `{after: COLUMN}`: "教师报到后7天内" reads better than
 * "report_date 后7天内". Columns of the table with a title in the catalog use that title.
 */
const COLUMN_TITLES: Record<string, Record<Locale, string>> = {
  report_date: { 'zh-CN': '教师报到', en: 'the staff member reports for duty' },
  hire_date: { 'zh-CN': '入职', en: 'hiring' },
  enroll_date: { 'zh-CN': '新生报到', en: 'enrolment' },
  admission_date: { 'zh-CN': '录取', en: 'admission' },
  issue_date: { 'zh-CN': '文件出台', en: 'the document is issued' },
};

export function columnTitles(table: CatalogTable, locale: Locale): Record<string, string> {
  const titles: Record<string, string> = {};
  for (const [column, title] of Object.entries(COLUMN_TITLES)) titles[column] = title[locale];
  for (const field of table.fields) if (field.title) titles[field.name] = field.title;
  return titles;
}

/** The field's checks in words, by check kind, in the order the catalog page lists them. */
function fieldChecks(field: CatalogField, t: Translator, locale: Locale): { check: string; words: string }[] {
  const checks: { check: string; words: string | null }[] = [
    { check: 'required', words: field.required ? t('catalog.checks.required') : null },
    { check: 'unique', words: field.unique ? t('catalog.checks.unique') : null },
    { check: 'pattern', words: field.pattern ? t('catalog.checks.pattern', { pattern: field.pattern }) : null },
    {
      check: 'validate',
      words: field.validate ? t('catalog.checks.validate', { what: t(`catalog.validators.${field.validate}`) }) : null,
    },
    { check: 'codes', words: codesTag(field, t, locale) },
    { check: 'references', words: field.references ? t('catalog.checks.references', field.references) : null },
  ];
  return checks.filter((c): c is { check: string; words: string } => c.words !== null);
}

export function checkTags(field: CatalogField, t: Translator, locale: Locale): string[] {
  return fieldChecks(field, t, locale).map((c) => c.words);
}

/** The field's code list in words (代码：GB/T 2261.1 人的性别代码), null without one. */
function codesTag(field: CatalogField, t: Translator, locale: Locale): string | null {
  if (field.codes?.kind === 'builtin') {
    const list = BUILTIN_CODE_LISTS[field.codes.name];
    return t('catalog.checks.codesBuiltin', {
      name: field.codes.name,
      title: (locale === 'en' ? list?.titleEn : list?.title) ?? '',
    }).trim();
  }
  if (field.codes?.kind === 'inline') return t('catalog.checks.codesInline', { values: field.codes.values.join(', ') });
  if (field.codes?.kind === 'hub') return t('catalog.checks.codesHub', { table: field.codes.table, column: field.codes.column });
  return null;
}

export interface FieldView {
  name: string;
  title: string | null;
  owner: string;
  ownerName: string;
  ownOwner: boolean;
  tags: string[];
  deadline: string | null;
  sensitive: boolean;
  severity: string;
  match?: boolean;
}

export function departmentNames(catalog: Catalog): Map<string, string> {
  return new Map(catalog.departments.map((d) => [d.code, d.name]));
}

export function fieldViews(catalog: Catalog, table: CatalogTable, locale: Locale, t: Translator): FieldView[] {
  const names = departmentNames(catalog);
  const columns = columnTitles(table, locale);
  return table.fields.map((field) => {
    const owner = field.department ?? table.department;
    return {
      name: field.name,
      title: field.title,
      owner,
      ownerName: names.get(owner) ?? owner,
      ownOwner: field.department !== null && field.department !== table.department,
      tags: checkTags(field, t, locale),
      deadline: field.deadline
        ? describeDeadline(field.deadline, { locale, columnTitles: columns, events: catalog.calendar.events })
        : null,
      sensitive: field.sensitive,
      severity: field.severity,
    };
  });
}

/** The table's freshness bound and the months it applies in, in words (null without them). */
function freshnessWords(table: CatalogTable, locale: Locale, t: Translator) {
  return {
    freshness: table.freshness
      ? t('catalog.table.freshnessValue', { duration: describeDuration(table.freshness, locale) })
      : null,
    maintainedIn: table.maintainedIn
      ? t('catalog.table.months', { months: table.maintainedIn.join(t('common.enumSeparator')) })
      : null,
  };
}

export function tableView(catalog: Catalog, table: CatalogTable, locale: Locale, t: Translator) {
  const names = departmentNames(catalog);
  return {
    name: table.name,
    title: table.title,
    domain: table.domain,
    owner: table.department,
    ownerName: names.get(table.department) ?? table.department,
    system: table.system,
    sharing: table.sharing,
    key: table.key,
    updatedAt: table.updatedAt,
    ...freshnessWords(table, locale, t),
    scope: Object.entries(table.scope).map(([column, values]) => `${column} ∈ {${values.join(', ')}}`),
    fieldCount: table.fields.length,
    noFields: t(noFieldsKey(catalog, table)),
  };
}

/**
 * What a table without fields is checked for, as its page says it: its freshness (when it has a bound) and the
 * catalog's custom rules on it (matched by name, as the check engine matches them). It said "only freshness is
 * checked" of every such table: above a failed custom rule (the demo's library_loan), or of a table with no bound.
 */
function noFieldsKey(catalog: Catalog, table: CatalogTable): string {
  const rules = catalog.rules.some((r) => r.table === table.name);
  if (table.freshness) return rules ? 'catalog.table.noFieldsFreshnessRules' : 'catalog.table.noFields';
  return rules ? 'catalog.table.noFieldsRules' : 'catalog.table.noFieldsNothing';
}

const contains = (text: string | null, q: string) => !!text && text.toLowerCase().includes(q);

interface OverviewTable {
  name: string;
  title: string | null;
  sharing: string;
  fieldCount: number;
  /** With a query: the matching fields; without: only fields another department owns (few), the rest is counted. */
  fields: { name: string; title: string | null; owner: string; other: boolean }[];
}
interface OverviewField {
  table: string;
  tableTitle: string | null;
  name: string;
  title: string | null;
}
/** What is paged: a table under its owner, a field under its owner in another's table, or a department with neither. */
type OverviewItem =
  | { department: string; table: OverviewTable }
  | { department: string; elsewhere: OverviewField }
  | { department: string; empty: true };

/**
 * Departments in catalog order, each with the tables it owns and the fields it owns in others'
 * tables (e.g. 组织部 owns staff_basic.political_status). With a query, only matching tables (their
 * matching fields, or all when the table itself matches) and tables with matching fields remain.
 * Paged by entry (a table, or a field owned elsewhere): a department spanning two pages appears on both.
 */
export function catalogOverview(
  catalog: Catalog,
  query: string,
  page: { page: number; perPage: number } = { page: 1, perPage: 1e9 },
) {
  const q = query.trim().toLowerCase();
  const tables = catalog.tables
    .map((table) => {
      if (!q || contains(table.name, q) || contains(table.title, q)) return { table, fields: table.fields };
      const fields = table.fields.filter((f) => contains(f.name, q) || contains(f.title, q));
      return fields.length > 0 ? { table, fields } : null;
    })
    .filter((x): x is { table: CatalogTable; fields: CatalogField[] } => x !== null);
  const items: OverviewItem[] = catalog.departments.flatMap((d) => {
    const own: OverviewItem[] = tables
      .filter(({ table }) => table.department === d.code)
      .map(({ table, fields }) => ({
        department: d.code,
        table: {
          name: table.name,
          title: table.title,
          sharing: table.sharing,
          fieldCount: table.fields.length,
          fields: fields
            .map((f) => ({
              name: f.name,
              title: f.title,
              owner: f.department ?? table.department,
              other: f.department !== null && f.department !== table.department,
            }))
            .filter((f) => q || f.other),
        },
      }));
    const elsewhere: OverviewItem[] = tables.flatMap(({ table, fields }) =>
      fields
        .filter((f) => f.department === d.code && table.department !== d.code)
        .map((f) => ({
          department: d.code,
          elsewhere: { table: table.name, tableTitle: table.title, name: f.name, title: f.title },
        })),
    );
    if (own.length + elsewhere.length === 0) return q ? [] : [{ department: d.code, empty: true as const }];
    return [...own, ...elsewhere];
  });
  const shown = items.slice((page.page - 1) * page.perPage, page.page * page.perPage);
  const names = departmentNames(catalog);
  const departments: { code: string; name: string; tables: OverviewTable[]; fieldsElsewhere: OverviewField[] }[] = [];
  for (const entry of shown) {
    let group = departments.at(-1);
    if (group?.code !== entry.department) {
      group = { code: entry.department, name: names.get(entry.department) ?? entry.department, tables: [], fieldsElsewhere: [] };
      departments.push(group);
    }
    if ('table' in entry) group.tables.push(entry.table);
    else if ('elsewhere' in entry) group.fieldsElsewhere.push(entry.elsewhere);
  }
  return { departments, matches: tables.length, total: items.length };
}

/** A built-in code list is spelled out on a ticket when it is this short (性别 has 4 codes; 民族 58 is not). */
const SPELLED_OUT_CODES = 12;

/**
 * What the catalog requires of the field or table a ticket's check judged, in words — the steward fixing the data
 * reads the rule on the ticket (格式 ^[0-9]{8}$, the codes allowed, the deadline) instead of looking it up in the
 * catalog. Null for checks with no rule to say (error reports, custom rules) or a field the catalog no longer has.
 */
export function ticketRule(
  catalog: Catalog,
  table: CatalogTable,
  fieldName: string | null,
  check: string,
  locale: Locale,
  t: Translator,
): string | null {
  if (check === 'freshness') {
    const { freshness, maintainedIn } = freshnessWords(table, locale, t);
    return freshness ? [freshness, maintainedIn].filter(Boolean).join(' · ') : null;
  }
  const field = fieldName ? table.fields.find((f) => f.name === fieldName) : undefined;
  if (!field) return null;
  if (check === 'deadline')
    return field.deadline
      ? describeDeadline(field.deadline, { locale, columnTitles: columnTitles(table, locale), events: catalog.calendar.events })
      : null;
  // The catalog page's words for the check (its tag), a short built-in code list spelled out after it.
  const words = fieldChecks(field, t, locale).find((c) => c.check === check)?.words ?? null;
  const list = check === 'codes' && field.codes?.kind === 'builtin' ? BUILTIN_CODE_LISTS[field.codes.name]?.codes : undefined;
  if (!words || !list || list.length > SPELLED_OUT_CODES) return words;
  return `${words}${t('common.inParentheses', { text: list.map((c) => `${c.code} ${c.label}`).join(t('common.enumSeparator')) })}`;
}
