import type { FieldError } from '../../errors';
import type { Translator } from '../../i18n';
import type { Catalog } from '../catalog/types';
import { isHostName, isSystemAddress, isValidCnIdCard, isWhitelistAddress } from './identity';
import { catalogField, catalogTable } from '../catalog/names';
import { declaresFields } from './plan';
import {
  FORM_FIELDS,
  boxValue,
  formTexts,
  labelOf,
  rowTable,
  type ChoiceOptions,
  type FormBox,
  type FormText,
  type RowTable,
  type RowTableName,
} from './form-fields';
import { charCount, METHODS, type SharingInput } from './types';

/**
 * Checks a request before it is submitted. `web` requires every starred (*) item of seed 000's form;
 * `api` requires only purpose, method, items and the pledge (the API contract), but checks the format
 * of whatever else is given. Each error names its field (`items.0.table`) and says, in the request's
 * language, what is expected. The mode also says how a choice given a value it does not take lists what it
 * takes: by the names the form shows beside its buttons (`web`), or by the values to send, each with its name (`api`).
 */
export type ValidationMode = 'web' | 'api';

/** A one-value choice's value, if given: an empty one is not (a required choice is judged apart, as not chosen). */
const one = (value: string): string[] => (value === '' ? [] : [value]);

/** The choice fields of a request (radio buttons and checkboxes on the form, fixed values in the API), in the form's order. */
const CHOICES = FORM_FIELDS.filter((f): f is FormBox & { options: ChoiceOptions } => f.kind !== 'rows' && !!f.options);

/**
 * A choice field given a value it does not take (a crafted form, the API; every value of a list counts), or null. The
 * message lists what the field takes: on the form by the names beside its buttons
 * (API、文本、其他), over the API by the values to send, each with its name (api（API）、file（文本）、other（其他）).
 */
function unknownChoice(field: string, input: SharingInput, t: Translator, mode: ValidationMode): FieldError | null {
  const choice = CHOICES.find((c) => c.name === field)!;
  const values = choice.options.values;
  const given = boxValue(input, field);
  if ((typeof given === 'string' ? one(given) : given).every((v) => values.includes(v))) return null;
  const name = (v: string) => t(`${choice.options.nameKey}.${v}`);
  const allowed = values.map((v) => (mode === 'api' ? `${v}${t('common.inParentheses', { text: name(v) })}` : name(v)));
  return {
    field,
    key: 'sharing.errors.oneOf',
    params: { label: t(labelOf(field)), allowed: allowed.join(t('sharing.errors.separator')) },
  };
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A mobile or a landline, its area code in brackets as offices write it too: (0371)67781505, (0371) 6778-1505. */
const PHONE = /^\+?(?:\([0-9]{2,5}\)\s?)?[0-9][0-9\s-]{4,19}$/;
const STAFF_NO = /^[A-Za-z0-9-]{2,32}$/;

export function validateRequest(
  input: SharingInput,
  catalog: Catalog | null,
  t: Translator,
  mode: ValidationMode,
  extra: { hasMaterial?: boolean } = {},
): FieldError[] {
  const errors: FieldError[] = [];
  /** A box's label (FORM_FIELDS), by its field (`members.1.phone`). */
  const label = (field: string) => t(labelOf(field));
  const required = (field: string, value: string) => {
    if (value.trim() === '') errors.push({ field, key: 'sharing.errors.required', params: { label: label(field) } });
  };
  /** A choice (radio buttons, a select): "请选择数据对接方式", never the codes the form sends. */
  const chosen = (field: string, value: string) => {
    if (value.trim() === '') errors.push({ field, key: 'sharing.errors.choose', params: { label: label(field) } });
  };
  /** A value the field does not take (a crafted form, the API): see unknownChoice. */
  const oneOf = (field: string) => {
    const error = unknownChoice(field, input, t, mode);
    if (error) errors.push(error);
  };
  const format = (field: string, value: string, ok: boolean, expected: string) => {
    if (value.trim() !== '' && !ok)
      errors.push({
        field,
        key: 'sharing.errors.format',
        params: { label: label(field), value, expected: t(`sharing.errors.expected.${expected}`) },
      });
  };
  const web = mode === 'web';

  if (web) {
    // The boxes only the form requires (FORM_FIELDS: `web`), a text to fill in or a choice to make, in the form's order;
    // the approval material's and the datasets' are judged below, in their places and their own words.
    for (const f of FORM_FIELDS) {
      if (f.kind === 'rows' || f.required !== 'web' || !f.value) continue;
      if (f.kind === 'text') required(f.name, f.value(input) as string);
      else if (f.kind === 'choice') chosen(f.name, f.value(input) as string);
    }
  }
  format('applicant.email', input.applicant.email, EMAIL.test(input.applicant.email.trim()), 'email');
  format('applicant.office_phone', input.applicant.officePhone, PHONE.test(input.applicant.officePhone.trim()), 'phone');
  format('applicant.staff_no', input.applicant.staffNo, STAFF_NO.test(input.applicant.staffNo.trim()), 'staffNo');
  oneOf('system.status');
  oneOf('system.on_campus');
  oneOf('system.campus_address');
  // The system's 域名 is what the IT office opens a firewall or a certificate for: a host name, not a URL (it was any text).
  format('system.domain', input.system.domain, isHostName(input.system.domain.trim()), 'hostName');
  format('system.address', input.system.address, isSystemAddress(input.system.address), 'hostPort');
  // One message listing every wrong address: a field shows one message.
  const badAddresses = input.whitelist.filter((address) => !isWhitelistAddress(address));
  if (badAddresses.length) {
    errors.push({
      field: 'whitelist',
      key: 'sharing.errors.format',
      params: {
        label: label('whitelist'),
        value: badAddresses.join(t('common.enumSeparator')),
        expected: t('sharing.errors.expected.address'),
      },
    });
  }

  if (input.method.trim() === '') chosen('method', input.method);
  else if (!(METHODS as readonly string[]).includes(input.method)) oneOf('method');
  else if (input.method === 'other') {
    required('method_other', input.methodOther);
  }
  // The approval material's box comes after the method's on the form, the datasets' after the people's.
  if (web && !extra.hasMaterial)
    errors.push({ field: 'material', key: 'errors.uploadRequired', params: { label: label('material') } });

  /** A row's inputs to fill in (FORM_FIELDS: a table's text columns, all but the field document's), left to right. */
  const filledIn = (table: RowTableName, row: number, value: unknown) => {
    for (const c of rowTable(table)!.columns)
      if (c.kind === 'text' && c.required === 'always') required(`${table}.${row}.${c.name}`, c.value(value) as string);
  };
  input.members.forEach((m, i) => {
    filledIn('members', i, m);
    format(`members.${i}.phone`, m.phone, PHONE.test(m.phone.trim()), 'phone');
  });
  input.vendors.forEach((v, i) => {
    filledIn('vendors', i, v);
    format(`vendors.${i}.id_card`, v.idCard, isValidCnIdCard(v.idCard), 'idCard');
    format(`vendors.${i}.phone`, v.phone, PHONE.test(v.phone.trim()), 'phone');
  });

  if (web && input.datasets.length === 0)
    errors.push({ field: 'datasets', key: 'sharing.errors.chooseOne', params: { label: label('datasets') } });
  oneOf('datasets');
  if (input.datasets.includes('other')) required('dataset_other', input.datasetOther);

  errors.push(...validateItems(input, catalog, t));
  required('purpose', input.purpose);
  if (!input.pledgeAccepted) errors.push({ field: 'pledge_accepted', key: 'sharing.errors.pledge' });
  return withBounds(validateBounds(input, t), errors);
}

/**
 * What a draft is checked for before it is saved: values of the wrong type (API), the limits of every text
 * and list, and a choice given a value it does not take (it would be lost: the method's column holds only
 * the methods, and the form's buttons show none of a stored wrong value). A draft skips the completeness
 * checks, not these.
 */
export function validateDraft(input: SharingInput, t: Translator, mode: ValidationMode): FieldError[] {
  const choices = CHOICES.map((c) => unknownChoice(c.name, input, t, mode)).filter((e): e is FieldError => e !== null);
  return withBounds(validateBounds(input, t), choices);
}

/**
 * Type errors and limits first; another message on the same field (or inside it: `items` → `items.0.table`)
 * is dropped, as it judges a value that is not what it should be (and would repeat a 90,000-character value).
 */
function withBounds(bounds: FieldError[], rest: FieldError[]): FieldError[] {
  const covered = (field: string) => bounds.some((b) => field === b.field || field.startsWith(`${b.field}.`));
  return [...bounds, ...rest.filter((e) => !covered(e.field))];
}

/**
 * A box's text as its limit counts it (by its kind, FORM_FIELDS): a list typed one per line as the text it is typed in,
 * the choices of a list (the datasets, an item's fields) by the longest, the other way of integration without its
 * surrounding spaces.
 */
function measured({ box, values }: FormText): string {
  if (box.kind === 'lines') return values.join('\n');
  if (box.kind === 'choices') return values.reduce((a, b) => (charCount(b) > charCount(a) ? b : a), '');
  if (box.trimmed) return values[0].trim();
  return values[0];
}

/** Type errors (API) and the most every text and list of a request may hold (FORM_FIELDS: max, maxCount, maxRows). */
function validateBounds(input: SharingInput, t: Translator): FieldError[] {
  const errors: FieldError[] = [...(input.typeErrors ?? [])];
  const taken = new Set(errors.map((e) => e.field));
  const push = (e: FieldError) => {
    if (taken.has(e.field)) return;
    taken.add(e.field);
    errors.push(e);
  };
  /** Lengths in characters (code points), as PostgreSQL counts them. */
  const long = (field: string, value: string, labelKey: string, max: number) => {
    const length = charCount(value);
    if (length > max) push({ field, key: 'sharing.errors.tooLong', params: { label: t(labelKey), max, length } });
  };
  const many = (field: string, count: number, labelKey: string, max: number) => {
    if (count > max) push({ field, key: 'sharing.errors.tooMany', params: { label: t(labelKey), max, count } });
  };
  /** A table's count before its rows (the most it takes, then each of its first rows' texts), as the form shows them. */
  const firstCells = new Map<string, RowTable>(
    FORM_FIELDS.flatMap((f) => (f.kind === 'rows' ? [[`${f.name}.0.${f.columns[0].name}`, f] as [string, RowTable]] : [])),
  );
  for (const text of formTexts(input, true)) {
    const table = firstCells.get(text.field);
    if (table) many(table.name, table.rows(input).length, table.section, table.maxRows);
    const { box } = text;
    if (box.maxCount !== undefined) many(text.field, text.values.length, box.label, box.maxCount);
    long(text.field, measured(text), box.label, box.max!);
  }
  return errors;
}

function validateItems(input: SharingInput, catalog: Catalog | null, t: Translator): FieldError[] {
  const errors: FieldError[] = [];
  if (input.items.length === 0) {
    errors.push({ field: 'items', key: 'sharing.errors.noItems' });
    return errors;
  }
  const seen = new Set<string>();
  // A catalog table as the form's menu names it: its title, its name beside it (教职工基本信息（staff_basic）).
  const label = (table: { name: string; title?: string | null }) =>
    table.title ? `${table.title}${t('common.inParentheses', { text: table.name })}` : table.name;
  input.items.forEach((item, i) => {
    // Table names match ignoring case (`STAFF_BASIC` is `staff_basic`), as field names do.
    const table = catalogTable(catalog, item.table);
    if (!item.table) {
      errors.push({ field: `items.${i}.table`, key: 'sharing.errors.choose', params: { label: t(labelOf(`items.${i}.table`)) } });
    } else if (!table) {
      errors.push({ field: `items.${i}.table`, key: 'sharing.errors.unknownTable', params: { table: item.table } });
    } else if (table.sharing === 'none') {
      errors.push({
        field: `items.${i}.table`,
        key: 'sharing.errors.tableNotShared',
        params: { table: label(table) },
      });
    } else if (seen.has(table.name)) {
      errors.push({ field: `items.${i}.table`, key: 'sharing.errors.duplicateTable', params: { table: label(table) } });
    }
    if (table) seen.add(table.name);
    if (item.fields.length === 0) {
      errors.push({
        field: `items.${i}.fields`,
        key: 'sharing.errors.noFields',
        params: { table: table ? label(table) : item.table || String(i + 1) },
      });
    }
    if (table && declaresFields(table)) {
      // Only names the catalog lists (ignoring case): an unlisted name would escape the review of its
      // owner and the leader rule, which read the catalog's departments and sensitivity.
      const unknown = item.fields.filter((f) => !catalogField(table, f));
      if (unknown.length)
        errors.push({
          field: `items.${i}.fields`,
          key: 'sharing.errors.unknownFields',
          params: { table: label(table), fields: unknown.join(t('common.enumSeparator')) },
        });
    } else {
      const bad = item.fields.find((f) => !COLUMN.test(f));
      if (bad) errors.push({ field: `items.${i}.fields`, key: 'sharing.errors.badField', params: { field: bad } });
    }
  });
  return errors;
}
