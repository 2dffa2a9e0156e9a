import { translator } from '../../server/i18n';
import { boxName } from '../../server/presenters/error-summary';
import { forbiddenInForm } from '../../server/routes/sharing/form';
import { emptyInput } from '../../server/services/sharing/input';
import type { SharingInput } from '../../server/services/sharing/types';
import { validateDraft } from '../../server/services/sharing/validate';

/**
 * The request form's text boxes, as the two checks that walk them see them: the most each may hold (validateDraft's
 * bounds: SHARING_TEXT_MAX, METHOD_OTHER_MAX, SHARING_ROWS_MAX) and a NUL or a direction override in it
 * (forbiddenInForm, routes/sharing/form.ts). Every box is named by both, with its own label, limit and way of counting.
 */
const zh = translator('zh-CN');

/** `n` characters (code points; one of Extension B counts once). */
const text = (n: number, c = '字') => c.repeat(n);

/** A request with every text `over` its limit, or holding `mark` in every box. */
function filled(f: (max: number) => string, rows: number): SharingInput {
  const input = emptyInput();
  const short = f(200);
  input.applicant = { name: short, staffNo: short, officePhone: short, email: short, contact: short };
  input.system = { name: short, status: short, domain: short, address: short, onCampus: short, campusAddress: short };
  // Lists typed one per line count as the text they are typed in (two lines and the line break).
  input.whitelist = [f(1000), f(999)];
  input.method = short;
  input.methodOther = ` ${f(200)} `;
  input.members = Array.from({ length: rows }, () => ({ name: short, unit: short, staffNo: short, phone: short }));
  input.vendors = Array.from({ length: rows }, () => ({ name: short, company: short, idCard: short, phone: short }));
  // Choices and fields count by the longest.
  input.datasets = ['a', f(200)];
  input.datasetOther = short;
  input.items = Array.from({ length: rows }, () => ({ table: short, fields: ['x', f(200)], range: f(500), note: f(500) }));
  input.purpose = f(2000);
  input.returnedItems = [f(1000), f(999)];
  return input;
}

/** Each box's label (sharing.form.*) and the most it holds, by its field (a row's by its column). */
const LABELS: Record<string, [string, number]> = {
  'applicant.name': ['applicantName', 200],
  'applicant.staff_no': ['applicantStaffNo', 200],
  'applicant.office_phone': ['applicantOfficePhone', 200],
  'applicant.email': ['applicantEmail', 200],
  'applicant.contact': ['applicantContact', 200],
  'system.name': ['systemName', 200],
  'system.status': ['systemStatus', 200],
  'system.domain': ['domain', 200],
  'system.address': ['address', 200],
  'system.on_campus': ['onCampus', 200],
  'system.campus_address': ['campusAddress', 200],
  whitelist: ['whitelist', 2000],
  method: ['method', 200],
  method_other: ['methodOther', 200],
  'members.name': ['memberName', 200],
  'members.unit': ['memberUnit', 200],
  'members.staff_no': ['memberStaffNo', 200],
  'members.phone': ['memberPhone', 200],
  'vendors.name': ['vendorName', 200],
  'vendors.company': ['vendorCompany', 200],
  'vendors.id_card': ['vendorIdCard', 200],
  'vendors.phone': ['vendorPhone', 200],
  datasets: ['datasets', 200],
  dataset_other: ['datasetOther', 200],
  'items.table': ['table', 200],
  'items.fields': ['fields', 200],
  'items.range': ['range', 500],
  'items.note': ['note', 500],
  purpose: ['purpose', 2000],
  returned_items: ['returnedItems', 2000],
};

const bounds = (input: SharingInput) =>
  validateDraft(input, zh, 'api')
    .filter((e) => e.key === 'sharing.errors.tooLong' || e.key === 'sharing.errors.tooMany')
    .map((e) => [e.field, e.params!.label, e.params!.max, e.params!.length ?? e.params!.count]);

const SHORT_BOXES = (row: number): [string, string][] => [
  [`members.${row}.name`, '姓名'],
  [`members.${row}.unit`, '单位'],
  [`members.${row}.staff_no`, '工号'],
  [`members.${row}.phone`, '联系电话'],
];

it('at its limit, no box is refused for its length', () => {
  expect(bounds(filled((max) => text(max), 1))).toEqual([]);
});

it('one over, each box is refused with its label, its limit and its count, in the form’s order', () => {
  const errors = bounds(filled((max) => text(max + 1), 2));
  expect(errors.map(([field]) => field)).toEqual([
    'applicant.name',
    'applicant.staff_no',
    'applicant.office_phone',
    'applicant.email',
    'applicant.contact',
    'system.name',
    'system.status',
    'system.domain',
    'system.address',
    'system.on_campus',
    'system.campus_address',
    'whitelist',
    'method',
    'method_other',
    ...[0, 1].flatMap((r) => SHORT_BOXES(r).map(([f]) => f)),
    ...[0, 1].flatMap((r) => [`vendors.${r}.name`, `vendors.${r}.company`, `vendors.${r}.id_card`, `vendors.${r}.phone`]),
    'datasets',
    'dataset_other',
    ...[0, 1].flatMap((r) => [`items.${r}.table`, `items.${r}.fields`, `items.${r}.range`, `items.${r}.note`]),
    'purpose',
    'returned_items',
  ]);
  // Each by its own label (sharing.form.*), its own limit, and one over it (a list: its two lines and the break).
  for (const [field, label, max, length] of errors) {
    const [key, limit] = LABELS[String(field).replace(/\.\d+\./, '.')];
    expect([field, label, max, length]).toEqual([
      field,
      zh(`sharing.form.${key}`),
      limit,
      limit === 2000 && field !== 'purpose' ? 2002 : limit + 1,
    ]);
  }
  const by = Object.fromEntries(errors.map(([field, ...rest]) => [field, rest]));
  expect(by['applicant.name']).toEqual([zh('sharing.form.applicantName'), 200, 201]);
  expect(by['whitelist']).toEqual([zh('sharing.form.whitelist'), 2000, 2002]);
  expect(by['method_other']).toEqual([zh('sharing.form.methodOther'), 200, 201]);
  expect(by['datasets']).toEqual([zh('sharing.form.datasets'), 200, 201]);
  expect(by['items.1.fields']).toEqual([zh('sharing.form.fields'), 200, 201]);
  expect(by['items.1.range']).toEqual([zh('sharing.form.range'), 500, 501]);
  expect(by['items.1.note']).toEqual([zh('sharing.form.note'), 500, 501]);
  expect(by['purpose']).toEqual([zh('sharing.form.purpose'), 2000, 2001]);
  expect(by['returned_items']).toEqual([zh('sharing.form.returnedItems'), 2000, 2002]);
  expect(by['members.1.phone']).toEqual([zh('sharing.form.memberPhone'), 200, 201]);
  expect(by['vendors.0.id_card']).toEqual([zh('sharing.form.vendorIdCard'), 200, 201]);
});

it('rows past the most a table takes: the count is refused before its rows, and only its first rows are measured', () => {
  const errors = bounds(filled((max) => text(max + 1), 51));
  const fields = errors.map(([field]) => field);
  expect(errors[fields.indexOf('members')]).toEqual(['members', zh('sharing.sections.members'), 50, 51]);
  expect(fields.indexOf('members')).toBe(fields.indexOf('members.0.name') - 1);
  expect(fields.indexOf('vendors')).toBe(fields.indexOf('vendors.0.name') - 1);
  expect(fields.indexOf('items')).toBe(fields.indexOf('items.0.table') - 1);
  expect(fields).toContain('members.49.phone');
  expect(fields.filter((f) => /\.50\./.test(String(f)))).toEqual([]);
  // An item's fields: their count, then the longest.
  const many = filled((max) => text(max + 1), 1);
  many.items[0].fields = Array.from({ length: 1001 }, (_, i) => `f${i}`);
  const itemFields = bounds(many).filter(([field]) => field === 'items.0.fields');
  expect(itemFields).toEqual([['items.0.fields', zh('sharing.form.fields'), 1000, 1001]]);
});

it('a NUL or a direction override in any box, every row: each named by its label, in the form’s order', () => {
  const input = filled(() => '甲\u0000乙', 51);
  input.whitelist = ['10.0.0.1', 'a\u202Eb'];
  input.datasets = ['a', 'b\u202Dc'];
  input.items.forEach((item) => (item.fields = ['ok', 'x\u0000']));
  input.returnedItems = ['ok', 'x\u202A'];
  const found = forbiddenInForm(input, zh)!;
  const fields = found.problems.map((p) => p.field);
  expect(fields.slice(0, 14)).toEqual([
    'applicant.name',
    'applicant.staff_no',
    'applicant.office_phone',
    'applicant.email',
    'applicant.contact',
    'system.name',
    'system.status',
    'system.domain',
    'system.address',
    'system.on_campus',
    'system.campus_address',
    'whitelist',
    'method',
    'method_other',
  ]);
  expect(fields).toHaveLength(14 + 51 * 4 * 3 + 4);
  expect(fields.slice(-4)).toEqual(['items.50.range', 'items.50.note', 'purpose', 'returned_items']);
  expect(fields[14 + 51 * 8]).toBe('datasets');
  // Each box names the codes it holds.
  const nul = { codes: '\\u0000', count: 1 };
  expect(found.problems.find((p) => p.field === 'members.50.phone')!.params).toEqual({ label: '联系电话', ...nul });
  expect(found.problems.find((p) => p.field === 'items.3.fields')!.params).toEqual({ label: zh('sharing.form.fields'), ...nul });
  expect(found.problems.find((p) => p.field === 'whitelist')!.params).toMatchObject({ codes: '\\u202E', count: 1 });
  expect(found.problems.find((p) => p.field === 'datasets')!.params).toMatchObject({ codes: '\\u202D', count: 1 });
  for (const p of found.problems)
    expect(p.params).toMatchObject({ label: boxName(zh(`sharing.form.${LABELS[p.field.replace(/\.\d+\./, '.')][0]}`)) });
  // Shown as a browser shows it (a NUL as U+FFFD).
  expect(found.shown.purpose).toBe('甲\uFFFD乙');
  // None: the app-wide refusal stands.
  expect(
    forbiddenInForm(
      filled(() => 'ok', 1),
      zh,
    ),
  ).toBeNull();
});
