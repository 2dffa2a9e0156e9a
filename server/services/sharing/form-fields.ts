import {
  DATASETS,
  METHOD_OTHER_MAX,
  METHODS,
  SHARING_ROWS_MAX,
  SHARING_TEXT_MAX,
  SYSTEM_STATUSES,
  type ProjectMember,
  type RequestItem,
  type SharingInput,
  type VendorDeveloper,
} from './types';

/**
 * The request form's fields (数据共享申请, seed 000's form), each once, in the order of their boxes on the page
 * (views/pages/sharing/form.hbs; test/unit/sharing-page-order.test.ts holds the two in step). What the checks that walk
 * the form read from here: the order of a sent-back form's error summary (routes/sharing/form.ts), the boxes checked for
 * their length and for a NUL or a direction override (formTexts below), each box's label in those messages and in the
 * required and format checks (validate.ts), the values a choice takes, and a table's section naming a row's message. The
 * API body's keys and JSON types (input.ts: API_REQUEST_KEYS, apiTypeErrors) are not derived from here: they are read
 * from raw JSON before there is an input, and their order is the order of the API's messages (the keys an unknown key's
 * message lists, the type errors first); test/unit/sharing-form-fields.test.ts holds them, the template's labels, limits and
 * stars, and what validate.ts requires to this table.
 */

/**
 * What a box is, which says how its text is measured against its limit:
 * - `text`: a one-line input, measured as typed;
 * - `prose`: a box of several lines of free text (purpose), as typed;
 * - `lines`: a box of one entry per line (the whitelist, the returned items), as the text typed: its entries and the
 *   line breaks between them;
 * - `choice`: radio buttons or a menu, the value sent;
 * - `choices`: checkboxes (the datasets; an item's fields, with a box of others), by the longest value, and at most
 *   `maxCount` of them;
 * - `file`, `pledge`: an upload, the pledge's checkbox: no text;
 * - `rows`: a table of rows (members, vendors, the tables of the field document), each of its `columns`.
 */
export type BoxKind = 'text' | 'prose' | 'lines' | 'choice' | 'choices' | 'file' | 'pledge';

/**
 * Whether a box must be filled in: `web` on the form only (the API requires less: validate.ts), `always` on both, `when`
 * only when another answer asks for it (the other method's text, the other dataset's). For a row's input: in every row
 * given (a blank row is left out).
 */
export type Required = 'web' | 'always' | 'when';

/** What a choice takes (the values sent) and where each value's name is (`sharing.methods` → sharing.methods.api). */
export interface ChoiceOptions {
  values: readonly string[];
  nameKey: string;
}

interface BoxSpec {
  /** As the 422's `fields` names it (`applicant.staff_no`); a row's input as the row names it (`staff_no`). */
  name: string;
  /** The i18n key of its label (`sharing.form.applicantStaffNo`). */
  label: string;
  kind: BoxKind;
  /** The most its text holds, in characters (a box with text). */
  max?: number;
  /** The most values it takes (`choices`). */
  maxCount?: number;
  /** Measured without its surrounding spaces (the other method's text). */
  trimmed?: boolean;
  required?: Required;
  /** A choice of fixed values (not a table's menu, which lists the catalog's tables). */
  options?: ChoiceOptions;
}

/** A box of the form, outside the tables of rows: `value` reads what was typed into it from the input. */
export interface FormBox extends BoxSpec {
  value?: (input: SharingInput) => string | string[];
}

/** An input of a table's row: `value` reads it from the row. */
export interface RowBox extends BoxSpec {
  value: (row: unknown) => string | string[];
}

export type RowTableName = 'members' | 'vendors' | 'items';

/** A table of rows: the section that names a row's message, the most rows it takes, its inputs left to right. */
export interface RowTable {
  name: RowTableName;
  kind: 'rows';
  section: string;
  maxRows: number;
  required?: Required;
  rows: (input: SharingInput) => unknown[];
  columns: RowBox[];
}

export type FormField = FormBox | RowTable;

/** A table's columns, each reading its property of the row (typed by the row). */
function table<R>(
  spec: Omit<RowTable, 'kind' | 'rows' | 'columns'> & {
    rows: (input: SharingInput) => R[];
    columns: (BoxSpec & { value: (row: R) => string | string[] })[];
  },
): RowTable {
  return { ...spec, kind: 'rows', columns: spec.columns as RowBox[] };
}

const SHORT = SHARING_TEXT_MAX.short;
const YES_NO: ChoiceOptions = { values: ['yes', 'no'], nameKey: 'sharing.yesNo' };

export const FORM_FIELDS: readonly FormField[] = [
  {
    name: 'applicant.name',
    label: 'sharing.form.applicantName',
    kind: 'text',
    max: SHORT,
    required: 'web',
    value: (i) => i.applicant.name,
  },
  {
    name: 'applicant.staff_no',
    label: 'sharing.form.applicantStaffNo',
    kind: 'text',
    max: SHORT,
    required: 'web',
    value: (i) => i.applicant.staffNo,
  },
  {
    name: 'applicant.office_phone',
    label: 'sharing.form.applicantOfficePhone',
    kind: 'text',
    max: SHORT,
    required: 'web',
    value: (i) => i.applicant.officePhone,
  },
  {
    name: 'applicant.email',
    label: 'sharing.form.applicantEmail',
    kind: 'text',
    max: SHORT,
    required: 'web',
    value: (i) => i.applicant.email,
  },
  {
    name: 'applicant.contact',
    label: 'sharing.form.applicantContact',
    kind: 'text',
    max: SHORT,
    value: (i) => i.applicant.contact,
  },
  {
    name: 'system.name',
    label: 'sharing.form.systemName',
    kind: 'text',
    max: SHORT,
    required: 'web',
    value: (i) => i.system.name,
  },
  {
    name: 'system.status',
    label: 'sharing.form.systemStatus',
    kind: 'choice',
    options: { values: SYSTEM_STATUSES, nameKey: 'sharing.systemStatus' },
    max: SHORT,
    required: 'web',
    value: (i) => i.system.status,
  },
  { name: 'system.domain', label: 'sharing.form.domain', kind: 'text', max: SHORT, value: (i) => i.system.domain },
  { name: 'system.address', label: 'sharing.form.address', kind: 'text', max: SHORT, value: (i) => i.system.address },
  {
    name: 'system.on_campus',
    label: 'sharing.form.onCampus',
    kind: 'choice',
    options: YES_NO,
    max: SHORT,
    required: 'web',
    value: (i) => i.system.onCampus,
  },
  {
    name: 'system.campus_address',
    label: 'sharing.form.campusAddress',
    kind: 'choice',
    options: YES_NO,
    max: SHORT,
    required: 'web',
    value: (i) => i.system.campusAddress,
  },
  // Lists typed one per line are limited as the text they are typed in.
  { name: 'whitelist', label: 'sharing.form.whitelist', kind: 'lines', max: SHARING_TEXT_MAX.long, value: (i) => i.whitelist },
  {
    name: 'method',
    label: 'sharing.form.method',
    kind: 'choice',
    options: { values: METHODS, nameKey: 'sharing.methods' },
    max: SHORT,
    required: 'always',
    value: (i) => i.method,
  },
  {
    name: 'method_other',
    label: 'sharing.form.methodOther',
    kind: 'text',
    max: METHOD_OTHER_MAX,
    trimmed: true,
    required: 'when',
    value: (i) => i.methodOther,
  },
  { name: 'material', label: 'sharing.form.material', kind: 'file', required: 'web' },
  table<ProjectMember>({
    name: 'members',
    section: 'sharing.sections.members',
    maxRows: SHARING_ROWS_MAX.members,
    rows: (i) => i.members,
    columns: [
      { name: 'name', label: 'sharing.form.memberName', kind: 'text', max: SHORT, required: 'always', value: (m) => m.name },
      { name: 'unit', label: 'sharing.form.memberUnit', kind: 'text', max: SHORT, required: 'always', value: (m) => m.unit },
      {
        name: 'staff_no',
        label: 'sharing.form.memberStaffNo',
        kind: 'text',
        max: SHORT,
        required: 'always',
        value: (m) => m.staffNo,
      },
      { name: 'phone', label: 'sharing.form.memberPhone', kind: 'text', max: SHORT, required: 'always', value: (m) => m.phone },
    ],
  }),
  table<VendorDeveloper>({
    name: 'vendors',
    section: 'sharing.sections.vendors',
    maxRows: SHARING_ROWS_MAX.vendors,
    rows: (i) => i.vendors,
    columns: [
      { name: 'name', label: 'sharing.form.vendorName', kind: 'text', max: SHORT, required: 'always', value: (v) => v.name },
      {
        name: 'company',
        label: 'sharing.form.vendorCompany',
        kind: 'text',
        max: SHORT,
        required: 'always',
        value: (v) => v.company,
      },
      {
        name: 'id_card',
        label: 'sharing.form.vendorIdCard',
        kind: 'text',
        max: SHORT,
        required: 'always',
        value: (v) => v.idCard,
      },
      { name: 'phone', label: 'sharing.form.vendorPhone', kind: 'text', max: SHORT, required: 'always', value: (v) => v.phone },
    ],
  }),
  {
    name: 'datasets',
    label: 'sharing.form.datasets',
    kind: 'choices',
    options: { values: DATASETS, nameKey: 'sharing.datasets' },
    max: SHORT,
    maxCount: DATASETS.length,
    required: 'web',
    value: (i) => i.datasets,
  },
  {
    name: 'dataset_other',
    label: 'sharing.form.datasetOther',
    kind: 'text',
    max: SHORT,
    required: 'when',
    value: (i) => i.datasetOther,
  },
  table<RequestItem>({
    name: 'items',
    section: 'sharing.form.fieldDoc',
    maxRows: SHARING_ROWS_MAX.items,
    required: 'always',
    rows: (i) => i.items,
    columns: [
      { name: 'table', label: 'sharing.form.table', kind: 'choice', max: SHORT, required: 'always', value: (r) => r.table },
      {
        name: 'fields',
        label: 'sharing.form.fields',
        kind: 'choices',
        max: SHORT,
        maxCount: SHARING_ROWS_MAX.fields,
        required: 'always',
        value: (r) => r.fields,
      },
      { name: 'range', label: 'sharing.form.range', kind: 'text', max: SHARING_TEXT_MAX.itemText, value: (r) => r.range },
      { name: 'note', label: 'sharing.form.note', kind: 'text', max: SHARING_TEXT_MAX.itemText, value: (r) => r.note },
    ],
  }),
  {
    name: 'purpose',
    label: 'sharing.form.purpose',
    kind: 'prose',
    max: SHARING_TEXT_MAX.long,
    required: 'always',
    value: (i) => i.purpose,
  },
  {
    name: 'returned_items',
    label: 'sharing.form.returnedItems',
    kind: 'lines',
    max: SHARING_TEXT_MAX.long,
    value: (i) => i.returnedItems,
  },
  { name: 'pledge_accepted', label: 'sharing.form.pledgeAccept', kind: 'pledge', required: 'always' },
  { name: 'pledge_scan', label: 'sharing.form.pledgeScan', kind: 'file' },
];

export const ROW_TABLES: readonly RowTable[] = FORM_FIELDS.filter((f): f is RowTable => f.kind === 'rows');

/**
 * The most each text box holds (characters), by its column (`purpose`, `members.phone`): the form's boxes take it as
 * their maxlength (`{{limit "sharing.box" "members.phone"}}`, views/limits.ts), so the browser stops where validate.ts
 * refuses.
 */
export const BOX_MAX: Readonly<Record<string, number>> = Object.fromEntries(
  FORM_FIELDS.flatMap((f): [string, number][] =>
    f.kind === 'rows'
      ? f.columns.flatMap((c): [string, number][] => (c.max === undefined ? [] : [[`${f.name}.${c.name}`, c.max]]))
      : f.max === undefined
        ? []
        : [[f.name, f.max]],
  ),
);

export function rowTable(name: string): RowTable | undefined {
  return ROW_TABLES.find((t) => t.name === name);
}

/** A field in a table of rows (`members.2.phone`): the table, the row (from 0) and its input; otherwise undefined. */
export function rowField(path: string): { table: RowTableName; row: number; input: string } | undefined {
  const [name, row, input] = path.split('.');
  const table = rowTable(name);
  return table && /^\d+$/.test(row ?? '') && !!input ? { table: table.name, row: Number(row), input } : undefined;
}

/** The box a field names (`members.1.phone` → the members' phone), if the form has one. */
export function formBox(path: string): FormBox | RowBox | undefined {
  const inRow = rowField(path);
  if (inRow) return rowTable(inRow.table)!.columns.find((c) => c.name === inRow.input);
  return FORM_FIELDS.find((f): f is FormBox => f.kind !== 'rows' && f.name === path);
}

/** What was typed into a box outside the tables of rows (`system.status` → `running`). */
export function boxValue(input: SharingInput, name: string): string | string[] {
  const box = FORM_FIELDS.find((f): f is FormBox => f.kind !== 'rows' && f.name === name);
  if (!box?.value) throw new Error(`the sharing form has no box ${name} with a value`);
  return box.value(input);
}

/** The i18n key of a box's label, by its field (`members.1.phone` → sharing.form.memberPhone). */
export function labelOf(path: string): string {
  const box = formBox(path);
  if (!box) throw new Error(`the sharing form has no box ${path}`);
  return box.label;
}

/**
 * One text box of the request form: its field as messages name it (`members.1.phone`), its column (`members.phone`),
 * its entry in FORM_FIELDS (label, limit, kind) and what was typed in it — each entry of a box typed as a list (the
 * whitelist and the returned items one per line, the datasets and an item's fields chosen).
 */
export interface FormText {
  field: string;
  column: string;
  box: FormBox | RowBox;
  values: string[];
}

const asList = (value: string | string[]): string[] => (typeof value === 'string' ? [value] : value);

/**
 * Every text box of a request (every box with a limit), in the form's order (a table's rows after blank ones are left
 * out), for each check that walks them: the most each holds (validate.ts) and a NUL or a direction override in it
 * (routes/sharing/form.ts). `limited`: only the rows a table takes (its maxRows), not all of them.
 */
export function formTexts(input: SharingInput, limited = false): FormText[] {
  const out: FormText[] = [];
  for (const f of FORM_FIELDS) {
    if (f.kind === 'rows') {
      const rows = f.rows(input);
      (limited ? rows.slice(0, f.maxRows) : rows).forEach((row, i) => {
        for (const c of f.columns)
          out.push({ field: `${f.name}.${i}.${c.name}`, column: `${f.name}.${c.name}`, box: c, values: asList(c.value(row)) });
      });
    } else if (f.max !== undefined && f.value)
      out.push({ field: f.name, column: f.name, box: f, values: asList(f.value(input)) });
  }
  return out;
}
