import type { FieldError } from '../../errors';
import type { BodyKeys } from '../../http/body-keys';
import { asciiTwins } from '../characters';
import { splitAddresses } from './identity';
import type { SharingInput } from './types';

/**
 * Turns a web form body (multer's nested fields: `items[0][fields][]`) or an API body (snake_case
 * JSON, the keys of API_REQUEST_KEYS) into one SharingInput. Nothing is validated here: validate.ts does that, so what the user
 * typed can be shown again as typed. An API body's values of the wrong JSON type are noted in
 * `typeErrors` (validate.ts reports them with the rest), and only the JSON `true` accepts its pledge.
 */
type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/**
 * A number, code or address (phone, staff and ID numbers, e-mail, domain, IP:port, whitelist) as typed, its full-width
 * characters as their ASCII twins: a Chinese input method types １３８００００１２３４ and 10.1.2.3：8080, which the form
 * refused as "not a phone number" showing the digits it asked for. Names and prose keep what was typed.
 */
const code = (v: unknown): string => asciiTwins(str(v));
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
/** Arrays arrive as arrays, as `{0: …, 1: …}` from bracket names, or as one string. */
function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    return Object.keys(v)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => (v as Raw)[k]);
  }
  if (typeof v === 'string' && v !== '') return [v];
  return [];
}
const strings = (v: unknown): string[] => list(v).map(str);
const truthy = (v: unknown): boolean => v === true || v === 'true' || v === 'on' || v === '1' || v === 'yes';
const bool3 = (v: unknown): string => (v === true ? 'yes' : v === false ? 'no' : str(v));

const blankRow = (row: Record<string, string>) => Object.values(row).every((x) => x.trim() === '');

function fieldsOf(v: unknown): string[] {
  // The picker sends checkboxes (an array) and a text box of other columns (comma separated).
  if (typeof v === 'string')
    return v
      .split(/[\s,，、]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  return strings(v)
    .flatMap((s) => s.split(/[\s,，、]+/))
    .map((s) => s.trim())
    .filter(Boolean);
}

export type BodySource = 'form' | 'api';

export function inputFromBody(body: Raw, source: BodySource = 'form'): SharingInput {
  const applicant = obj(body.applicant);
  const system = obj(body.system);
  const whitelistRaw = body.whitelist;
  return {
    applicant: {
      name: str(applicant.name),
      staffNo: code(applicant.staff_no),
      officePhone: code(applicant.office_phone),
      email: code(applicant.email),
      contact: str(applicant.contact),
    },
    system: {
      name: str(system.name),
      status: str(system.status),
      domain: code(system.domain),
      address: code(system.address),
      onCampus: bool3(system.on_campus),
      campusAddress: bool3(system.campus_address),
    },
    whitelist:
      typeof whitelistRaw === 'string'
        ? splitAddresses(asciiTwins(whitelistRaw))
        : strings(whitelistRaw)
            .map((s) => asciiTwins(s).trim())
            .filter(Boolean),
    method: str(body.method),
    methodOther: str(body.method_other),
    members: list(body.members)
      .map(obj)
      .map((m) => ({ name: str(m.name), unit: str(m.unit), staffNo: code(m.staff_no), phone: code(m.phone) }))
      .filter((m) => !blankRow(m)),
    vendors: list(body.vendors)
      .map(obj)
      .map((v) => ({
        name: str(v.name),
        company: str(v.company),
        idCard: code(v.id_card).trim().toUpperCase(),
        phone: code(v.phone),
      }))
      .filter((v) => !blankRow(v)),
    datasets: strings(body.datasets),
    datasetOther: str(body.dataset_other),
    items: list(body.items)
      .map(obj)
      .map((i) => ({
        table: str(i.table).trim(),
        fields: [...new Set([...fieldsOf(i.fields), ...fieldsOf(i.other_fields)])],
        range: str(i.range),
        note: str(i.note),
      }))
      .filter((i) => i.table !== '' || i.fields.length > 0 || i.range.trim() !== '' || i.note.trim() !== ''),
    purpose: str(body.purpose),
    returnedItems: (typeof body.returned_items === 'string' ? body.returned_items.split(/\r?\n/) : strings(body.returned_items))
      .map((s) => s.trim())
      .filter(Boolean),
    // The form's checkbox sends "on"; the API contract says `true`, and nothing else counts there.
    pledgeAccepted: source === 'api' ? body.pledge_accepted === true : truthy(body.pledge_accepted),
    ...(source === 'api' ? { typeErrors: apiTypeErrors(body) } : {}),
  };
}

/**
 * The keys of an API body (README, API), snake_case only: anything else — a misspelling, the camelCase these names once
 * also answered to (`staffNo`), the form's `other_fields` box (the API's `fields` takes a list or one text) — is a 422
 * naming it (http/body-keys.ts), as the request would otherwise be judged without it.
 */
export const API_REQUEST_KEYS: BodyKeys = {
  purpose: true,
  method: true,
  method_other: true,
  applicant: { name: true, staff_no: true, office_phone: true, email: true, contact: true },
  system: { name: true, status: true, domain: true, address: true, on_campus: true, campus_address: true },
  whitelist: true,
  members: [{ name: true, unit: true, staff_no: true, phone: true }],
  vendors: [{ name: true, company: true, id_card: true, phone: true }],
  datasets: true,
  dataset_other: true,
  items: [{ table: true, fields: true, range: true, note: true }],
  returned_items: true,
  pledge_accepted: true,
  draft: true,
};

type Expected = 'string' | 'object' | 'array' | 'boolean' | 'stringList' | 'yesNo' | 'pledge';

/**
 * The API body's values of the wrong JSON type, each named by its place (`items.0.range`) with the
 * type expected. Absent and null values are not wrong (they are missing, judged by validate.ts).
 */
export function apiTypeErrors(body: Raw): FieldError[] {
  const errors: FieldError[] = [];
  const present = (v: unknown) => v !== undefined && v !== null;
  const wrong = (field: string, expected: Expected) =>
    errors.push({ field, key: `sharing.errors.type.${expected}`, params: { field } });
  const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
  const string = (field: string, v: unknown) => {
    if (present(v) && typeof v !== 'string') wrong(field, 'string');
  };
  /** A list of strings, or one string (whitelist, returned items, a table's fields). */
  const stringList = (field: string, v: unknown) => {
    if (!present(v) || typeof v === 'string') return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) wrong(field, 'stringList');
  };
  /** An object whose keys are checked by `keys` (given the object), or a type error. */
  const object = (field: string, v: unknown, keys: (o: Raw) => void) => {
    if (!present(v)) return;
    if (!isObject(v)) return wrong(field, 'object');
    keys(v);
  };
  /** A list of objects: each row checked by `row`. */
  const rows = (field: string, v: unknown, row: (field: string, v: unknown) => void) => {
    if (!present(v)) return;
    if (!Array.isArray(v)) return wrong(field, 'array');
    v.forEach((x, i) => row(`${field}.${i}`, x));
  };
  const yesNo = (field: string, v: unknown) => {
    if (present(v) && typeof v !== 'boolean' && v !== 'yes' && v !== 'no') wrong(field, 'yesNo');
  };
  const person = (kind: 'member' | 'vendor') => (field: string, v: unknown) => {
    if (!isObject(v)) return wrong(field, 'object');
    string(`${field}.name`, v.name);
    if (kind === 'member') {
      string(`${field}.unit`, v.unit);
      string(`${field}.staff_no`, v.staff_no);
    } else {
      string(`${field}.company`, v.company);
      string(`${field}.id_card`, v.id_card);
    }
    string(`${field}.phone`, v.phone);
  };

  string('purpose', body.purpose);
  string('method', body.method);
  string('method_other', body.method_other);
  string('dataset_other', body.dataset_other);
  object('applicant', body.applicant, (a) => {
    string('applicant.name', a.name);
    string('applicant.staff_no', a.staff_no);
    string('applicant.office_phone', a.office_phone);
    string('applicant.email', a.email);
    string('applicant.contact', a.contact);
  });
  object('system', body.system, (o) => {
    string('system.name', o.name);
    string('system.status', o.status);
    string('system.domain', o.domain);
    string('system.address', o.address);
    yesNo('system.on_campus', o.on_campus);
    yesNo('system.campus_address', o.campus_address);
  });
  stringList('whitelist', body.whitelist);
  rows('members', body.members, person('member'));
  rows('vendors', body.vendors, person('vendor'));
  stringList('datasets', body.datasets);
  rows('items', body.items, (field, v) => {
    if (!isObject(v)) return wrong(field, 'object');
    string(`${field}.table`, v.table);
    stringList(`${field}.fields`, v.fields);
    string(`${field}.range`, v.range);
    string(`${field}.note`, v.note);
  });
  stringList('returned_items', body.returned_items);
  if (present(body.pledge_accepted) && typeof body.pledge_accepted !== 'boolean') wrong('pledge_accepted', 'pledge');
  if (present(body.draft) && typeof body.draft !== 'boolean') wrong('draft', 'boolean');
  // A body of thousands of wrong rows is answered with the first ones (the row limits name the list).
  return errors.slice(0, 50);
}

export function emptyInput(): SharingInput {
  return inputFromBody({});
}
