import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import type { AppContext } from '../../context';
import { ValidationError } from '../../errors';
import { unsafeBodyError } from '../../middleware/body-safety';
import type { Translator } from '../../i18n';
import { loadCurrentCatalog } from '../../services/catalog/repository';
import { MAX_UPLOAD_BYTES } from '../../services/uploads';
import { DATASETS, METHODS, SYSTEM_STATUSES, type SharingInput } from '../../services/sharing/types';
import type { Attachments } from '../../services/sharing/workflow';

/**
 * The request form: multipart (two optional files, in memory, ≤ 5 MB each) and the view model of
 * the form page. The CSRF check runs before the body is parsed, so the page's script posts the form
 * with the X-CSRF-Token header (public/js/sharing.js).
 */

/**
 * Files in memory, kept up to one byte over the limit: the rest of a larger file is read and dropped.
 * Memory stays bounded, and the form after the file is still parsed — a file too large comes back as
 * that input's message (uploadProblem() calls it too large) with everything typed, not as an error page
 * (multer's `fileSize` limit stops reading the form at the file).
 */
const boundedMemory: multer.StorageEngine = {
  _handleFile(_req, file, cb) {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    file.stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (kept > MAX_UPLOAD_BYTES) return;
      const part = chunk.subarray(0, MAX_UPLOAD_BYTES + 1 - kept);
      chunks.push(part);
      kept += part.length;
    });
    file.stream.on('error', (err: Error) => cb(err));
    file.stream.on('end', () => cb(null, { buffer: Buffer.concat(chunks), size }));
  },
  _removeFile(_req, file, cb) {
    delete (file as Partial<Express.Multer.File>).buffer;
    cb(null);
  },
};

// Browsers send a file's name as UTF-8 (立项批复.pdf); busboy would read it as latin1.
const upload = multer({ storage: boundedMemory, defParamCharset: 'utf8', limits: { files: 2, fields: 500 } }).fields([
  { name: 'material', maxCount: 1 },
  { name: 'pledge_scan', maxCount: 1 },
]);

export function multipart(req: Request, res: Response, next: NextFunction): void {
  upload(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError) {
      const field = err.field === 'pledge_scan' ? 'pledge_scan' : 'material';
      const key = err.code === 'LIMIT_FILE_SIZE' ? 'sharing.errors.upload.too_large' : 'sharing.errors.upload.bad_type';
      return next(new ValidationError([{ field, key, params: { filename: err.field ?? '' } }]));
    }
    next((err as Error | undefined) ?? unsafeBodyError(req) ?? undefined);
  });
}

export function attachmentsOf(req: Request): Attachments {
  const files = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
  const one = (name: string) =>
    files[name]?.[0] ? { filename: files[name][0].originalname, buffer: files[name][0].buffer } : undefined;
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
  const items = padded(input.items, () => ({ table: '', fields: [] as string[], range: '', note: '' }), 3).map((item, index) => {
    const table = tableOf(item.table);
    const declared = new Set(table?.fields.map((f) => f.name) ?? []);
    return {
      index,
      ...item,
      choices: (table?.fields ?? []).map((f) => ({ ...f, checked: item.fields.includes(f.name) })),
      otherFields: item.fields.filter((f) => !declared.has(f)).join(', '),
    };
  });
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
    ...extra,
  };
}
