import type { FieldError } from '../../errors';
import { catalogField, catalogTable } from '../catalog/names';
import type { Catalog } from '../catalog/types';
import { uploadProblem } from '../uploads';
import { Attachment, MAX_DESCRIPTION, MAX_KEY_VALUE, MAX_SUGGESTED_VALUE, RawReport, ReportInput } from './types';
import { characterCount } from '../characters';

/** Text as sent: a string, trimmed; anything else (a number, a list, an object) is null. */
const text = (v: unknown): string | null => (typeof v === 'string' ? v.trim() : null);
/**
 * A record key as typed, its full-width characters as their ASCII twins: a Chinese input method on a phone types
 * １０００００１３ for 10000013, and the look-up found no such record (keys are staff, student and course numbers,
 * which the hub holds in ASCII).
 */
const keyText = (v: unknown): string | null =>
  typeof v === 'string'
    ? v
        .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
        .replace(/\u3000/g, ' ')
        .trim()
    : null;
/** Sent, but not as text: `5`, `true`, `[…]`, `{…}` (the form sends only strings; a JSON client anything). */
const wrongType = (v: unknown): boolean => v !== undefined && v !== null && typeof v !== 'string';

/**
 * Checks a report against the catalog and names every problem by its field (`table`, `field`,
 * `record_key`, `record_key.<column>`, `description`, `suggested_value`, `observed_value`), so the form can show
 * each message in place and the API can return them all at once.
 */
export function checkReport(catalog: Catalog | null, raw: RawReport): { input: ReportInput | null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  // A value of another JSON type is named as such ("description 应为字符串"), not taken as text nor as missing.
  const typeProblem = (field: string) => problems.push({ field, key: 'reports.errors.valueType', params: { field } });
  const tableName = text(raw.table) ?? '';
  const fieldName = text(raw.field) ?? '';
  // Names ignore case, as everywhere in the product (STAFF_BASIC is staff_basic); the report keeps the catalog's spelling.
  const table = catalogTable(catalog, tableName);
  if (wrongType(raw.table)) typeProblem('table');
  else if (!tableName) problems.push({ field: 'table', key: 'reports.errors.tableRequired' });
  else if (!table) problems.push({ field: 'table', key: 'reports.errors.tableUnknown', params: { value: tableName } });
  const field = catalogField(table, fieldName);
  if (table) {
    if (wrongType(raw.field)) typeProblem('field');
    else if (!fieldName) problems.push({ field: 'field', key: 'reports.errors.fieldRequired' });
    // The table as the form's menu names it (教职工基本信息), not by its hub name.
    else if (!field)
      problems.push({
        field: 'field',
        key: 'reports.errors.fieldUnknown',
        params: { value: fieldName, table: table.title ?? table.name },
      });
  }

  const recordKey: Record<string, string> = {};
  if (table) {
    const expected = table.key.join(', ');
    const given = raw.record_key;
    if (!given || typeof given !== 'object' || Array.isArray(given)) {
      problems.push({ field: 'record_key', key: 'reports.errors.recordKeyType', params: { expected } });
    } else {
      const entries = given as Record<string, unknown>;
      const extra = Object.keys(entries).filter((k) => !table.key.includes(k));
      const missing: string[] = [];
      for (const column of table.key) {
        const value = keyText(entries[column]);
        // A key value as a JSON number would lose its leading zeros (职工号 00123): text only.
        if (wrongType(entries[column])) typeProblem(`record_key.${column}`);
        else if (!value) {
          missing.push(column);
          // Named as the key input is labelled: 职工号, not staff_no.
          const title = table.fields.find((f) => f.name === column)?.title ?? column;
          problems.push({ field: `record_key.${column}`, key: 'reports.errors.keyValueRequired', params: { column: title } });
        } else if (characterCount(value) > MAX_KEY_VALUE) {
          const params = { max: MAX_KEY_VALUE, length: characterCount(value) };
          problems.push({ field: `record_key.${column}`, key: 'reports.errors.tooLong', params });
          problems.push({ field: 'record_key', key: 'reports.errors.tooLong', params });
        } else recordKey[column] = value;
      }
      // Both in one message: a field keeps its first (fieldMessages), and a misspelt key (staffNo) read only as staff_no
      // missing, the name actually sent left out.
      if (missing.length && extra.length)
        problems.push({
          field: 'record_key',
          key: 'reports.errors.keyExtraMissing',
          params: { extra: extra.join(', '), missing: missing.join(', '), expected },
        });
      else if (missing.length)
        problems.push({
          field: 'record_key',
          key: 'reports.errors.keyMissing',
          params: { missing: missing.join(', '), expected },
        });
      else if (extra.length)
        problems.push({ field: 'record_key', key: 'reports.errors.keyExtra', params: { extra: extra.join(', '), expected } });
    }
  }

  const description = text(raw.description) ?? '';
  if (wrongType(raw.description)) typeProblem('description');
  else if (!description) problems.push({ field: 'description', key: 'reports.errors.descriptionRequired' });
  else if (characterCount(description) > MAX_DESCRIPTION)
    problems.push({
      field: 'description',
      key: 'reports.errors.tooLong',
      params: { max: MAX_DESCRIPTION, length: characterCount(description) },
    });

  const optional = (value: unknown, field: string): string | null => {
    if (value === undefined || value === null) return null;
    const s = text(value);
    if (s === null) typeProblem(field);
    else if (characterCount(s) > MAX_SUGGESTED_VALUE)
      problems.push({ field, key: 'reports.errors.tooLong', params: { max: MAX_SUGGESTED_VALUE, length: characterCount(s) } });
    else return s || null;
    return null;
  };
  const suggestedValue = optional(raw.suggested_value, 'suggested_value');
  const observedValue = optional(raw.observed_value, 'observed_value');

  if (problems.length || !table || !field) return { input: null, problems };
  return { input: { table, field, recordKey, description, suggestedValue, observedValue }, problems };
}

/** An attachment's problem (empty, over 5 MB, not PDF/PNG/JPEG by its first bytes), as a field error. */
export function checkAttachment(attachment: Attachment | null | undefined, field = 'attachment'): FieldError[] {
  if (!attachment) return [];
  const problem = uploadProblem(attachment.buffer);
  return problem ? [{ field, key: `reports.errors.upload.${problem}` }] : [];
}
