import type { Catalog, CatalogTable } from '../catalog/types';
import { columnLabel, keyEntries } from '../catalog/record-key';
import { maskSampleKeys, subjectOf } from '../tickets';

/** The record key as stewards may see it: sensitive key columns masked (as in ticket samples). */
export function shownKey(catalog: Catalog, table: string, recordKey: Record<string, string>): Record<string, string> {
  return maskSampleKeys(catalog, table, [recordKey])[0] ?? recordKey;
}

/** "职工号 20190001" (several key columns joined with "，"), from the masked key. */
export function keyWords(table: CatalogTable | undefined, key: Record<string, string>, separator = '，'): string {
  return keyEntries(table, key)
    .map(([column, value]) => `${columnLabel(table, column)} ${value}`)
    .join(separator);
}

/**
 * The report ticket's sentence, e.g. "教职工基本信息·政治面貌：数据使用者报告记录（职工号 20190001）有误", or in
 * English "教职工基本信息·政治面貌: a data user reported the record (职工号 20190001) as wrong".
 */
export function reportMessage(
  catalog: Catalog,
  table: string,
  field: string,
  shown: Record<string, string>,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): string {
  const t = catalog.tables.find((x) => x.name === table);
  return locale === 'en'
    ? `${subjectOf(catalog, table, field)}: a data user reported the record (${keyWords(t, shown, ', ')}) as wrong`
    : `${subjectOf(catalog, table, field)}：数据使用者报告记录（${keyWords(t, shown)}）有误`;
}
