/**
 * The Chinese sentence a steward reads on the ticket, in the digest and in the e-mail, e.g.
 * "教职工基本信息·职工号：3 条在职记录在报到 7 天后仍未填写". It must make sense without the catalog
 * at hand, so it names the table and field by their titles, the rows in scope, and the deadline.
 * The same sentence in English (`describeProblem(…, 'en')`) is kept beside it for English pages; titles
 * and scope values are the catalog's own words, in whatever language the catalog has them.
 */
import { eventLabel, type Locale } from '../catalog/describe';
import type { Catalog, CatalogField, CatalogTable, Duration } from '../catalog/types';
import { formatCount } from '../figures';
import type { CheckResult } from './types';

/** What a date column usually means, for "在报到 7 天后"; other columns use their catalog title. */
const DATE_COLUMN_WORDS: Record<string, string> = {
  report_date: '报到',
  hire_date: '入职',
  entry_date: '入职',
  join_date: '入职',
  enroll_date: '入学',
  enrollment_date: '入学',
  admission_date: '录取',
  graduation_date: '毕业',
  leave_date: '离职',
  retire_date: '退休',
  created_at: '创建',
  create_time: '创建',
  issue_date: '发文',
};

const VALIDATOR_WORDS: Record<string, string> = {
  cn_id_card: '身份证号无效（格式或校验位错误）',
  cn_mobile: '手机号码无效',
  email: '电子邮箱地址无效',
  date: '日期无效',
};

function durationWords(d: Duration): string {
  return d.unit === 'h' ? `${d.amount} 小时` : d.unit === 'd' ? `${d.amount} 天` : `${d.amount} 个工作日`;
}

function columnWord(table: CatalogTable | undefined, column: string): string {
  if (DATE_COLUMN_WORDS[column]) return DATE_COLUMN_WORDS[column];
  const title = table?.fields.find((f) => f.name === column)?.title;
  if (title) return title.replace(/(日期|时间|日)$/, '') || title;
  return ` ${column} `;
}

/** "在职" for scope {employment_status: [在职]}; several values and columns are joined with 、. */
function scopeWords(table: CatalogTable | undefined): string {
  if (!table) return '';
  return Object.values(table.scope).flat().join('、');
}

export function subjectOf(catalog: Catalog, tableName: string, fieldName: string | null): string {
  const table = catalog.tables.find((t) => t.name === tableName);
  const tableTitle = table?.title ?? tableName;
  if (!fieldName) return tableTitle;
  const field = table?.fields.find((f) => f.name === fieldName);
  return `${tableTitle}·${field?.title ?? fieldName}`;
}

/** Whether the catalog titles the referenced table or column, i.e. whether its subject says more than its name. */
function referenceTitled(catalog: Catalog, ref: { table: string; column: string }): boolean {
  const table = catalog.tables.find((t) => t.name === ref.table);
  return Boolean(table?.title || table?.fields.find((f) => f.name === ref.column)?.title);
}

export function describeProblem(result: CheckResult, catalog: Catalog, locale: Locale = 'zh-CN'): string {
  if (locale === 'en') return describeProblemEn(result, catalog);
  const table = catalog.tables.find((t) => t.name === result.table);
  const field = table?.fields.find((f) => f.name === result.field) as CatalogField | undefined;
  const subject = subjectOf(catalog, result.table, result.field);
  const n = formatCount(result.violations);
  const rows = `${n} 条${scopeWords(table)}记录`;
  const details = (result.details ?? {}) as Record<string, unknown>;

  if (result.check.startsWith('rule:')) {
    return `${subject}：${result.message ?? `自定义规则 ${result.check.slice(5)} 未通过`}`;
  }
  switch (result.check) {
    case 'freshness': {
      const bound = table?.freshness ? durationWords(table.freshness) : '规定时间';
      if (details.reason === 'empty_table') return `${subject}：表中没有数据（应每 ${bound}内更新）`;
      const newest =
        typeof details.newestUpdate === 'string'
          ? `（最近更新于 ${formatInstant(details.newestUpdate, catalog.calendar.timezone)}）`
          : '';
      return `${subject}：超过 ${bound}未更新${newest}`;
    }
    case 'deadline': {
      const deadline = field?.deadline;
      if (!deadline) return `${subject}：${rows}已过填写期限仍未填写`;
      if (deadline.kind === 'after') {
        return `${subject}：${rows}在${columnWord(table, deadline.column)} ${durationWords(deadline.within)}后仍未填写`;
      }
      const event = eventLabel(deadline.event, { locale: 'zh-CN', events: catalog.calendar.events });
      const when = typeof details.occurrence === 'string' ? `（${details.occurrence}）` : '';
      // A full-width bracket carries its own space: none after it (（2026-09-07）7 天后), one after the event's words.
      return `${subject}：${rows}在${event}${when || ' '}${durationWords(deadline.within)}后仍未填写或未更新`;
    }
    case 'required':
      return `${subject}：${rows}未填写（必填项）`;
    case 'pattern':
      return `${subject}：${rows}的值不符合规定格式`;
    case 'validate':
      return `${subject}：${rows}的${VALIDATOR_WORDS[field?.validate ?? String(details.validate ?? '')] ?? '值无效'}`;
    case 'codes': {
      const list =
        field?.codes?.kind === 'builtin'
          ? `代码表 ${field.codes.name} `
          : field?.codes?.kind === 'hub'
            ? `代码表 ${field.codes.table}.${field.codes.column} `
            : '规定的代码';
      // A space on each side of a Latin name between Chinese words (代码表 GB/T 2261.1 中), as elsewhere.
      return `${subject}：${rows}的值不在${list}中`;
    }
    case 'unique':
      return `${subject}：${rows}的值重复`;
    case 'references': {
      const ref = field?.references;
      // Titled: 组织机构·单位代码（org_unit.unit_code）; untitled, the name once, spaced as a Latin name between
      // Chinese words (the same name twice read "org_unit·unit_code（org_unit.unit_code）").
      const target = !ref
        ? '被引用的表'
        : referenceTitled(catalog, ref)
          ? `${subjectOf(catalog, ref.table, ref.column)}（${ref.table}.${ref.column}）`
          : ` ${ref.table}.${ref.column} `;
      return `${subject}：${rows}的值在${target}中不存在`;
    }
    default:
      return `${subject}：${n} 条记录未通过检查（${result.check}）`;
  }
}

/** What a date column usually means, for "7 days after reporting for duty". */
const DATE_COLUMN_WORDS_EN: Record<string, string> = {
  report_date: 'reporting for duty',
  hire_date: 'hiring',
  entry_date: 'joining',
  join_date: 'joining',
  enroll_date: 'enrolment',
  enrollment_date: 'enrolment',
  admission_date: 'admission',
  graduation_date: 'graduation',
  leave_date: 'leaving',
  retire_date: 'retirement',
  created_at: 'creation',
  create_time: 'creation',
  issue_date: 'issue',
};

const VALIDATOR_WORDS_EN: Record<string, string> = {
  cn_id_card: 'an invalid citizen ID number (format or check digit)',
  cn_mobile: 'an invalid mobile number',
  email: 'an invalid e-mail address',
  date: 'an invalid date',
};

function durationWordsEn(d: Duration): string {
  const unit = d.unit === 'h' ? 'hour' : d.unit === 'd' ? 'day' : 'working day';
  return `${d.amount} ${unit}${d.amount === 1 ? '' : 's'}`;
}

function columnWordEn(table: CatalogTable | undefined, column: string): string {
  return DATE_COLUMN_WORDS_EN[column] ?? table?.fields.find((f) => f.name === column)?.title ?? column;
}

/** The English sentence of `describeProblem`, e.g. "教职工基本信息·职工号: 3 rows (在职) still empty 7 days after reporting for duty". */
function describeProblemEn(result: CheckResult, catalog: Catalog): string {
  const table = catalog.tables.find((t) => t.name === result.table);
  const field = table?.fields.find((f) => f.name === result.field) as CatalogField | undefined;
  const subject = subjectOf(catalog, result.table, result.field);
  const n = formatCount(result.violations);
  const one = result.violations === 1;
  const scope = scopeWords(table);
  const rows = `${n} ${one ? 'row' : 'rows'}${scope ? ` (${scope})` : ''}`;
  const details = (result.details ?? {}) as Record<string, unknown>;

  if (result.check.startsWith('rule:')) {
    return `${subject}: ${result.message ?? `custom rule ${result.check.slice(5)} failed`}`;
  }
  switch (result.check) {
    case 'freshness': {
      const bound = table?.freshness ? durationWordsEn(table.freshness) : 'the time required';
      if (details.reason === 'empty_table') return `${subject}: the table has no data (it must be updated every ${bound})`;
      const newest =
        typeof details.newestUpdate === 'string'
          ? ` (last updated ${formatInstant(details.newestUpdate, catalog.calendar.timezone)})`
          : '';
      return `${subject}: not updated for more than ${bound}${newest}`;
    }
    case 'deadline': {
      const deadline = field?.deadline;
      if (!deadline) return `${subject}: ${rows} still empty after the deadline`;
      if (deadline.kind === 'after') {
        return `${subject}: ${rows} still empty ${durationWordsEn(deadline.within)} after ${columnWordEn(table, deadline.column)}`;
      }
      const event = eventLabel(deadline.event, { locale: 'en', events: catalog.calendar.events });
      const when = typeof details.occurrence === 'string' ? ` (${details.occurrence})` : '';
      return `${subject}: ${rows} still empty or not updated ${durationWordsEn(deadline.within)} after ${event}${when}`;
    }
    case 'required':
      return `${subject}: ${rows} empty (required)`;
    case 'pattern':
      return `${subject}: ${rows} not in the required format`;
    case 'validate':
      return `${subject}: ${rows} with ${VALIDATOR_WORDS_EN[field?.validate ?? String(details.validate ?? '')] ?? 'an invalid value'}`;
    case 'codes': {
      const list =
        field?.codes?.kind === 'builtin'
          ? `code list ${field.codes.name}`
          : field?.codes?.kind === 'hub'
            ? `code list ${field.codes.table}.${field.codes.column}`
            : 'the codes allowed';
      return `${subject}: ${rows} with a value not in ${list}`;
    }
    case 'unique':
      return `${subject}: ${rows} with a duplicated value`;
    case 'references': {
      const ref = field?.references;
      const target = !ref
        ? 'the referenced table'
        : referenceTitled(catalog, ref)
          ? `${subjectOf(catalog, ref.table, ref.column)} (${ref.table}.${ref.column})`
          : `${ref.table}.${ref.column}`;
      return `${subject}: ${rows} with a value missing from ${target}`;
    }
    default:
      return `${subject}: ${n} ${one ? 'row' : 'rows'} failed the check (${result.check})`;
  }
}

function formatInstant(iso: string, timezone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}
