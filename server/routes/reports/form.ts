import type { NextFunction, Request, Response } from 'express';
import { FieldError, ValidationError } from '../../errors';
import { hasForbiddenCharacter, forbiddenCharacterProblem, shownAsBrowserShows } from '../../middleware/body-safety';
import { fieldMessages } from '../../middleware/errors';
import { multipartParser, uploadedFile } from '../../middleware/multipart';
import type { Catalog } from '../../services/catalog/types';
import { checkAttachment, checkReport, type Attachment, type HubLookup, type RawReport } from '../../services/reports';
import { boxesSummary, boxName, summaryLine } from '../../presenters/error-summary';
import { invisibleWrittenOut } from '../../services/characters';
import { MAX_UPLOAD_BYTES } from '../../services/uploads';
import { jsonForScript } from '../../views/engine';
import { OptionList, renderOptionList, withSelected } from '../../views/option-list';

/**
 * Multipart parsing for the report form and the answer form (one optional file, in memory, ≤ 5 MB;
 * middleware/multipart.ts). The CSRF token is the form's first field, checked by that parser as
 * the body is read here, after the app-wide check (middleware/csrf.ts). A file over the limit (by its real size) is a
 * field error of that file input, and the whole form is still read: it comes back with everything
 * typed, before and after the file.
 */
export function multipart(fileField: string, nulCheckedByRoute: string[] = []) {
  const parse = multipartParser({
    files: [{ name: fileField }],
    maxFileBytes: MAX_UPLOAD_BYTES,
    maxFields: 100,
    nulCheckedByRoute,
  });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err, problems) => {
      if (err) return next(err);
      // One file input: `req.file`, as multer's single() gives it.
      req.file = uploadedFile(req, fileField);
      if (problems.length) {
        const key = problems.some((p) => p.code === 'too_large')
          ? 'reports.errors.upload.too_large'
          : 'reports.errors.upload.bad_type';
        res.locals.uploadError = new ValidationError([{ field: fileField, key }]);
      }
      next();
    });
  };
}

/** The file problem the parser found (too large, too many files), kept for the form's other messages. */
export function uploadErrorOf(res: Response): ValidationError | null {
  return (res.locals.uploadError as ValidationError | undefined) ?? null;
}

/** Summaries of the key (`record_key`) that only repeat what the messages next to the key inputs say. */
const KEY_SUMMARIES = new Set(['reports.errors.keyMissing', 'reports.errors.tooLong']);

/**
 * The form's messages by field. A key column left empty or too long has its message next to its
 * input ("请填写职工号"); the key's summary of the same problem (for the API, which has no inputs:
 * "缺少主键列 staff_no…") is not repeated under the key's box. Other key problems stay there.
 */
export function formFields(err: ValidationError, req: Request): Record<string, string> {
  const perColumn = err.fields.some((f) => f.field.startsWith('record_key.'));
  const shown = err.fields.filter((f) => !(perColumn && f.field === 'record_key' && KEY_SUMMARIES.has(f.key)));
  return fieldMessages(new ValidationError(shown), req);
}

/** The report form's text boxes whose forbidden characters the form itself refuses (see forbiddenInReport). */
export const REPORT_TEXT_FIELDS = ['record_key', 'description', 'observed_value', 'suggested_value'];

/**
 * A NUL or a direction override (U+202A–U+202E) in the report form's boxes, by field as the form names them: the form
 * comes back as typed with the message beside the box, where the app-wide refusal (middleware/body-safety.ts) showed a
 * bare error page and everything typed was gone. Shown back, a NUL reads as a browser shows it (U+FFFD).
 */
export function forbiddenInReport(raw: RawReport): { problems: FieldError[]; shown: RawReport } | null {
  const problems: FieldError[] = [];
  const visible = (v: unknown) => (typeof v === 'string' ? shownAsBrowserShows(v) : v);
  const key = raw.record_key && typeof raw.record_key === 'object' ? (raw.record_key as Record<string, unknown>) : {};
  for (const [column, value] of Object.entries(key))
    if (typeof value === 'string' && hasForbiddenCharacter(value))
      problems.push(forbiddenCharacterProblem(`record_key.${column}`, value)!);
  for (const field of ['description', 'observed_value', 'suggested_value'] as const) {
    const value = raw[field];
    if (typeof value === 'string' && hasForbiddenCharacter(value)) problems.push(forbiddenCharacterProblem(field, value)!);
  }
  if (!problems.length) return null;
  return {
    problems,
    shown: {
      ...raw,
      record_key: Object.fromEntries(Object.entries(key).map(([k, v]) => [k, visible(v)])),
      description: visible(raw.description) as string,
      observed_value: visible(raw.observed_value) as string,
      suggested_value: visible(raw.suggested_value) as string,
    },
  };
}

/**
 * The form's other mistakes, said together with a forbidden character's: that message alone brought the form back
 * once per problem (the key left empty, the description too long, the file over 5 MB after it). The rest is checked as
 * shown; a look-up leaves out the description and the file, as it does without one. A box with a forbidden character
 * keeps that message alone.
 */
export function besideForbidden(
  catalog: Catalog | null,
  forbidden: { problems: FieldError[]; shown: RawReport },
  action: string,
  file: Attachment | null,
  uploadError: ValidationError | null,
): FieldError[] {
  const marked = new Set(forbidden.problems.map((p) => p.field));
  const lookup = action === 'lookup';
  const { problems } = checkReport(catalog, lookup ? { ...forbidden.shown, description: '(look-up)' } : forbidden.shown);
  if (!lookup) problems.push(...(uploadError ? uploadError.fields : checkAttachment(file)));
  return problems.filter((p) => !marked.has(p.field));
}

/** The uploaded file, or null when the input was left empty. */
export function fileOf(req: Request): Attachment | null {
  const f = req.file;
  if (!f || (!f.originalname && f.size === 0)) return null;
  return { filename: f.originalname, buffer: f.buffer };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * Form body → the report's raw input; key inputs are named `record_key[<column>]`. A key sent otherwise (one text,
 * a list, a column's value as a list or object: `record_key[staff_no][a]=1`) is passed on as sent, for the report's
 * check to say that it expects text there (reports/validate.ts), not taken for a key left empty ("请填写职工号").
 * The other fields take one text each, which the form check of every form ensured (http/form-values.ts).
 */
export function rawFrom(body: Record<string, unknown>): RawReport {
  return {
    table: str(body.table),
    field: str(body.field),
    record_key: body.record_key ?? {},
    description: str(body.description),
    suggested_value: str(body.suggested_value),
    observed_value: str(body.observed_value),
  };
}

/**
 * The table picker, built once per catalog version (the loaded catalog object is cached by version,
 * so it is the key, and an import brings a new object): with 500 tables, running the template's `eq`
 * per option and serializing every table to JSON on each request made most of ~3 ms per page view.
 * The entries are shared between requests and must not be changed.
 */
const pickers = new WeakMap<Catalog, Picker>();

interface PickerTable {
  name: string;
  title: string;
  /** What the menus show: see optionLabel. */
  label: string;
  key: { name: string; title: string | null }[];
  fields: { name: string; title: string; label: string; sensitive: boolean }[];
}

interface Picker {
  tables: PickerTable[];
  /** The tables for the page's script, exactly as the `json` helper wrote them. */
  json: string;
  /** Every table's <option> (the template wrote `<option value="{{name}}" …>{{title}} ({{name}})</option>`). */
  options: OptionList;
}

const EMPTY: Picker = { tables: [], json: jsonForScript([]), options: renderOptionList([], ' ') };

/** A menu entry: "学号 (student_no)"; a name without a catalog title once ("org_unit", not "org_unit (org_unit)"). */
function optionLabel(title: string | null, name: string): string {
  return title ? `${title} (${name})` : name;
}

function picker(catalog: Catalog | null): Picker {
  if (!catalog) return EMPTY;
  let p = pickers.get(catalog);
  if (!p) {
    // A report names a field the catalog lists: a table that lists none could not be reported on (the form came back
    // with 请选择字段 whatever was done), so it is not offered (its catalog page says so).
    const tables = catalog.tables
      .filter((t) => t.fields.length > 0)
      .map((t) => ({
        name: t.name,
        title: t.title ?? t.name,
        // A key column without a title in the catalog is shown by its name alone (not "loan_id loan_id").
        key: t.key.map((k) => ({ name: k, title: t.fields.find((f) => f.name === k)?.title ?? null })),
        fields: t.fields.map((f) => ({
          name: f.name,
          title: f.title ?? f.name,
          label: optionLabel(f.title, f.name),
          sensitive: f.sensitive,
        })),
        label: optionLabel(t.title, t.name),
      }));
    const options = renderOptionList(
      tables.map((t) => ({ value: t.name, label: t.label })),
      ' ',
    );
    p = { tables, json: jsonForScript(tables), options };
    pickers.set(catalog, p);
  }
  return p;
}

/** What the form page shows: the table picker (all tables), the chosen table's fields and key inputs, the look-up. */
export function formModel(catalog: Catalog | null, raw: RawReport, lookup: HubLookup | null = null) {
  const p = picker(catalog);
  const table = str(raw.table);
  const chosen = p.tables.find((t) => t.name === raw.table);
  const sentKey = raw.record_key;
  const keyValues = (sentKey && typeof sentKey === 'object' && !Array.isArray(sentKey) ? sentKey : {}) as Record<string, unknown>;
  return {
    tables: p.tables,
    // Triple-stashed in the template: built from escaped text (options) and the `json` helper's escaping.
    tableOptions: withSelected(p.options, table),
    tablesJson: p.json,
    chosen: chosen ?? null,
    form: {
      table,
      field: str(raw.field),
      description: str(raw.description),
      suggested_value: str(raw.suggested_value),
      observed_value: str(raw.observed_value),
    },
    fieldChoices: (chosen?.fields ?? []).map((f) => ({ ...f, selected: f.name === raw.field })),
    // The look-up names the field as the menu does (移动手机), not by its hub name.
    fieldTitle: chosen?.fields.find((f) => f.name === raw.field)?.title ?? str(raw.field),
    keyInputs: (chosen?.key ?? []).map((k) => ({ ...k, value: str(keyValues[k.name]) })),
    lookup,
    // A key not found that holds characters which do not show (a zero-width space, a no-break space, a direction mark
    // copied along with it): the look-up said only 中台中没有找到这条记录 while the key read as the right one. The hub
    // is searched for the key as typed (body-safety HUB_VALUES), so the look-up says which characters to delete.
    keyInvisible:
      lookup?.status === 'not_found'
        ? (chosen?.key ?? []).flatMap((k) => {
            const written = invisibleWrittenOut(str(keyValues[k.name]).trim());
            return written ? [{ title: k.title || k.name, written }] : [];
          })
        : [],
  };
}

/** The report form's boxes in page order: their message's id in new.hbs and the key of their label. */
const REPORT_BOXES: [field: string, id: string, label: string][] = [
  ['table', 'report-table', 'reports.new.table'],
  ['field', 'report-field', 'reports.new.field'],
  ['record_key', 'report-key', 'reports.new.recordKey'],
  ['observed_value', 'report-observed', 'reports.new.observed'],
  ['description', 'report-description', 'reports.new.description'],
  ['suggested_value', 'report-suggested', 'reports.new.suggested'],
  ['attachment', 'report-attachment', 'reports.new.attachment'],
];

/**
 * A sent-back report form's messages for the summary at its top (partials/error-summary), in page order, each linked
 * to its message beside its box and naming the box where the message does not (附件：文件超过 5 MB): the boxes below
 * the look-up are a screen or more down, and the message beside a box ("最多 2000 个字符") need not name it. A key
 * column's box is named by its column (`keyInputs`); labels lose their parenthesised hints (（可选）).
 */
export function reportErrorSummary(
  t: Request['t'],
  fields: Record<string, string>,
  keyInputs: { name: string; title?: string | null }[],
): { anchor: string; message: string }[] {
  const entries: { anchor: string; message: string }[] = [];
  for (const [field, id, label] of REPORT_BOXES) {
    if (field === 'record_key')
      for (const k of keyInputs) {
        const message = fields[`record_key.${k.name}`];
        if (message) entries.push(summaryLine(t, `report-key-${k.name}-error`, k.title || k.name, message));
      }
    const message = fields[field];
    if (message) entries.push(summaryLine(t, `${id}-error`, boxName(t(label)), message));
  }
  return entries;
}

/** The boxes of the department's answer form and of the IT office's reopen form (reports/ticket.hbs), in page order. */
const ANSWER_BOXES = {
  answer: [
    ['answer', 'answer-kind-error', 'reports.ticket.answerKind'],
    // "Not our data" names its reason `reason` (recordNotOurs): the same box.
    ['comment', 'answer-comment-error', 'reports.ticket.comment'],
    ['reason', 'answer-comment-error', 'reports.ticket.comment'],
    ['document', 'answer-document-error', 'reports.ticket.document'],
  ],
  reopen: [['comment', 'office-reopen-error', 'reports.ticket.reopenComment']],
} as const;

/**
 * A sent-back answer (or the IT office's reopen) on a report ticket's page: its messages for the summary at the top
 * (the form is below the ticket's reports, a screen or more down on a phone, and the page came back at its top with
 * no word), and the file chosen with it, which the browser cannot be given again (`dropped`: said beside the file box
 * and in the summary, or the evidence is silently missing from the next send).
 */
export function answerErrorSummary(
  t: Request['t'],
  form: 'answer' | 'reopen',
  fields: Record<string, string>,
  dropped: string | null,
): { anchor: string; message: string }[] {
  const entries = boxesSummary(t, ANSWER_BOXES[form], fields);
  if (dropped) entries.push({ anchor: 'answer-document-again', message: t('reports.ticket.documentDropped', { name: dropped }) });
  return entries;
}
