import { Request, Response, Router } from 'express';
import type { DbRow } from '../../services/sharing/repository';
import type { AppContext } from '../../context';
import { AppError, ValidationError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { fieldMessages } from '../../middleware/errors';
import { can } from '../../policies';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { pathIdOr404 } from '../../http/path-id';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import { catalogTable } from '../../services/catalog/names';
import { maskFreeText } from '../../services/privacy';
import { maskContactText } from '../../services/sharing/presenter';
import {
  completeStructureChange,
  fileStructureChange,
  listStructureChanges,
  notifyStructureReviewed,
  reviewStructureChange,
  type ReviewedStructureChange,
} from '../../services/sharing/structure-changes';
import { notifierFromConfig } from '../../services/notifications';
import { shownAsBrowserShows } from '../../middleware/body-safety';
import { isStructureChangePending } from '../../services/sharing/types';
import { actorOf, idParam } from './actor';
import { boxesSummary } from '../../presenters/error-summary';

/** The filing form's boxes in page order, each with the id of its message and its label: the refused form's summary. */
const FORM_BOXES = [
  ['system', 'sc-system-error', 'sharing.structure.system'],
  ['tables', 'sc-tables-error', 'sharing.structure.tables'],
  ['description', 'sc-desc-error', 'sharing.structure.description'],
  ['planned_on', 'sc-date-error', 'sharing.structure.plannedOn'],
  ['contact', 'sc-contact-error', 'sharing.structure.contact'],
] as const;

/** A review sent back (422): the change, its note as typed (a NUL as a browser shows it), the messages by field. */
interface SentReview {
  id: number;
  note: string;
  fields: Record<string, string>;
}

/** A change's review form's boxes (structure.hbs), each with the id of its message and its label: its summary. */
const reviewBoxes = (id: number) =>
  [
    ['note', `sc-review-${id}-note-error`, 'sharing.structure.note'],
    ['decision', `sc-review-${id}-decision-error`, 'sharing.structure.decisionLabel'],
  ] as const;

/** Data-structure change requests (seed 003 Att. 1): departments file, the IT office reviews. */
export function structureChangeRoutes(ctx: AppContext): Router {
  const router = Router();
  const notifier = notifierFromConfig(ctx.db, ctx.config, ctx.logger);

  /**
   * The list with the filing form. `review`: a review sent back (422) — the change's page of the list, its form with the
   * note as typed and each message beside its box.
   */
  async function page(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}, review?: SentReview) {
    const current = await loadCurrentCatalog(ctx.db);
    const user = req.user!;
    const office = can(user, 'sharing.manage');
    // Departments by name (the catalog's), never by code.
    const departmentName = (code: string) => current?.catalog.departments.find((d) => d.code === code)?.name ?? code;
    const systems = (current?.catalog.systems ?? [])
      .filter((s) => office || s.department === user.department)
      .map((s) => ({ ...s, departmentName: departmentName(s.department) }));
    const tables = (current?.catalog.tables ?? [])
      .filter((t) => office || t.department === user.department)
      .map((t) => ({ name: t.name, title: t.title }));
    const { page: asked, perPage } = pageParams(req.query, 25);
    const pageNumber = review ? await pageOf(review.id, perPage) : asked;
    const { rows, total } = await listStructureChanges(ctx.db, perPage, (pageNumber - 1) * perPage);
    // Only a GET moves on to the last page; a form sent back (422) stays where it was typed.
    const last = req.method === 'GET' ? pastLastPage(req.originalUrl, pageNumber, perPage, total) : null;
    if (last) return redirectKeepingFlash(req, res, last);
    const changes = rows.map((c: DbRow) => {
      // Those who handle the change — the IT office, the system's department — call its contact: the number in
      // full for them, masked (138****0001) for anyone else reading the list, as on the request pages.
      const handles = office || can(user, 'sharing.structure_file', { department: c.department_code });
      return {
        id: c.id,
        status: c.status,
        system: c.system,
        // Each table by its catalog title with its name, as the filing form and the request pages name them (the list
        // showed the names alone: staff_basic, where the form had offered 教职工基本信息).
        tables: (c.tables as string[]).map((name) => ({ name, title: catalogTable(current?.catalog, name)?.title ?? null })),
        // What people typed may hold a phone or ID number: shown in full to those who handle the change only.
        description: handles ? c.description : maskFreeText(c.description ?? ''),
        review_note: handles || !c.review_note ? c.review_note : maskFreeText(c.review_note),
        planned_on: c.planned_on,
        department: departmentName(c.department_code),
        contact: handles ? c.contact : maskContactText(c.contact ?? ''),
        // The marker follows the one definition of a pending change (services/sharing/types.ts).
        pending: isStructureChangePending(c.status),
        canReview: office && c.status === 'submitted',
        canComplete: c.status === 'approved' && can(user, 'sharing.structure_file', { department: c.department_code }),
        sentBack: review && Number(c.id) === review.id ? review : null,
      };
    });
    res.status(status).render('pages/sharing/structure', {
      title: req.t('sharing.structure.title'),
      systems,
      tables,
      changes,
      // A review sent back stands at its form's address: the pages link to the list's.
      pager: pagination(review ? '/sharing/structure-changes' : req.originalUrl, pageNumber, perPage, total),
      canFile: systems.length > 0 && can(user, 'sharing.structure_file', { department: user.department }),
      form: { tables: [] },
      ...(review ? { errorSummary: boxesSummary(req.t, reviewBoxes(review.id), review.fields) } : {}),
      ...extra,
    });
  }

  /** The page of the list (newest first) showing change `id`. */
  async function pageOf(id: number, perPage: number): Promise<number> {
    const [{ n }] = await ctx.db('structure_changes').where('id', '>', id).count({ n: '*' });
    return Math.floor(Number(n) / perPage) + 1;
  }

  router.get('/sharing/structure-changes', authorize('sharing.structure_view'), async (req, res) => {
    await page(req, res);
  });

  router.post('/sharing/structure-changes', authorize('sharing.structure_view'), async (req, res) => {
    const b = req.body ?? {};
    const current = await loadCurrentCatalog(ctx.db);
    const system = String(b.system ?? '');
    const form = {
      system,
      tables: ([] as string[]).concat(b.tables ?? []).map(String),
      description: String(b.description ?? ''),
      plannedOn: String(b.planned_on ?? ''),
      contact: String(b.contact ?? ''),
    };
    const department = current?.catalog.systems.find((s) => s.name === system)?.department ?? req.user!.department;
    try {
      await fileStructureChange(ctx, actorOf(req), { ...form, department }, req.t);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // The boxes of the tables chosen stay ticked, however their names were spelled.
      const tables = form.tables.map((name) => catalogTable(current?.catalog, name)?.name ?? name);
      const fields = fieldMessages(err, req);
      return page(req, res, 422, { form: { ...form, tables }, fields, errorSummary: boxesSummary(req.t, FORM_BOXES, fields) });
    }
    req.session.flash = { kind: 'success', text: req.t('sharing.flash.structureFiled') };
    res.redirect(303, '/sharing/structure-changes');
  });

  async function act(req: Request, res: Response, flashKey: string, fn: () => Promise<void>) {
    try {
      await fn();
      req.session.flash = { kind: 'success', text: req.t(flashKey) };
    } catch (err) {
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404) throw err;
      req.session.flash = {
        kind: 'error',
        text:
          err instanceof ValidationError
            ? Object.values(fieldMessages(err, req)).join(req.t('common.listSeparator'))
            : req.t(err.messageKey, err.params),
      };
    }
    res.redirect(303, '/sharing/structure-changes');
  }

  // A sent-back review stands at its POST address: a reload without resending, an error page's reload, or the address
  // opened again, is the list's page showing that change (it was a 404).
  // The complete button's address after an app-wide error page (a refused CSRF token, 403) likewise.
  for (const action of ['review', 'complete'])
    router.get(`/sharing/structure-changes/:id/${action}`, authorize('sharing.structure_view'), async (req, res) => {
      const id = pathIdOr404(req.params.id);
      const { perPage } = pageParams({}, 25);
      const shown = await pageOf(id, perPage);
      res.redirect(`/sharing/structure-changes${shown > 1 ? `?page=${shown}` : ''}`);
    });

  router.post('/sharing/structure-changes/:id/review', authorize('sharing.manage'), async (req, res) => {
    const sent: unknown = req.body?.note;
    const note = typeof sent === 'string' ? sent : '';
    let reviewed: ReviewedStructureChange;
    try {
      reviewed = await reviewStructureChange(
        ctx,
        actorOf(req),
        idParam(req),
        { decision: String(req.body?.decision ?? ''), note },
        req.t,
      );
    } catch (err) {
      // A rejection without its reason, a note too long or holding a NUL or a direction override (left to this route:
      // CHECKED_BY_ROUTE): the list comes back with the change's form as typed and the message beside its box.
      if (err instanceof ValidationError) {
        const fields = fieldMessages(err, req);
        return page(req, res, 422, {}, { id: idParam(req), note: shownAsBrowserShows(note), fields });
      }
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404) throw err;
      req.session.flash = { kind: 'error', text: req.t(err.messageKey, err.params) };
      return res.redirect(303, '/sharing/structure-changes');
    }
    // Its department hears the decision (inbox and e-mail), once it is committed; a delivery problem does not undo it.
    await notifyStructureReviewed(ctx.db, notifier, reviewed, req.user!.id).catch((err) =>
      ctx.logger.error({ err, change: reviewed.id }, 'structure change notice failed'),
    );
    req.session.flash = { kind: 'success', text: req.t('sharing.flash.structureReviewed') };
    res.redirect(303, '/sharing/structure-changes');
  });

  router.post('/sharing/structure-changes/:id/complete', authorize('sharing.structure_view'), async (req, res) => {
    await act(req, res, 'sharing.flash.structureCompleted', () => completeStructureChange(ctx, actorOf(req), idParam(req)));
  });

  return router;
}
