import { Request, Response, Router } from 'express';
import type { AppContext } from '../../context';
import { AlreadyDoneError, AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { fieldMessages } from '../../middleware/errors';
import { can } from '../../policies';
import { auditTrailLink } from '../../presenters/audit';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { departmentCodeAsWritten } from '../../services/department-code';
import { grantState, markReturnedDelivered, revokeGrant } from '../../services/sharing/grants';
import { emptyInput, inputFromBody } from '../../services/sharing/input';
import { listRequests, queueIds, type ListFilters } from '../../services/sharing/lists';
import { inCatalogSpelling } from '../../services/sharing/plan';
import { mayView, presentRequest } from '../../services/sharing/presenter';
import { labelOf, rowTable } from '../../services/sharing/form-fields';
import { inputOf, loadRequest } from '../../services/sharing/repository';
import { GRANT_MAX_YEARS, REJECTION_REASONS, REQUEST_STATUSES } from '../../services/sharing/types';
import { addDays, addYears } from '../../services/calendar';
import {
  arbitrate,
  clock,
  copyAsDraft,
  decide,
  draftVersion,
  requestArbitration,
  saveDraft,
  submitRequest,
  withdraw,
} from '../../services/sharing/workflow';
import { CONTENT_TYPES, downloadName, fileSizeText, type FileType, loadUpload, visibleFileName } from '../../services/uploads';
import { actorOf, idParam, universityName } from './actor';
import { attachmentsOf, forbiddenInForm, formModel, multipart, pagePlace, rowField } from './form';
import { newFormId, postOnce, rememberMade } from '../../http/form-once';
import { sentFormVersion } from '../../services/form-version';
import { printModel } from './print';
import { sentAgainMessage } from './sent-again';
import { structureChangeRoutes } from './structure-changes';
import { boxesSummary, boxName, summaryLine } from '../../presenters/error-summary';
import { shownAsBrowserShows } from '../../middleware/body-safety';

/** A decision sent back to its form (422): the stage it was for, what was typed, the messages by field. */
interface TypedDecision {
  stageId?: number;
  values: { decision: string; reason: string; comment: string; expiresOn: string };
  fields: Record<string, string>;
}

/**
 * Another form of the request page sent back (422) for a mistake in its input (its text empty, too long, holding a NUL
 * or a direction override; the arbitration's choice missing): which form, its text as typed (a NUL as a browser shows
 * it), the messages by field.
 */
interface TypedText {
  form: 'arbitration' | 'arbitrate' | 'revoke';
  text: string;
  fields: Record<string, string>;
}

/** Each such form's box (its field, the id of its message, the label naming it) and anything else it may be told of. */
const TEXT_FORM_BOXES = {
  arbitration: [['note', 'arbitration-note-error', 'sharing.detail.arbitrationNote']],
  arbitrate: [
    ['note', 'arbitrate-note-error', 'sharing.detail.arbitrationConclusion'],
    ['decision', 'arbitrate-decision-error', 'sharing.sections.arbitration'],
  ],
  revoke: [['reason', 'revoke-reason-error', 'sharing.detail.revokeReason']],
} as const;

/** Pages of data-sharing requests: lists, the form, the request page with its timeline, the print form. */
export function sharingRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  router.use(structureChangeRoutes(ctx));

  /** The status a list was asked to show (`?status=`), when it is one; anything else lists every status. */
  function statusFilter(req: Request): string | undefined {
    const status = typeof req.query.status === 'string' ? req.query.status : '';
    return (REQUEST_STATUSES as readonly string[]).includes(status) ? status : undefined;
  }

  async function listPage(req: Request, res: Response, view: 'mine' | 'queue' | 'decided' | 'all', filters: ListFilters) {
    const { page, perPage } = pageParams(req.query, 25);
    const tabs = { queue: can(req.user, 'sharing.review'), all: can(req.user, 'sharing.manage') };
    const { rows, total } = await listRequests(db, filters, perPage, (page - 1) * perPage);
    const last = pastLastPage(req.originalUrl, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    const departments: { code: string; name: string }[] = await db('departments').orderBy('code').select('code', 'name');
    const { today } = await clock(ctx);
    // How many wait for this reviewer, on the 待我审核 tab whichever list is open: a reviewer lands on 我的申请, often
    // empty, and could not tell that requests were waiting without opening the queue.
    const queueCount = tabs.queue ? (view === 'queue' ? total : (await queueIds(db, req.user!, today)).length) : 0;
    // Departments by name (计算机学院), never by code; the API's list keeps the codes.
    const nameOf = (code: string | null) => (code ? (departments.find((d) => d.code === code)?.name ?? code) : null);
    res.render('pages/sharing/list', {
      title: req.t(`sharing.${view}`),
      view,
      rows: rows.map((r) => ({
        ...r,
        department_name: nameOf(r.department_code),
        // A data source's review past its due day says so (the request page did; the queue only gave the date).
        pending: r.pending.map((p) => ({
          ...p,
          department_name: nameOf(p.department),
          overdue: p.kind === 'source' && !!p.due_on && p.due_on < today,
        })),
        // A grant no longer in force says so beside 已共享 (the request's status stays as it was decided).
        grant_state: r.grant && grantState(r.grant, today) !== 'active' ? grantState(r.grant, today) : null,
      })),
      pager: pagination(req.originalUrl, page, perPage, total),
      statuses: REQUEST_STATUSES,
      departments: view === 'all' ? departments : [],
      filters: { status: filters.status ?? '', department: filters.department ?? '' },
      canReview: view !== 'queue',
      // The tabs a user may open (the routes' own policies): a plain user sees neither queue nor all.
      tabs,
      queueCount,
      // The lists long enough to need it filter by status; the queue is what waits for this reader, all in review.
      filterable: view !== 'queue',
      // A filter that matches nothing says so (not "you have no requests yet").
      filtered: Boolean(filters.status || filters.department),
    });
  }

  router.get('/sharing', authorize('sharing.apply'), async (req, res) => {
    await listPage(req, res, 'mine', { viewerId: req.user!.id, applicantId: req.user!.id, status: statusFilter(req) });
  });

  // The requests this reviewer approved or refused a stage of, whatever became of them since.
  router.get('/sharing/decided', authorize('sharing.review'), async (req, res) => {
    await listPage(req, res, 'decided', { viewerId: req.user!.id, decidedBy: req.user!.id, status: statusFilter(req) });
  });

  router.get('/sharing/queue', authorize('sharing.review'), async (req, res) => {
    const { today } = await clock(ctx);
    await listPage(req, res, 'queue', { viewerId: req.user!.id, ids: await queueIds(db, req.user!, today) });
  });

  router.get('/sharing/all', authorize('sharing.manage'), async (req, res) => {
    // A department code in any case (`stu` is STU, chosen in the menu); one no department has is ignored, as an unknown
    // status is: every department's requests, the menu at 全部.
    const typed = typeof req.query.department === 'string' ? req.query.department.trim() : '';
    const department = (typed && (await departmentCodeAsWritten(db, typed))) || undefined;
    await listPage(req, res, 'all', { viewerId: req.user!.id, status: statusFilter(req), department });
  });

  // ── the form ──

  /**
   * A sent-back form's messages for its summary, each with the id of its message beside the input (errorId), in the
   * order of their boxes on the page (not the order they were checked in). A row's message says which table and row
   * (请填写“姓名” alone could be a member's or a vendor's).
   */
  function errorSummary(
    t: Request['t'],
    fields: Record<string, string> | undefined,
    dropped: DroppedFiles = {},
  ): { anchor: string; message: string }[] {
    const messages = Object.entries(fields ?? {}).map(([path, message]) => {
      const inRow = rowField(path);
      return {
        path,
        anchor: `${path.replace(/\./g, '-')}-error`,
        message: inRow ? t('common.inRow', { section: t(rowTable(inRow.table)!.section), row: inRow.row + 1, message }) : message,
      };
    });
    // A file chosen with the form is not kept when the form comes back (the browser cannot be given it again): said
    // in the summary too, or the next send fails once more on "请上传…" after the listed mistakes are fixed.
    const again = (input: 'material' | 'pledge_scan', name?: string) =>
      name
        ? [
            {
              path: input,
              anchor: `${input}-again`,
              message: t('sharing.form.fileDropped', { label: boxName(t(labelOf(input))), name }),
            },
          ]
        : [];
    const lines = [...messages, ...again('material', dropped.material), ...again('pledge_scan', dropped.pledge_scan)];
    const before = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    return lines
      .map((line) => ({ ...line, place: pagePlace(line.path) }))
      .sort((a, b) => before(a.place, b.place))
      .map(({ anchor, message }) => ({ anchor, message }));
  }

  /** The names of the files a sent-back form carried, by input: the browser does not keep them. */
  type DroppedFiles = { material?: string; pledge_scan?: string };

  /**
   * A chosen file's name as the form's "choose it again" line says it: as the browser sent it, but without control and
   * direction characters (visibleFileName, as the stored files' names are shown: attachedFiles) — an RLO in the name
   * made it read as another file's. A name of nothing else is no name, as a file sent without one.
   */
  const droppedName = (file?: { filename: string }) => (file ? visibleFileName(file.filename) || undefined : undefined);

  async function renderForm(
    req: Request,
    res: Response,
    status: number,
    input = emptyInput(),
    extra: Record<string, unknown> = {},
  ) {
    // The applying department by its name (计算机学院), not its code.
    const department = await db('departments').where({ code: req.user!.department }).first('name');
    res.status(status).render(
      'pages/sharing/form',
      await formModel(ctx, req.t, input, {
        department: department?.name ?? req.user!.department,
        university: universityName(ctx.config, req),
        // A saved draft's form names it (the browser's tab and history said 新建申请 for every draft).
        ...(extra.draftId ? { title: req.t('sharing.editDraft', { id: extra.draftId as number }) } : {}),
        ...extra,
        errorSummary: errorSummary(req.t, extra.fields as Record<string, string> | undefined, extra.dropped as DroppedFiles),
      }),
    );
  }

  /**
   * Save or submit, then go to the request page; a validation error shows the form again as typed. `formId`: the
   * new-request form's own id (http/form-once.ts), remembered with the request it makes and kept when the form comes back.
   */
  async function handleForm(req: Request, res: Response, draftId?: number, formId?: string) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = inputFromBody(body);
    // A NUL or a direction override in a box (multipart, form.ts): refused beside it, the form kept as typed.
    const refusedAll = res.locals.forbiddenCharacters as ValidationError | undefined;
    const forbidden = refusedAll ? forbiddenInForm(typed, req.t) : null;
    if (refusedAll && !forbidden) throw refusedAll;
    const input = forbidden?.shown ?? typed;
    const refused = forbidden?.problems;
    const files = attachmentsOf(req);
    const action = `/sharing/${draftId ? `${draftId}/edit` : 'new'}`;
    // The draft as its edit form was opened from: saved since from another tab or page, nothing is saved or submitted.
    const editedFrom = draftId ? sentFormVersion(body) : undefined;
    try {
      let id: number;
      if (body.action === 'draft') {
        id = await saveDraft(ctx, actorOf(req), input, { t: req.t, mode: 'web', draftId, files, refused, editedFrom });
        if (formId && !draftId) rememberMade(req, 'sharing', formId, id);
        req.session.flash = { kind: 'success', text: req.t('sharing.flash.draftSaved') };
        return res.redirect(303, `/sharing/${id}/edit`);
      }
      id = (await submitRequest(ctx, actorOf(req), input, { mode: 'web', t: req.t, draftId, files, refused, editedFrom })).id;
      if (formId && !draftId) rememberMade(req, 'sharing', formId, id);
      req.session.flash = { kind: 'success', text: req.t('sharing.flash.submitted') };
      res.redirect(303, `/sharing/${id}`);
    } catch (err) {
      if (draftId && err instanceof ConflictError && err.messageKey === 'sharing.errors.draftStale') {
        // The form again (409) as typed on this page, saying so; it now carries the draft as saved meanwhile, so that
        // saving or submitting it once more is a choice made knowing. A file chosen is to be chosen again.
        const current = await loadRequest(db, draftId);
        if (!current || current.request.status !== 'draft') return sentAgain(req, res, draftId);
        res.locals.flash = { kind: 'error', text: req.t(err.messageKey, err.params) };
        const dropped: DroppedFiles = { material: droppedName(files.material), pledge_scan: droppedName(files.pledgeScan) };
        return renderForm(req, res, 409, input, {
          action,
          draftId,
          ...(await storedFileNames(draftId)),
          dropped,
          sent: { material: !!files.material, pledge_scan: !!files.pledgeScan },
          draftRefused: body.action === 'draft',
          editedFrom: draftVersion(current.request),
        });
      }
      if (!(err instanceof ValidationError)) throw err;
      // The draft's stored files (approval material, pledge scan) are kept when no new file is chosen: the form says so again.
      const stored = draftId ? await storedFileNames(draftId) : noStoredFiles;
      const fields = fieldMessages(err, req);
      // The files sent that were fine in themselves (a file's own problem is its message): to be chosen again.
      const dropped: DroppedFiles = {
        material: fields.material ? undefined : droppedName(files.material),
        pledge_scan: fields.pledge_scan ? undefined : droppedName(files.pledgeScan),
      };
      // A draft not saved says so, not 未提交成功 (nothing was being submitted).
      const draftRefused = body.action === 'draft';
      await renderForm(req, res, 422, input, {
        action,
        fields,
        draftId,
        ...stored,
        formId,
        dropped,
        // The files sent at all (a file's own problem included): the line to choose one again is under those only.
        sent: { material: !!files.material, pledge_scan: !!files.pledgeScan },
        draftRefused,
        // Nothing was saved: the form still stands on the draft it was opened from.
        editedFrom,
      });
    }
  }

  const noStoredFiles = { materialName: null, materialSize: null, pledgeScanName: null, pledgeScanSize: null };

  /**
   * A draft's stored approval material and signed pledge scan, or null: each is kept when the form is sent without a
   * new one, and the form says so beside its input (the pledge scan's was not said: a draft saved with it read as having
   * none, and its applicant chose it again or thought it lost). Named as the request's page links them (attachedFiles:
   * the name each downloads under, its size): the form said the name as typed, a direction override with it.
   */
  async function storedFileNames(draftId: number): Promise<{
    materialName: string | null;
    materialSize: string | null;
    pledgeScanName: string | null;
    pledgeScanSize: string | null;
  }> {
    const row = await db('sharing_requests').where({ id: draftId }).first('material_upload_id', 'pledge_upload_id');
    if (!row) return noStoredFiles;
    const { material, pledge } = await attachedFiles(row);
    return {
      materialName: material?.name ?? null,
      materialSize: material?.size ?? null,
      pledgeScanName: pledge?.name ?? null,
      pledgeScanSize: pledge?.size ?? null,
    };
  }

  router.get('/sharing/new', authorize('sharing.apply'), async (req, res) => {
    await renderForm(req, res, 200, emptyInput(), { action: '/sharing/new', formId: newFormId() });
  });
  router.post('/sharing/new', authorize('sharing.apply'), multipart, async (req, res) => {
    // The same form sent again (a double click, the form sent again from the history): to what it made, not anew.
    await postOnce(
      req,
      'sharing',
      (formId) => handleForm(req, res, undefined, formId ?? undefined),
      async (earlier, formId) => {
        const request = await db('sharing_requests').where({ id: earlier }).first('applicant_id', 'status');
        if (request && Number(request.applicant_id) === req.user!.id && request.status === 'draft')
          return handleForm(req, res, earlier, formId);
        await sentAgain(req, res, earlier);
      },
    );
  });

  /** A request's form sent again once it is no longer a draft: to the request, saying nothing was saved, and why. */
  async function sentAgain(req: Request, res: Response, id: number) {
    const { today } = await clock(ctx);
    req.session.flash = { kind: 'info', text: await sentAgainMessage(db, req.t, id, today) };
    res.redirect(303, `/sharing/${id}`);
  }

  /** The caller's own request (its edit form): another's is a 403 to one who may see it, else missing (viewable). */
  async function ownDraft(req: Request) {
    const loaded = await viewable(req);
    if (loaded.request.applicant_id !== req.user!.id) throw new ForbiddenError();
    return loaded;
  }

  router.get('/sharing/:id/edit', authorize('sharing.apply'), async (req, res) => {
    const loaded = await ownDraft(req);
    if (loaded.request.status !== 'draft') return res.redirect(`/sharing/${loaded.request.id}`);
    // Tables and fields as the catalog spells them (drafts are saved so, but one saved before they were,
    // or before the catalog changed a name's case, may say `STAFF_BASIC`), so the form shows the table
    // chosen and its fields ticked; submitting makes them so anyway.
    const { catalog } = await clock(ctx);
    const input = inputOf(loaded);
    await renderForm(req, res, 200, inCatalogSpelling(catalog, input), {
      action: `/sharing/${loaded.request.id}/edit`,
      draftId: loaded.request.id,
      ...(await storedFileNames(loaded.request.id)),
      editedFrom: draftVersion(loaded.request),
    });
  });
  router.post('/sharing/:id/edit', authorize('sharing.apply'), multipart, async (req, res) => {
    const loaded = await ownDraft(req);
    // Submitted meanwhile (a double click on 提交申请, another tab): the request page, not an error page.
    if (loaded.request.status !== 'draft') return sentAgain(req, res, loaded.request.id);
    await handleForm(req, res, loaded.request.id);
  });

  // ── one request ──

  /**
   * The request, if the caller may see it (mayView). To anyone else it is as missing — the same 404 as an id no request
   * has, on every page and action — so request ids cannot be probed.
   */
  async function viewable(req: Request) {
    const loaded = await loadRequest(db, idParam(req));
    const { today } = await clock(ctx);
    if (!loaded || !mayView(req.user!, loaded, today)) throw new NotFoundError('sharing.errors.notFound');
    return loaded;
  }

  /**
   * The request's approval material and signed pledge scan as their links say them: the name each downloads under
   * (downloadName: no direction overrides, its type's extension) and its size, for the request page's links and the
   * draft form's "已上传" note: a bare 下载 / Download left people asking which file it was, and if it was the right one.
   */
  async function attachedFiles(request: { material_upload_id?: unknown; pledge_upload_id?: unknown }) {
    const ids = [request.material_upload_id, request.pledge_upload_id].filter((id) => id != null).map(Number);
    const rows = ids.length
      ? ((await db('uploads').whereIn('id', ids).select('id', 'filename', 'file_type', 'size')) as {
          id: number | string;
          filename: string;
          file_type: FileType;
          size: number;
        }[])
      : [];
    const file = (id: unknown) => {
      const row = id == null ? undefined : rows.find((r) => Number(r.id) === Number(id));
      return row ? { name: downloadName(row.filename, row.file_type), size: fileSizeText(Number(row.size)) } : null;
    };
    return { material: file(request.material_upload_id), pledge: file(request.pledge_upload_id) };
  }

  /**
   * The request page. `typed` is a decision the form sent back (422): its stage's form shows the message at
   * each field and what was typed (the choice, the reason, the opinion, the expiry).
   */
  async function renderRequest(req: Request, res: Response, status = 200, typed?: TypedDecision, typedText?: TypedText) {
    const loaded = await viewable(req);
    const request = await presentRequest(ctx, req.user!, loaded);
    const target = typed ? (request.can.decide.find((d) => d.id === typed.stageId) ?? request.can.decide[0]) : undefined;
    const textSummary = typedText ? boxesSummary(req.t, TEXT_FORM_BOXES[typedText.form], typedText.fields) : [];
    // The expiry's date picker offers the days decide() takes: after today (the university's day, as it counts), at
    // most GRANT_MAX_YEARS on. It offered past days, which the page then refused.
    const { today } = await clock(ctx);
    const expiry = { min: addDays(today, 1), max: addYears(today, GRANT_MAX_YEARS) };
    res.status(status).render('pages/sharing/show', {
      title: req.t('sharing.detail.title', { id: request.id }),
      request,
      files: await attachedFiles(loaded.request),
      back: backToList(req.user!, request),
      // 审计记录: the audit log's rows about this request (every decision, withdrawal, grant), for those who read the log.
      auditTrail: auditTrailLink(req.user, 'sharing_request', request.id),
      // The copy button's form has an id of its own (http/form-once.ts): a double click makes one draft.
      copyFormId: request.can.copy ? newFormId() : undefined,
      reasons: REJECTION_REASONS,
      decideForms: request.can.decide.map((d) => ({
        ...d,
        typed: d === target ? typed!.values : { decision: '', reason: '', comment: '', expiresOn: '' },
        fields: d === target ? typed!.fields : {},
        expiry,
      })),
      errorSummary: target ? decisionErrorSummary(req.t, target.id, typed!.fields) : textSummary,
      // The objection, the conclusion or the revoke reason sent back: its form shows it, with the message at the box.
      sentBack: typedText ? { [typedText.form]: { text: typedText.text, fields: typedText.fields } } : {},
    });
  }

  /**
   * The list the request page's ← leads back to: the one the reader came from as a rule. It was always 我的申请, where
   * a reviewer's or the IT office's request never is: its applicant goes back to theirs, a reviewer whose decision it
   * waits for to 待我审核, the IT office to 全部申请, another reviewer to 我审核过的.
   */
  function backToList(user: NonNullable<Request['user']>, request: Awaited<ReturnType<typeof presentRequest>>) {
    const list =
      request.applicant?.id === user.id
        ? 'mine'
        : request.can.decide.length > 0
          ? 'queue'
          : can(user, 'sharing.manage')
            ? 'all'
            : can(user, 'sharing.review')
              ? 'decided'
              : 'mine';
    return { href: list === 'mine' ? '/sharing' : `/sharing/${list}`, label: `sharing.${list}` };
  }

  /** A decision form's boxes in page order (show.hbs: decide-<stage>-<field>), by the label that names each. */
  const DECISION_BOXES = [
    ['decision', 'sharing.detail.decision'],
    ['reason', 'sharing.detail.reason'],
    ['comment', 'sharing.detail.comment'],
    ['expires_on', 'sharing.detail.expiresOn'],
  ] as const;

  /**
   * A sent-back decision's messages for the summary at the page's top: the form is below the request's facts, a
   * screen or more down (on a phone 1,200 px), and the page came back at its top without a word. Each line names its
   * box (labels without their hints: 意见, not 意见（可选）) and links to the message beside it.
   */
  function decisionErrorSummary(t: Request['t'], stageId: number, fields: Record<string, string>) {
    // Each line as 意见：…, the expiry's too: its messages start with the box's name (授权截止日期须为…), which the
    // summary read as named already, a line without the 授权截止日期： the others have.
    return DECISION_BOXES.filter(([field]) => fields[field]).map(([field, label]) => {
      const box = boxName(t(label));
      const message = fields[field].startsWith(box) ? fields[field].slice(box.length).trimStart() : fields[field];
      return summaryLine(t, `decide-${stageId}-${field}-error`, box, message);
    });
  }

  router.get('/sharing/:id', authorize('sharing.apply'), async (req, res) => {
    await renderRequest(req, res);
  });

  router.get('/sharing/:id/print', authorize('sharing.apply'), async (req, res) => {
    const loaded = await viewable(req);
    const request = await presentRequest(ctx, req.user!, loaded);
    const university = universityName(ctx.config, req);
    res.render('pages/sharing/print', {
      title: req.t('sharing.formTitle', { university }),
      bare: true,
      university,
      ...printModel(request, req.t),
    });
  });

  router.get('/sharing/:id/files/:kind', authorize('sharing.apply'), async (req, res) => {
    const loaded = await viewable(req);
    const uploadId =
      req.params.kind === 'material'
        ? loaded.request.material_upload_id
        : req.params.kind === 'pledge'
          ? loaded.request.pledge_upload_id
          : null;
    const file = uploadId ? await loadUpload(db, Number(uploadId)) : null;
    if (!file) throw new NotFoundError();
    res.setHeader('Content-Type', CONTENT_TYPES[file.type]);
    res.setHeader(
      'Content-Disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(downloadName(file.filename, file.type))}`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(file.content);
  });

  /**
   * A state change from the request page: on a user mistake, back to the page with the message. `textForm`: a mistake
   * in the form's input (the objection, the conclusion, the revoke reason: left empty, over 2000 characters, holding a
   * NUL or a direction override — services/sharing/sent-text.ts; the app-wide refusal leaves that to the route:
   * CHECKED_BY_ROUTE) brings the page back (422) with the text as typed and each message at its box, nothing written.
   * It went back as a message at the page's top, the text gone, but for the forbidden character.
   */
  async function act(req: Request, res: Response, flashKey: string, fn: () => Promise<unknown>, textForm?: TypedText['form']) {
    const id = idParam(req);
    try {
      await fn();
      req.session.flash = { kind: 'success', text: req.t(flashKey) };
    } catch (err) {
      if (textForm && err instanceof ValidationError) {
        const sent: unknown = req.body?.[TEXT_FORM_BOXES[textForm][0][0]];
        const text = typeof sent === 'string' ? shownAsBrowserShows(sent) : '';
        return renderRequest(req, res, 422, undefined, { form: textForm, text, fields: fieldMessages(err, req) });
      }
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404) throw err;
      const text =
        err instanceof ValidationError
          ? Object.values(fieldMessages(err, req)).join(req.t('common.listSeparator'))
          : req.t(err.messageKey, err.params);
      // Already done (the form sent twice): nothing changed, said as such — not as a mistake.
      req.session.flash = { kind: err instanceof AlreadyDoneError ? 'info' : 'error', text };
    }
    res.redirect(303, `/sharing/${id}`);
  }

  // A sent-back decision stands at its POST address: a reload without resending, or the address opened again, is the
  // request's page (it was a 404), which judges who may see it.
  router.get('/sharing/:id/decision', authorize('sharing.review'), (req, res) => {
    if (idParam(req) < 0) throw new NotFoundError('sharing.errors.notFound');
    res.redirect(`/sharing/${idParam(req)}`);
  });

  router.post('/sharing/:id/decision', authorize('sharing.review'), async (req, res) => {
    const b = req.body ?? {};
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const values = {
      decision: text(b.decision),
      reason: text(b.reason),
      comment: text(b.comment),
      expiresOn: text(b.expires_on),
    };
    // The page's hidden stage number: anything but a number is a crafted form, named as the API names it (not a 403
    // saying the request has no stage of this user's, which no stage matching NaN made it say).
    if (b.stage_id && !(typeof b.stage_id === 'string' && /^\d{1,15}$/.test(b.stage_id)))
      throw new ValidationError([{ field: 'stage_id', key: 'sharing.errors.stageId' }]);
    const stageId = b.stage_id ? Number(b.stage_id) : undefined;
    try {
      await decide(ctx, actorOf(req), idParam(req), {
        decision: values.decision,
        reason: values.reason || undefined,
        comment: values.comment || undefined,
        stageId,
        expiresOn: values.expiresOn || undefined,
      });
    } catch (err) {
      // What was typed is not lost: the page comes back with the form as sent and each message at its field (an opinion,
      // a reason or an expiry holding a NUL as a browser shows it: sent-text.ts refused it, after the stage's state).
      if (err instanceof ValidationError)
        return renderRequest(req, res, 422, {
          stageId,
          values: {
            ...values,
            reason: shownAsBrowserShows(values.reason),
            comment: shownAsBrowserShows(values.comment),
            expiresOn: shownAsBrowserShows(values.expiresOn),
          },
          fields: fieldMessages(err, req),
        });
      // Not (or no longer) this user's to decide: back to the page with the reason, as every action there.
      if (!(err instanceof AppError) || err.status === 403 || err.status === 404) throw err;
      req.session.flash = { kind: 'error', text: req.t(err.messageKey, err.params) };
      return res.redirect(303, `/sharing/${idParam(req)}`);
    }
    req.session.flash = { kind: 'success', text: req.t('sharing.flash.decided') };
    res.redirect(303, `/sharing/${idParam(req)}`);
  });

  // A new draft from an ended (or granted) request of one's own; a request that may not be copied comes back to its page.
  async function copy(req: Request, res: Response, formId?: string) {
    let draftId: number;
    try {
      draftId = await copyAsDraft(ctx, actorOf(req), idParam(req));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      req.session.flash = { kind: 'error', text: req.t(err.messageKey, err.params) };
      return res.redirect(303, `/sharing/${idParam(req)}`);
    }
    if (formId) rememberMade(req, 'sharing-copy', formId, draftId);
    req.session.flash = { kind: 'success', text: req.t('sharing.flash.copied', { id: idParam(req) }) };
    res.redirect(303, `/sharing/${draftId}/edit`);
  }

  router.post('/sharing/:id/copy', authorize('sharing.apply'), async (req, res) => {
    // The button's form sent again (a double click, the page re-posted from the history): to the draft it made.
    await postOnce(
      req,
      'sharing-copy',
      (formId) => copy(req, res, formId ?? undefined),
      async (earlier, formId) => {
        const made = await db('sharing_requests').where({ id: earlier }).first('applicant_id', 'status');
        if (!made || Number(made.applicant_id) !== req.user!.id) return copy(req, res, formId);
        if (made.status === 'draft') {
          req.session.flash = { kind: 'success', text: req.t('sharing.flash.copied', { id: idParam(req) }) };
          return res.redirect(303, `/sharing/${earlier}/edit`);
        }
        // That draft has been submitted meanwhile: its page, saying no other was made.
        req.session.flash = { kind: 'info', text: req.t('sharing.flash.copiedBefore', { id: idParam(req), draft: earlier }) };
        res.redirect(303, `/sharing/${earlier}`);
      },
    );
  });

  router.post('/sharing/:id/withdraw', authorize('sharing.apply'), async (req, res) => {
    await act(req, res, 'sharing.flash.withdrawn', () => withdraw(ctx, actorOf(req), idParam(req)));
  });

  // The other sent-back forms of the request's page stand at their POST address too: a reload without resending, a new
  // tab opened it again (404: 找不到该页面或对象); so do its buttons' addresses after an app-wide error page (a refused
  // CSRF token, 403). To the page, which authorizes.
  for (const action of ['arbitration', 'arbitration/decision', 'revoke', 'copy', 'withdraw', 'returned/:item/delivered'])
    router.get(`/sharing/:id/${action}`, authorize('sharing.apply'), (req, res) => {
      if (idParam(req) < 0) throw new NotFoundError('sharing.errors.notFound');
      res.redirect(`/sharing/${idParam(req)}`);
    });

  router.post('/sharing/:id/arbitration', authorize('sharing.apply'), async (req, res) => {
    await act(
      req,
      res,
      'sharing.flash.arbitrationRequested',
      () => requestArbitration(ctx, actorOf(req), idParam(req), String(req.body?.note ?? '')),
      'arbitration',
    );
  });

  router.post('/sharing/:id/arbitration/decision', authorize('sharing.decide_office'), async (req, res) => {
    await act(
      req,
      res,
      'sharing.flash.arbitrated',
      () =>
        arbitrate(ctx, actorOf(req), idParam(req), {
          decision: String(req.body?.decision ?? ''),
          note: String(req.body?.note ?? ''),
        }),
      'arbitrate',
    );
  });

  router.post('/sharing/:id/revoke', authorize('sharing.manage'), async (req, res) => {
    await act(req, res, 'sharing.flash.revoked', () => revokeGrant(ctx, actorOf(req), idParam(req), req.body?.reason), 'revoke');
  });

  router.post('/sharing/:id/returned/:item/delivered', authorize('sharing.apply'), async (req, res) => {
    await act(req, res, 'sharing.flash.delivered', () =>
      markReturnedDelivered(ctx, actorOf(req), idParam(req), idParam(req, 'item')),
    );
  });

  return router;
}
