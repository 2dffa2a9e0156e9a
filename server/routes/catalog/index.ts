import { NextFunction, Request, Response, Router } from 'express';
import multer from 'multer';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { NotFoundError, ValidationError } from '../../errors';
import { authorize } from '../../middleware/authorize';
import { unsafeBodyError } from '../../middleware/body-safety';
import { fieldMessages } from '../../middleware/errors';
import { can } from '../../policies';
import { decodeCatalogFile } from '../../services/catalog/decode';
import { currentCatalogYaml, importCatalog, loadCurrentCatalog, type ImportResult } from '../../services/catalog/repository';
import { pageParams, pagination } from '../../presenters/paging';
import { tableChecksView } from '../../presenters/table-checks';
import { catalogOverview, fieldViews, tableView } from './present';

const MAX_UPLOAD_BYTES = 1024 * 1024;

/** The uploaded text with line numbers, each line marked with its problems. */
function numberedLines(text: string, result: ImportResult, locale: 'zh-CN' | 'en') {
  const byLine = new Map<number, { severity: string; message: string }[]>();
  for (const p of result.problems) {
    if (p.line === null) continue;
    const list = byLine.get(p.line) ?? [];
    list.push({ severity: p.severity, message: `${p.path}: ${p.message[locale]}` });
    byLine.set(p.line, list);
  }
  return text.split(/\r?\n/).map((line, i) => {
    const problems = byLine.get(i + 1) ?? [];
    const kind = problems.some((p) => p.severity === 'error') ? 'error' : problems.length ? 'warning' : '';
    return { no: i + 1, text: line, kind, problems };
  });
}

export function catalogRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;

  router.get('/catalog', authorize('catalog.view'), async (req, res) => {
    const current = await loadCurrentCatalog(db);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const { page, perPage } = pageParams(req.query, 25);
    const overview = current ? catalogOverview(current.catalog, q, { page, perPage }) : { departments: [], matches: 0, total: 0 };
    res.render('pages/catalog/index', {
      title: req.t('catalog.title'),
      q,
      canManage: can(req.user, 'catalog.manage'),
      versionId: current?.versionId,
      ...overview,
      pager: overview.total > perPage ? pagination(req.originalUrl, page, perPage, overview.total) : null,
      hasCatalog: !!current,
    });
  });

  router.get('/catalog/tables/:name', authorize('catalog.view'), async (req, res) => {
    const current = await loadCurrentCatalog(db);
    const table = current?.catalog.tables.find((t) => t.name === req.params.name);
    if (!current || !table) throw new NotFoundError();
    res.render('pages/catalog/table', {
      title: table.title ?? table.name,
      checks: await tableChecksView(db, table, req.user!, req.t),
      table: tableView(current.catalog, table, req.locale, req.t),
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

  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } }).single('file');
  // Multer's errors (too large, unexpected field) are the user's: shown on the form, not as a 500.
  const receiveUpload = (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (err: unknown) => {
      if (!err) return next(unsafeBodyError(req) ?? undefined);
      if (err instanceof multer.MulterError) {
        const key = err.code === 'LIMIT_FILE_SIZE' ? 'catalog.import.errors.tooLarge' : 'catalog.import.errors.upload';
        return next(new ValidationError([{ field: 'file', key, params: { message: err.message } }]));
      }
      next(err);
    });

  router.post('/catalog/import', authorize('catalog.manage'), receiveUpload, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A repeated field arrives as an array (and a JSON client may send anything): only text is a catalog.
    const form = { yaml: typeof body.yaml === 'string' ? body.yaml : '', dry_run: !!body.dry_run, strict: !!body.strict };
    const decoded = req.file ? decodeCatalogFile(req.file.buffer) : { text: form.yaml, problem: null };
    if (decoded.problem) {
      // Not UTF-8 (a GBK file): reading it anyway would import mojibake. Nothing is imported.
      const err = new ValidationError([{ field: 'file', key: 'catalog.import.errors.encoding' }]);
      const p = decoded.problem;
      res.status(422).render('pages/catalog/import', {
        title: req.t('catalog.import.title'),
        form: { ...form, yaml: '' },
        fields: fieldMessages(err, req),
        result: {
          ok: false,
          errors: 1,
          warnings: 0,
          problems: [{ line: p.line, path: p.path, severity: p.severity, message: p.message[req.locale] }],
          lines: [],
        },
      });
      return;
    }
    const text = decoded.text;
    if (!text.trim()) {
      const err = new ValidationError([{ field: req.file ? 'file' : 'yaml', key: 'catalog.import.errors.empty' }]);
      res
        .status(422)
        .render('pages/catalog/import', { title: req.t('catalog.import.title'), form, fields: fieldMessages(err, req) });
      return;
    }
    const result = await importCatalog(db, text, {
      actor: auditActor(req),
      origin: { ...auditOrigin(req), source: 'web' },
      hub: ctx.hub,
      strict: form.strict,
      dryRun: form.dry_run,
    });
    const errors = result.problems.filter((p) => p.severity === 'error').length;
    res.status(result.ok ? 200 : 422).render('pages/catalog/import', {
      title: req.t('catalog.import.title'),
      form: { ...form, yaml: req.file ? '' : form.yaml },
      result: {
        ok: result.ok,
        dryRun: form.dry_run,
        versionId: result.versionId,
        summary: result.summary,
        deactivated: result.summary.deactivated.join(', '),
        errors,
        warnings: result.problems.length - errors,
        problems: result.problems.map((p) => ({
          line: p.line,
          path: p.path,
          severity: p.severity,
          message: p.message[req.locale],
        })),
        lines: result.problems.length > 0 ? numberedLines(text, result, req.locale) : [],
      },
    });
  });

  return router;
}
