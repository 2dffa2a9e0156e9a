import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AppError, MessageParams } from '../../errors';
import type { Catalog } from '../../services/catalog/types';
import { codeLabelOf } from '../../services/catalog/code-lists';
import { columnLabel, keyEntries } from '../../services/catalog/record-key';

/**
 * How the report pages name things: tables and fields by their catalog titles (教职工基本信息, 移动手机)
 * with the hub name beside them, key columns by title, departments by name (人事处) with the code, and
 * statuses and answers in words (待处理, 经核实数据无误) — never by the values stored.
 */

/** Every department's name by code (the departments table: the catalog's and those only accounts name). */
export async function departmentNames(db: Knex): Promise<Map<string, string>> {
  const rows: { code: string; name: string }[] = await db('departments').select('code', 'name');
  return new Map(rows.map((d) => [d.code, d.name]));
}

/**
 * The label of a hub value kept with a report when its field is coded by a national list (the hub keeps 13, the
 * steward's and reporter's other systems show 群众): pages show 13（群众）. Null for any other value.
 */
export function hubValueLabel(
  catalog: Catalog | null | undefined,
  table: string,
  field: string | null,
  value: string | null,
): string | null {
  const codes = catalog?.tables.find((t) => t.name === table)?.fields.find((f) => f.name === field)?.codes;
  return codeLabelOf(value, codes);
}

export interface Named {
  /** 教职工基本信息, or the name when the catalog no longer has the table. */
  table_title: string;
  field_title: string;
  /** The record key as "职工号 20190001" pieces (values as given: the caller masks them first). */
  key_words: { title: string; name: string; value: string }[];
  department_name: string | null;
}

/** The titles and names a report's page or row shows next to its stored names. */
export function namesOf(
  catalog: Catalog | null | undefined,
  departments: Map<string, string>,
  r: { table: string; field: string; record_key: Record<string, string>; department: string | null },
): Named {
  const table = catalog?.tables.find((t) => t.name === r.table);
  return {
    table_title: table?.title ?? r.table,
    field_title: columnLabel(table, r.field),
    key_words: keyEntries(table, r.record_key ?? {}).map(([name, value]) => ({ title: columnLabel(table, name), name, value })),
    department_name: r.department ? (departments.get(r.department) ?? null) : null,
  };
}

/**
 * A table filter menu's entries, labelled by title (教职工基本信息 (staff_basic)). A chosen table no listed report
 * names (the last one of it routed, an old link) stays in the menu, chosen, over the empty list: the menu does
 * not say （全部） while the list is filtered.
 */
export function tableMenu(catalog: Catalog | null | undefined, tables: string[], chosen: string) {
  const values = chosen && !tables.includes(chosen) ? [...tables, chosen] : tables;
  return values.map((value) => {
    const title = catalog?.tables.find((t) => t.name === value)?.title;
    return { value, label: title ? `${title} (${value})` : value, selected: value === chosen };
  });
}

const STATUS_WORDS = new Set(['triage', 'rejected', 'open', 'acknowledged', 'fixed', 'resolved', 'closed', 'withdrawn']);
const ANSWER_WORDS = new Set(['fixed', 'not_error', 'not_ours']);

/**
 * A refusal's message (409) with the statuses and answers it names in the user's words: the ticket
 * service's messages carry the stored values (`status: 'open'`, `to: 'not_error'`).
 */
export function conflictText(req: Request, err: AppError): string {
  const params: MessageParams = { ...err.params };
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') continue;
    if (k === 'answer' && ANSWER_WORDS.has(v)) params[k] = req.t(`reports.answerWords.${v}`);
    else if ((k === 'status' || k === 'from' || k === 'to') && STATUS_WORDS.has(v)) params[k] = req.t(`reports.status.${v}`);
    else if (k === 'to' && ANSWER_WORDS.has(v)) params[k] = req.t(`reports.answerWords.${v}`);
  }
  return req.t(err.messageKey, params);
}
