import { splitAddresses } from './identity';
import type { SharingInput } from './types';

/**
 * Turns a web form body (multer's nested fields: `items[0][fields][]`) or an API body (snake_case
 * JSON) into one SharingInput. Nothing is validated here: validate.ts does that, so what the user
 * typed can be shown again as typed.
 */
type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
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

export function inputFromBody(body: Raw): SharingInput {
  const applicant = obj(body.applicant);
  const system = obj(body.system);
  const whitelistRaw = body.whitelist;
  return {
    applicant: {
      name: str(applicant.name),
      staffNo: str(applicant.staff_no ?? applicant.staffNo),
      officePhone: str(applicant.office_phone ?? applicant.officePhone),
      email: str(applicant.email),
      contact: str(applicant.contact),
    },
    system: {
      name: str(system.name),
      status: str(system.status),
      domain: str(system.domain),
      address: str(system.address),
      onCampus: bool3(system.on_campus ?? system.onCampus),
      campusAddress: bool3(system.campus_address ?? system.campusAddress),
    },
    whitelist:
      typeof whitelistRaw === 'string'
        ? splitAddresses(whitelistRaw)
        : strings(whitelistRaw)
            .map((s) => s.trim())
            .filter(Boolean),
    method: str(body.method),
    methodOther: str(body.method_other ?? body.methodOther),
    members: list(body.members)
      .map(obj)
      .map((m) => ({ name: str(m.name), unit: str(m.unit), staffNo: str(m.staff_no ?? m.staffNo), phone: str(m.phone) }))
      .filter((m) => !blankRow(m)),
    vendors: list(body.vendors)
      .map(obj)
      .map((v) => ({
        name: str(v.name),
        company: str(v.company),
        idCard: str(v.id_card ?? v.idCard)
          .trim()
          .toUpperCase(),
        phone: str(v.phone),
      }))
      .filter((v) => !blankRow(v)),
    datasets: strings(body.datasets),
    datasetOther: str(body.dataset_other ?? body.datasetOther),
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
    returnedItems: (typeof body.returned_items === 'string'
      ? body.returned_items.split(/\r?\n/)
      : strings(body.returned_items ?? body.returnedItems)
    )
      .map((s) => s.trim())
      .filter(Boolean),
    pledgeAccepted: truthy(body.pledge_accepted ?? body.pledgeAccepted),
  };
}

export function emptyInput(): SharingInput {
  return inputFromBody({});
}
