import type { SharingInput } from './types';

/**
 * One text box of the request form: its field as messages name it (`members.1.phone`), its column (`members.phone`,
 * which names its label: FORM_TEXT_LABELS) and what was typed in it — each entry of a box typed as a list (the
 * whitelist and the returned items one per line, the datasets and an item's fields chosen).
 */
export interface FormText {
  field: string;
  column: string;
  values: string[];
}

/** The label (sharing.form.*) of each text box of a request, by its column. */
export const FORM_TEXT_LABELS: Record<string, string> = {
  'applicant.name': 'applicantName',
  'applicant.staff_no': 'applicantStaffNo',
  'applicant.office_phone': 'applicantOfficePhone',
  'applicant.email': 'applicantEmail',
  'applicant.contact': 'applicantContact',
  'system.name': 'systemName',
  'system.status': 'systemStatus',
  'system.domain': 'domain',
  'system.address': 'address',
  'system.on_campus': 'onCampus',
  'system.campus_address': 'campusAddress',
  whitelist: 'whitelist',
  method: 'method',
  method_other: 'methodOther',
  datasets: 'datasets',
  dataset_other: 'datasetOther',
  purpose: 'purpose',
  returned_items: 'returnedItems',
  'members.name': 'memberName',
  'members.unit': 'memberUnit',
  'members.staff_no': 'memberStaffNo',
  'members.phone': 'memberPhone',
  'vendors.name': 'vendorName',
  'vendors.company': 'vendorCompany',
  'vendors.id_card': 'vendorIdCard',
  'vendors.phone': 'vendorPhone',
  'items.table': 'table',
  'items.fields': 'fields',
  'items.range': 'range',
  'items.note': 'note',
};

/**
 * Every text box of a request, in the form's order (a table's rows after blank ones are left out), for each check that
 * walks them: the most each holds (validate.ts) and a NUL or a direction override in it (routes/sharing/form.ts), so
 * a box added to the form is added to both. `rows`: the rows of each table to list (all of them unless given).
 */
export function formTexts(
  input: SharingInput,
  rows: { members: number; vendors: number; items: number } = { members: Infinity, vendors: Infinity, items: Infinity },
): FormText[] {
  const out: FormText[] = [];
  const box = (field: string, column: string, ...values: string[]) => out.push({ field, column, values });
  const one = (field: string, ...values: string[]) => box(field, field, ...values);
  const { applicant: a, system: sys } = input;
  one('applicant.name', a.name);
  one('applicant.staff_no', a.staffNo);
  one('applicant.office_phone', a.officePhone);
  one('applicant.email', a.email);
  one('applicant.contact', a.contact);
  one('system.name', sys.name);
  one('system.status', sys.status);
  one('system.domain', sys.domain);
  one('system.address', sys.address);
  one('system.on_campus', sys.onCampus);
  one('system.campus_address', sys.campusAddress);
  one('whitelist', ...input.whitelist);
  one('method', input.method);
  one('method_other', input.methodOther);
  input.members.slice(0, rows.members).forEach((m, i) => {
    box(`members.${i}.name`, 'members.name', m.name);
    box(`members.${i}.unit`, 'members.unit', m.unit);
    box(`members.${i}.staff_no`, 'members.staff_no', m.staffNo);
    box(`members.${i}.phone`, 'members.phone', m.phone);
  });
  input.vendors.slice(0, rows.vendors).forEach((v, i) => {
    box(`vendors.${i}.name`, 'vendors.name', v.name);
    box(`vendors.${i}.company`, 'vendors.company', v.company);
    box(`vendors.${i}.id_card`, 'vendors.id_card', v.idCard);
    box(`vendors.${i}.phone`, 'vendors.phone', v.phone);
  });
  one('datasets', ...input.datasets);
  one('dataset_other', input.datasetOther);
  input.items.slice(0, rows.items).forEach((item, i) => {
    box(`items.${i}.table`, 'items.table', item.table);
    box(`items.${i}.fields`, 'items.fields', ...item.fields);
    box(`items.${i}.range`, 'items.range', item.range);
    box(`items.${i}.note`, 'items.note', item.note);
  });
  one('purpose', input.purpose);
  one('returned_items', ...input.returnedItems);
  return out;
}
