import { NextFunction, Request, Response, Router } from 'express';
import type { Knex } from 'knex';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { NotFoundError, ValidationError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { shownAsBrowserShows } from '../../middleware/body-safety';
import { invisibleWrittenOut } from '../../services/characters';
import { catalogTable } from '../../services/catalog/names';
import { translate } from '../../i18n';
import { notifierFromConfig } from '../../services/notifications';
import { departmentLabel } from '../tickets/presenter';
import { fieldMessages } from '../../middleware/errors';
import { multipartParser, uploadedFile } from '../../middleware/multipart';
import { can } from '../../policies';
import { decodeCatalogFile } from '../../services/catalog/decode';
import { currentCatalogYaml, importCatalog, loadCurrentCatalog, type ImportResult } from '../../services/catalog/repository';
import type { DueDateChanges } from '../../services/tickets/calendar-change';
import { pageParams, type Pager, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { tableChecksView } from '../../presenters/table-checks';
import { checkScheduleView } from '../../presenters/check-schedule';
import { boxesSummary, boxName, summaryLine, type SummaryLine } from '../../presenters/error-summary';
import { catalogOverview, fieldViews, tableView } from './present';

/** A catalog file is text: at most 1 MB (not the 5 MB of the forms' attachments). */
const MAX_CATALOG_BYTES = 1024 * 1024;

/** The import page's boxes in page order (views/pages/catalog/import.hbs): field, its message's id, its label. */
const IMPORT_BOXES = [
  ['file', 'c-file-error', 'catalog.import.file'],
  ['yaml', 'c-yaml-error', 'catalog.import.yaml'],
] as const;

/**
 * The sent-back import form's summary (views/partials/error-summary.hbs, at the top of the page): a line for each box
 * with a message, linking to it; a catalog read but refused (its YAML's problems) has no box message, and its line
 * names the count of problems, linking to their list (the paste box is at the bottom of the page).
 */
function importErrorSummary(
  t: Request['t'],
  fields: Record<string, string>,
  refused?: { source: 'file' | 'yaml'; errors: number; warnings: number },
): SummaryLine[] {
  const lines = boxesSummary(t, IMPORT_BOXES, fields);
  if (lines.length || !refused) return lines;
  const label = IMPORT_BOXES.find(([field]) => field === refused.source)![2];
  const counts = t('catalog.import.problems', { errors: refused.errors, warnings: refused.warnings });
  return [summaryLine(t, 'import-problems', boxName(t(label)), counts)];
}

/** The uploaded text with line numbers, each line marked with its problems. */
function numberedLines(text: string, result: ImportResult, locale: 'zh-CN' | 'en') {
  const byLine = new Map<number, { severity: string; message: string }[]>();
  // A problem of the file as a whole (a YAML syntax error) has no key path to name; a path is followed by the
  // reader's colon (path：…, path: …).
  const colon = translate(locale, 'common.colon');
  for (const p of result.problems) {
    if (p.line === null) continue;
    const list = byLine.get(p.line) ?? [];
    list.push({ severity: p.severity, message: p.path ? `${p.path}${colon}${p.message[locale]}` : p.message[locale] });
    byLine.set(p.line, list);
  }
  return text.split(/\r?\n/).map((line, i) => {
    const problems = byLine.get(i + 1) ?? [];
    const kind = problems.some((p) => p.severity === 'error') ? 'error' : problems.length ? 'warning' : '';
    return { no: i + 1, text: line, kind, problems };
  });
}

/**
 * What the import does (or would do) to active tickets, one sentence each: those moving to each new owner, those
 * closed because the catalog no longer checks them, and those closed as duplicates of the new owner's.
 */
async function ticketLines(db: Knex, result: ImportResult, dryRun: boolean, req: Request): Promise<string[]> {
  const changes = result.ok ? result.summary.tickets : undefined;
  const dueDates = result.ok ? result.summary.dueDates : undefined;
  // Due dates the changed holidays move (#6 2027-02-08 → 2027-02-15), before the reassignments (the import's order).
  const dueLines =
    dueDates && dueDates.count > 0
      ? [
          req.t(dryRun ? 'catalog.import.wouldMoveDueDates' : 'catalog.import.movedDueDates', {
            count: dueDates.count,
            list: dueDateList(req, dueDates),
          }),
        ]
      : [];
  if (!changes) return dueLines;
  const rows = (await db('departments').select('code', 'name')) as { code: string; name: string }[];
  const names = new Map(rows.map((d) => [d.code, d.name]));
  const label = (code: string) => departmentLabel(req.t, names, code);
  const lines = [
    ...dueLines,
    ...changes.moved.map((m) =>
      req.t(dryRun ? 'catalog.import.wouldMoveTickets' : 'catalog.import.movedTickets', {
        count: m.count,
        department: label(m.department),
      }),
    ),
  ];
  if (changes.closed > 0)
    lines.push(req.t(dryRun ? 'catalog.import.wouldCloseTickets' : 'catalog.import.closedTickets', { count: changes.closed }));
  if (changes.duplicates > 0)
    lines.push(
      req.t(dryRun ? 'catalog.import.wouldCloseDuplicates' : 'catalog.import.closedDuplicates', { count: changes.duplicates }),
    );
  return lines;
}

/** `#6 2027-02-08 → 2027-02-15、#9 …`, with 等 / and more when the import moved more than it lists. */
function dueDateList(req: Request, dueDates: DueDateChanges): string {
  const list = dueDates.examples.map((m) => `#${m.id} ${m.from} → ${m.to}`).join(req.t('common.enumSeparator'));
  return dueDates.count > dueDates.examples.length ? req.t('catalog.import.dueDatesMore', { list }) : list;
}

export function catalogRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  router.get('/catalog', authorize('catalog.view'), async (req, res) => {
    const current = await loadCurrentCatalog(db);
    // Searched as trimmed (spaces only: no search), and shown as searched.
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
    const { page, perPage } = pageParams(req.query, 25);
    const overview = current ? catalogOverview(current.catalog, q, { page, perPage }) : { departments: [], matches: 0, total: 0 };
    const last = pastLastPage(req.originalUrl, page, perPage, overview.total);
    if (last) return redirectKeepingFlash(req, res, last);
    // Paged by entry (a table, a field owned in another's table, a department with neither), counted in tables:
    // "共 71 条" for a catalog of 68 tables read as three tables missing.
    const tablesPager = (pager: Pager) => ({
      ...pager,
      label: req.t('catalog.pageOf', { page: pager.page, pages: pager.pages, tables: overview.matches }),
    });
    res.render('pages/catalog/index', {
      title: req.t('catalog.title'),
      q,
      canManage: can(req.user, 'catalog.manage'),
      versionId: current?.versionId,
      ...overview,
      // A department's name leads to its page (members, steward e-mails) for those who may open it: the IT
      // office had no way there but the audit log.
      departments: overview.departments.map((d) => ({
        ...d,
        href: can(req.user, 'department.view', { department: d.code }) ? `/departments/${encodeURIComponent(d.code)}` : null,
      })),
      pager: overview.total > perPage ? tablesPager(pagination(req.originalUrl, page, perPage, overview.total)) : null,
      hasCatalog: !!current,
    });
  });

  router.get('/catalog/tables/:name', authorize('catalog.view'), async (req, res) => {
    const current = await loadCurrentCatalog(db);
    const name = String(req.params.name);
    // Names are unique ignoring case (as the search and the rest of the product read them): another
    // spelling goes to the catalog's (302: a later catalog may spell it otherwise); an unknown name is said as such.
    const table = catalogTable(current?.catalog, name);
    if (!current || !table) {
      // A name with an invisible character (a NUL, U+202E) is shown with it written out, and said to hold one.
      const shown = invisibleWrittenOut(name.slice(0, 200));
      if (shown !== null) throw new NotFoundError('catalog.table.unknownInvisible', { value: shown });
      throw new NotFoundError('reports.errors.tableUnknown', { value: name.slice(0, 200) });
    }
    if (table.name !== name) return res.redirect(302, `/catalog/tables/${encodeURIComponent(table.name)}`);
    res.render('pages/catalog/table', {
      title: table.title ?? table.name,
      checks: await tableChecksView(db, table, req.user!, req.t),
      table: tableView(current.catalog, table, req.locale, req.t),
      // When it is checked: its own schedule or CHECK_SCHEDULE, read in the catalog's zone as the scheduler reads it.
      schedule: checkScheduleView(table, ctx.config.checkSchedule, current.catalog.calendar.timezone, req.t),
      fields: fieldViews(current.catalog, table, req.locale, req.t),
    });
  });

  router.get('/catalog/export', authorize('catalog.manage'), async (_req, res) => {
    const yaml = await currentCatalogYaml(db);
    if (yaml === null) throw new NotFoundError('catalog.export.none');
    res.attachment('catalog.yaml');
    res.type('application/yaml; charset=utf-8');
    res.send(yaml);
  });

  router.get('/catalog/import', authorize('catalog.manage'), (req, res) => {
    res.render('pages/catalog/import', { title: req.t('catalog.import.title'), form: { dry_run: false, strict: false } });
  });

  // The upload form is multipart, parsed here after the app-wide CSRF check: the parser checks the token the form
  // sends as its first field (or the X-CSRF-Token header was checked already). A file over 1 MB is read to its end and dropped past 1 MB + 1 byte
  // (middleware/multipart.ts), so the choices sent after it (dry run, strict) are kept.
  const parseUpload = multipartParser({
    files: [{ name: 'file' }],
    maxFileBytes: MAX_CATALOG_BYTES,
    // The pasted catalog may be as large as a file (1 MB, said at the text box when it is larger); the form's few
    // other fields are choices.
    maxFields: 20,
    maxFieldBytes: MAX_CATALOG_BYTES,
    // A paste of a few MB (a whole export, twice) is still the text box's "over 1 MB" on the form, not the generic
    // 413 page past the usual 2 MB of form text: the page is the IT office's only (authorized before this parser
    // reads anything), so the larger bound is no memory risk from the campus at large.
    maxTextBytes: 8 * MAX_CATALOG_BYTES,
    ownLimitFields: ['yaml'],
    nulCheckedByRoute: ['yaml'],
  });
  const receiveUpload = (req: Request, res: Response, next: NextFunction) =>
    parseUpload(req, res, (err, problems) => {
      if (err) return next(err);
      req.file = uploadedFile(req, 'file');
      // The upload's problems (too large by its real size, unexpected field) are the user's: shown on the form.
      if (problems.length) {
        const tooLarge = problems.some((p) => p.code === 'too_large');
        // Pasted text longer than a catalog may be (1 MB, as a file): the text box's.
        const pastedTooLarge = problems.some((p) => p.code === 'LIMIT_FIELD_VALUE' && p.field === 'yaml');
        res.locals.uploadError = new ValidationError([
          pastedTooLarge
            ? { field: 'yaml', key: 'catalog.import.errors.pastedTooLarge' }
            : tooLarge
              ? { field: 'file', key: 'catalog.import.errors.tooLarge' }
              : { field: 'file', key: 'catalog.import.errors.upload', params: { message: problems[0].message } },
        ]);
      }
      next();
    });

  router.post('/catalog/import', authorize('catalog.manage'), receiveUpload, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A repeated field arrives as an array (and a JSON client may send anything): only text is a catalog.
    const form = { yaml: typeof body.yaml === 'string' ? body.yaml : '', dry_run: !!body.dry_run, strict: !!body.strict };
    /** The form sent back (422), nothing imported: each message beside its box and summed up at the top. */
    const sentBack = (err: ValidationError, extra: Record<string, unknown> = {}) => {
      const fields = fieldMessages(err, req);
      res.status(422).render('pages/catalog/import', {
        title: req.t('catalog.import.title'),
        form,
        fields,
        errorSummary: importErrorSummary(req.t, fields),
        ...extra,
      });
    };
    const uploadError = res.locals.uploadError as ValidationError | undefined;
    // Nothing is imported; the form comes back with the choices made.
    if (uploadError) return sentBack(uploadError);
    const decoded = req.file ? decodeCatalogFile(req.file.buffer) : { text: form.yaml, problem: null };
    if (decoded.problem) {
      // Not UTF-8 (a GBK file): reading it anyway would import mojibake. Nothing is imported.
      const err = new ValidationError([{ field: 'file', key: 'catalog.import.errors.encoding' }]);
      const p = decoded.problem;
      return sentBack(err, {
        form: { ...form, yaml: '' },
        result: {
          ok: false,
          errors: 1,
          warnings: 0,
          problems: [{ line: p.line, path: p.path, severity: p.severity, message: p.message[req.locale] }],
          lines: [],
        },
      });
    }
    const text = decoded.text;
    if (!text.trim()) {
      // A file chosen but empty is not "upload a file or paste the text": the reader did upload one.
      return sentBack(
        new ValidationError([
          req.file
            ? { field: 'file', key: 'catalog.import.errors.emptyFile' }
            : { field: 'yaml', key: 'catalog.import.errors.empty' },
        ]),
      );
    }
    // A NUL pasted into the text box reaches the parser (it names the line); the form shows it back as U+FFFD,
    // as a browser would, which the parser refuses too: sent again unchanged, the same line is named.
    const result = await importCatalog(db, text, {
      actor: auditActor(req),
      origin: { ...auditOrigin(req), source: 'web' },
      hub: ctx.hub,
      strict: form.strict,
      dryRun: form.dry_run,
      notifier: notifierFromConfig(db, ctx.config, ctx.logger),
      now: ctx.now(),
    });
    const errors = result.problems.filter((p) => p.severity === 'error').length;
    const warnings = result.problems.length - errors;
    res.status(result.ok ? 200 : 422).render('pages/catalog/import', {
      title: req.t('catalog.import.title'),
      errorSummary: result.ok ? [] : importErrorSummary(req.t, {}, { source: req.file ? 'file' : 'yaml', errors, warnings }),
      // A dry run that passed unticks its box: sent again as it stood, the form ran another dry run, not the import.
      form: { ...form, yaml: req.file ? '' : shownAsBrowserShows(form.yaml), dry_run: form.dry_run && !result.ok },
      result: {
        ok: result.ok,
        dryRun: form.dry_run,
        // What a passed dry run asks for next: a file chosen again, or pasted text, kept in its box, sent again.
        uploaded: !!req.file,
        versionId: result.versionId,
        summary: result.summary,
        // 停用（…）：ghost_table、freshman_admission.exam_no; deactivated (…): ghost_table, freshman_admission.exam_no
        deactivated: result.summary.deactivated.join(req.t('common.enumSeparator')),
        tickets: await ticketLines(db, result, form.dry_run, req),
        errors,
        warnings,
        problems: result.problems.map((p) => ({
          line: p.line,
          path: p.path,
          severity: p.severity,
          message: p.message[req.locale],
        })),
        lines: result.problems.length > 0 ? numberedLines(shownAsBrowserShows(text), result, req.locale) : [],
      },
    });
  });

  return router;
}
