import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../../context';
import { AppError, ValidationError, type FieldError } from '../../errors';
import { hasForbiddenCharacter, forbiddenCodes, shownAsBrowserShows } from '../../middleware/body-safety';
import { repeatedFormValuesError } from '../../http/form-values';
import { boxName } from '../../presenters/error-summary';
import { multipartParser, uploadedFile } from '../../middleware/multipart';
import type { Translator } from '../../i18n';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import { MAX_UPLOAD_BYTES } from '../../services/uploads';
import { DATASETS, METHODS, SYSTEM_STATUSES, type SharingInput } from '../../services/sharing/types';
import type { Attachments } from '../../services/sharing/workflow';
import { FORM_FIELDS, ROW_TABLES, formTexts, rowField } from '../../services/sharing/form-fields';

/**
 * The request form: multipart (two optional files, in memory, ≤ 5 MB each) and the view model of
 * the form page. The body's CSRF token (its first field) is checked by the parser, as the body is
 * read here after the app-wide check (middleware/csrf.ts).
 */

/**
 * The files are parsed as every form with files parses them (middleware/multipart.ts): the rest of a
 * file over the limit is read and dropped, so the form after the file is still parsed and a file too
 * large comes back as that input's message with everything typed, not as an error page. That message
 * names the input's label and the file, so it is made where the other field messages are: the file
 * arrives with limit + 1 bytes, and uploadProblem() (services/sharing/workflow.ts) calls it too large.
 * File names are read as UTF-8 (立项批复.pdf).
 */
const parse = multipartParser({
  files: [{ name: 'material' }, { name: 'pledge_scan' }],
  maxFileBytes: MAX_UPLOAD_BYTES,
  // The rows the request may hold (SHARING_ROWS_MAX: 50 members and 50 vendors of ~6 inputs, 50 tables of ~5) and a
  // thousand fields ticked among them; their text within the parser's budget (2 MB).
  maxFields: 2000,
});

/**
 * The form's boxes in page order (FORM_FIELDS, views/pages/sharing/form.hbs), a table of rows by its section's name: the
 * order of a sent-back form's error summary. test/unit/sharing-page-order.test.ts reads the template and holds the two in
 * step.
 */
export const PAGE_ORDER: readonly string[] = FORM_FIELDS.map((f) => f.name);
/** The inputs of a row of each table, left to right. */
export const ROW_COLUMNS: Record<string, string[]> = Object.fromEntries(
  ROW_TABLES.map((t) => [t.name, t.columns.map((c) => c.name)]),
);

export { rowField };

/**
 * Where a field's box stands on the form: [box, row, column] (a table's own message before its rows). A field the
 * form has no box for comes last.
 */
export function pagePlace(path: string): [number, number, number] {
  const inRow = rowField(path);
  const box = PAGE_ORDER.indexOf(inRow ? inRow.table : path);
  if (box < 0) return [PAGE_ORDER.length, 0, 0];
  return inRow ? [box, inRow.row, ROW_COLUMNS[inRow.table].indexOf(inRow.input)] : [box, -1, 0];
}

/**
 * The form's text boxes as the app-wide check names a body's fields (`purpose`, `applicant.name`, `members[0].name`,
 * `items[0].fields[1]`): a NUL or a direction override in these is told beside its box (forbiddenInForm), not on the bare
 * error page, where the whole form — the longest the app has — and everything typed in it were gone.
 */
const FORM_TEXT =
  /^(?:purpose|whitelist|returned_items|method|method_other|dataset_other|datasets(?:\[\d+\])?|(?:applicant|system)\.[a-z_]+|(?:members|vendors|items)\[\d+\]\.[a-z_]+(?:\[\d+\])?)$/;

/** The app-wide refusal of forbidden characters (middleware/body-safety.ts) about the form's own boxes only. */
function forbiddenInBoxes(err: unknown): err is ValidationError {
  return (
    err instanceof ValidationError &&
    err.fields.length > 0 &&
    err.fields.every((f) => (f.key === 'errors.nulCharacter' || f.key === 'errors.brokenCharacter') && FORM_TEXT.test(f.field))
  );
}

export function multipart(req: Request, res: Response, next: NextFunction): void {
  parse(req, res, (err, problems) => {
    if (forbiddenInBoxes(err)) {
      // Left to the route (forbiddenInForm): the form comes back as typed with the message at the box. The check the
      // parser skipped after this one still holds.
      const repeated = repeatedFormValuesError(req.body, 'multipart');
      if (repeated) return next(repeated);
      res.locals.forbiddenCharacters = err;
      return next();
    }
    if (err) return next(err);
    // Over the limit: left to the form's messages (above). Anything else multer refused stopped the parsing
    // there (what followed is lost), so it is an error page — saying what the form takes, by its labels.
    const refused = problems.find((p) => p.code !== 'too_large');
    if (refused) {
      const files = refused.code === 'LIMIT_UNEXPECTED_FILE' || refused.code === 'LIMIT_FILE_COUNT';
      return next(
        new AppError(422, 'upload_refused', files ? 'sharing.errors.upload.unexpected' : 'sharing.errors.upload.limits', {
          material: boxName(req.t('sharing.form.material')),
          pledge: boxName(req.t('sharing.form.pledgeScan')),
        }),
      );
    }
    next();
  });
}

export function attachmentsOf(req: Request): Attachments {
  const one = (name: string) => {
    const file = uploadedFile(req, name);
    return file ? { filename: file.originalname, buffer: file.buffer } : undefined;
  };
  return { material: one('material'), pledgeScan: one('pledge_scan') };
}

function padded<T>(rows: T[], blank: () => T, extra: number): T[] {
  return [...rows, ...Array.from({ length: extra }, blank)];
}

/** What the form page shows: the input as typed (plus blank rows), the catalog picker, the choices. */
export async function formModel(ctx: AppContext, t: Translator, input: SharingInput, extra: Record<string, unknown> = {}) {
  const current = await loadCurrentCatalog(ctx.db);
  const tables = (current?.catalog.tables ?? []).map((table) => ({
    name: table.name,
    title: table.title,
    sharing: table.sharing,
    shareable: table.sharing !== 'none',
    fields: table.fields.map((f) => ({ name: f.name, title: f.title, sensitive: f.sensitive })),
  }));
  const tableOf = (name: string) => tables.find((x) => x.name === name);
  // A sent-back form's messages by field: the ids of those that describe an input (aria-describedby), where more than
  // one can, are worked out here.
  const fields = extra.fields as Record<string, string> | undefined;
  const ids = (...described: (string | false | undefined)[]) => described.filter(Boolean).join(' ');
  const items = padded(input.items, () => ({ table: '', fields: [] as string[], range: '', note: '' }), 3).map((item, index) => {
    const table = tableOf(item.table);
    const declared = new Set(table?.fields.map((f) => f.name) ?? []);
    return {
      index,
      ...item,
      choices: (table?.fields ?? []).map((f) => ({ ...f, checked: item.fields.includes(f.name) })),
      otherFields: item.fields.filter((f) => !declared.has(f)).join(', '),
      // The field document's own message (请在数据字段需求文档中至少填写一张表) describes its first table menu, where a
      // table is chosen: a summary link goes there (a <table> cannot take the focus).
      tableDescribedBy: ids(
        index === 0 && !!fields?.items && 'items-error',
        !!fields?.[`items.${index}.table`] && `items-${index}-table-error`,
      ),
    };
  });
  // A file input is described by its message and by the line under it that a sent-back form does not keep the file
  // (`<input>-again`), which the summary links to when a chosen file was not kept.
  // A draft's stored file is kept (`<input>-kept` says so). The line to choose again is there only for a file that was
  // sent (`sent`, by input: an input left empty lost nothing): when no file is stored, or when the new one chosen to
  // replace it was not kept (the summary links to it).
  const dropped = (extra.dropped ?? {}) as { material?: string; pledge_scan?: string };
  const sent = (extra.sent ?? {}) as { material?: boolean; pledge_scan?: boolean };
  const materialAgain = !!fields && !!sent.material && (!extra.materialName || !!dropped.material);
  const pledgeScanAgain = !!fields && !!sent.pledge_scan && (!extra.pledgeScanName || !!dropped.pledge_scan);
  const materialDescribedBy = ids(
    !!fields?.material && 'material-error',
    !!extra.materialName && 'material-kept',
    materialAgain && 'material-again',
  );
  const pledgeScanDescribedBy = ids(
    !!fields?.pledge_scan && 'pledge_scan-error',
    !!extra.pledgeScanName && 'pledge_scan-kept',
    pledgeScanAgain && 'pledge_scan-again',
  );
  return {
    form: input,
    items,
    members: padded(input.members, () => ({ name: '', unit: '', staffNo: '', phone: '' }), 2).map((m, index) => ({
      index,
      ...m,
    })),
    vendors: padded(input.vendors, () => ({ name: '', company: '', idCard: '', phone: '' }), 2).map((v, index) => ({
      index,
      ...v,
    })),
    whitelistText: input.whitelist.join('\n'),
    returnedText: input.returnedItems.join('\n'),
    tables,
    picker: tables.map((x) => ({ name: x.name, fields: x.fields })),
    datasets: DATASETS.map((d) => ({ value: d, checked: input.datasets.includes(d) })),
    methods: METHODS,
    systemStatuses: SYSTEM_STATUSES,
    title: t('sharing.new'),
    // The file inputs as a message names them: their labels without the hint (…扫描件, not …扫描件（可选）).
    fileNames: { material: boxName(t('sharing.form.material')), pledgeScan: boxName(t('sharing.form.pledgeScan')) },
    materialDescribedBy,
    pledgeScanDescribedBy,
    materialAgain,
    pledgeScanAgain,
    ...extra,
  };
}

/**
 * A NUL or a direction override (U+202A–U+202E) in the request's texts, as the form names its boxes (`members.1.phone`,
 * after blank rows are left out): each box's message names it, and the form comes back with what was typed — a NUL shown
 * as a browser shows it (U+FFFD) — and the form's other mistakes beside (the services' checks, as shown). Null when none of
 * the request's texts holds one (the app-wide refusal then stands). Every row's boxes (formTexts).
 */
export function forbiddenInForm(input: SharingInput, t: Translator): { problems: FieldError[]; shown: SharingInput } | null {
  const problems: FieldError[] = formTexts(input)
    .filter(({ values }) => values.some((v) => hasForbiddenCharacter(v)))
    .map(({ field, box, values }) => ({
      field,
      key: 'sharing.errors.forbiddenCharacter',
      params: { label: boxName(t(box.label)), ...forbiddenCodes(values) },
    }));
  if (!problems.length) return null;
  return { problems, shown: shownInput(input) };
}

/** Every text of `value` as a browser shows it (a NUL as U+FFFD). */
function shownInput<T>(value: T): T {
  if (typeof value === 'string') return shownAsBrowserShows(value) as T;
  if (Array.isArray(value)) return value.map(shownInput) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shownInput(v)])) as T;
  return value;
}
