import type { Request, Response } from 'express';
import multer from 'multer';
import { AppError } from '../errors';
import { repeatedFormValuesError } from '../http/form-values';
import { unsafeBodyError } from './body-safety';
import { verifyDeferredCsrf } from './csrf';

/**
 * Multipart bodies, for the forms that take files (the report form and its answer form, the sharing
 * request, the catalog import): one parser, so they all behave alike.
 *
 * - Files are kept in memory up to one byte over the form's limit; the rest of a larger file is read
 *   and dropped. Memory stays bounded (limit + 1 bytes a file), the fields sent after the file are
 *   still parsed, and `file.size` is the file's real size. (multer's `fileSize` limit stops reading
 *   the form at the file: everything typed after it was lost when the form came back.)
 * - A file over the limit is a problem of its input, decided from its real size (`size`), for the
 *   route to show on the form. Its buffer holds limit + 1 bytes, so a length check such as
 *   uploadProblem() (services/uploads) calls it too large as well: never a cut file taken for whole.
 * - File names are read as UTF-8, as browsers send them (立项批复.pdf); busboy's default is latin1.
 * - Text is bounded too, as the JSON and urlencoded parsers bound a body (1 MB): at most `maxTextBytes` of
 *   everything but the files in one request (2 MB unless the form says more), at most `maxFields` fields,
 *   each at most 1 MB (busboy's default, with no limit on their number or their sum: 500 fields of 1 MB each
 *   were read into memory before the form was refused, and ten such requests at once ran the service out of
 *   memory). Within that a text of any length comes back on its form with its own message ("at most 2,000
 *   characters", a 100,000-character paste as typed). Over it the parsing stops — what followed is lost — so it
 *   is a 413 error page saying what the form takes; the budget is a thousand times what a form's own checks take.
 * - The parsed text gets the checks every other body gets (NUL characters, keys shadowing
 *   Object.prototype: middleware/body-safety.ts; a field sent twice or as a list where one text is
 *   taken: http/form-values.ts), which ran before this body was parsed.
 *
 * - The CSRF token: these forms send it as their first field, `_csrf` (or a script sends the X-CSRF-Token
 *   header). The app-wide check (middleware/csrf.ts) runs before the body is parsed, so for the upload routes it
 *   defers a request without the header (`req.csrfDeferred`); the parser checks the body's token as soon as the
 *   body is read, before any other check and before the route sees anything: a missing or wrong one is the
 *   CSRF error (403), and nothing of the form is taken. This parser is the only code that checks (and clears) a
 *   deferred request: each route on csrf.ts's UPLOAD_ROUTES must parse its body with it
 *   (test/integration/upload-csrf.test.ts posts a wrong token to each and expects the 403).
 */

/** The text one form may send besides its files, by default (field names and the parts' headers count too). */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;
/** One text field at most (busboy's default). */
export const MAX_FIELD_BYTES = 1024 * 1024;

/** The limits of busboy that stop the parsing: a text field too long, or too many fields or parts. */
const TEXT_LIMITS: readonly string[] = ['LIMIT_FIELD_VALUE', 'LIMIT_FIELD_COUNT', 'LIMIT_PART_COUNT', 'LIMIT_FIELD_KEY'];

/** A form whose text is over the parser's limits: nothing of it is taken (413, naming the field or the count). */
export class FormTooLargeError extends AppError {
  constructor(code: string, field: string, options: { maxFields: number; maxFieldBytes: number; maxTextBytes: number }) {
    super(
      413,
      'form_too_large',
      code === 'LIMIT_FIELD_VALUE'
        ? 'errors.formFieldTooLarge'
        : code === 'TEXT_BUDGET'
          ? 'errors.formTextTooLarge'
          : 'errors.formTooManyFields',
      {
        field: field.slice(0, 100),
        kb: Math.floor(options.maxFieldBytes / 1024),
        mb: Math.round(options.maxTextBytes / 1024 / 1024),
        max: options.maxFields,
      },
    );
  }
}

/**
 * What busboy says of a body it cannot read: a part's header it refuses (a file name holding a control character
 * other than CR and LF, which browsers send unescaped), a body cut short (the client went away), no boundary. The
 * sender's form, not a fault of the service: a 400 saying what to do, never the 500 of an unhandled error.
 */
const UNREADABLE_FORM = new Set([
  'Malformed part header',
  'Unexpected end of form',
  'Unexpected end of file',
  'Multipart: Boundary not found',
  'Malformed content type',
]);

/** A form the parser could not read to its end: nothing of it is taken (400). */
export class FormUnreadableError extends AppError {
  constructor() {
    super(400, 'form_unreadable', 'errors.formUnreadable');
  }
}

/** The file bytes read so far from each request being parsed (boundedMemory counts them, the text budget reads them). */
const fileBytes = new WeakMap<Request, number>();

/** Files in memory, at most `limit` + 1 bytes each; `size` is the real size. */
export function boundedMemory(limit: number): multer.StorageEngine {
  return {
    _handleFile(req, file, cb) {
      const chunks: Buffer[] = [];
      let kept = 0;
      let size = 0;
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // A file's bytes are not text: the parser's text budget leaves them out (fileBytes).
        fileBytes.set(req, (fileBytes.get(req) ?? 0) + chunk.length);
        if (kept > limit) return;
        const part = chunk.subarray(0, limit + 1 - kept);
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
}

export interface MultipartOptions {
  /** The form's file inputs, each taking one file unless `maxCount` says more. */
  files: { name: string; maxCount?: number }[];
  /** The largest file taken, in bytes. */
  maxFileBytes: number;
  /** How many text fields at most. */
  maxFields: number;
  /** The longest text field taken, in bytes (default `MAX_FIELD_BYTES`). */
  maxFieldBytes?: number;
  /** The most text of one request, in bytes: everything but its files (default `MAX_TEXT_BYTES`). */
  maxTextBytes?: number;
  /**
   * Text fields whose NUL characters the route refuses itself, with a better answer than the generic
   * error page: the catalog's pasted YAML goes to the parser, which names the line, and the form comes back
   * with the text (which the error page would lose).
   */
  nulCheckedByRoute?: string[];
  /** Text fields over `maxFieldBytes` the route tells of itself, as a problem of the form (the catalog's pasted YAML). */
  ownLimitFields?: string[];
}

/** Something wrong with the form's files that the user can correct, for the route to show at the input. */
export interface UploadProblem {
  /** The input it came from as multer names it (a text field for LIMIT_FIELD_*; may be none). */
  field: string;
  /** `too_large`: the file's real size is over the limit; otherwise multer's code (LIMIT_FILE_COUNT, LIMIT_UNEXPECTED_FILE…). */
  code: 'too_large' | multer.ErrorCode;
  /** The file's name as sent, for a file over the limit. */
  filename?: string;
  /** multer's (English) message; for `too_large`, the size and the limit. */
  message: string;
}

export type MultipartDone = (err: Error | null, problems: UploadProblem[]) => void;

/** The uploaded files, by input name (empty when the body was not multipart). */
export function uploadedFiles(req: Request): Record<string, Express.Multer.File[]> {
  const files = req.files;
  return files && !Array.isArray(files) ? files : {};
}

/** The first file sent in the input `name`, if any. */
export function uploadedFile(req: Request, name: string): Express.Multer.File | undefined {
  return uploadedFiles(req)[name]?.[0];
}

/**
 * A parser for one form: parses the body into `req.body` and `req.files` (by input name), then calls
 * `done` with an error to pass on (not the user's to correct on the form: a NUL character in a field,
 * the request aborted…) or with the form's upload problems (none when all is well). A body that is
 * not multipart is left as it is.
 */
/** Arrays with holes (sparse) in a parsed body made dense, at any depth, in place. */
function closeGaps(value: unknown, depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 32) return;
  if (Array.isArray(value)) {
    if (Object.keys(value).length !== value.length) {
      const dense = value.filter(() => true);
      value.length = 0;
      value.push(...dense);
    }
    value.forEach((v) => closeGaps(v, depth + 1));
  } else for (const v of Object.values(value)) closeGaps(v, depth + 1);
}

export function multipartParser(options: MultipartOptions) {
  const inputs = options.files.map((f) => ({ name: f.name, maxCount: f.maxCount ?? 1 }));
  const maxFieldBytes = options.maxFieldBytes ?? MAX_FIELD_BYTES;
  const maxTextBytes = options.maxTextBytes ?? MAX_TEXT_BYTES;
  const limits = { maxFields: options.maxFields, maxFieldBytes, maxTextBytes };
  const upload = multer({
    storage: boundedMemory(options.maxFileBytes),
    // Browsers send a file's name as UTF-8 (立项批复.pdf); busboy would read it as latin1.
    defParamCharset: 'utf8',
    limits: {
      files: inputs.reduce((n, f) => n + f.maxCount, 0),
      fields: options.maxFields,
      fieldSize: maxFieldBytes,
    },
  }).fields(inputs);

  return (req: Request, res: Response, done: MultipartDone): void => {
    // One answer per request: the text budget may answer before multer does (which then never will).
    let answered = false;
    const answer: MultipartDone = (err, problems) => {
      if (answered) return;
      answered = true;
      done(err, problems);
    };
    // Declared before upload() is called: multer calls back at once (synchronously) for a body that is not multipart.
    const afterUpload = (err: unknown): void => {
      if (answered) return;
      if (err instanceof Error && UNREADABLE_FORM.has(err.message))
        // The token was the form's first field: read by now unless the body broke before it (then the CSRF error).
        return answer(verifyDeferredCsrf(req) ?? new FormUnreadableError(), []);
      if (err && !(err instanceof multer.MulterError)) return answer(err as Error, []);
      // A numbered field with a gap (items[1][table] without items[0]) is an array with holes in multer's body; the
      // url-encoded parser (qs) closes the gaps. Closed here too, so that every route reads rows one after another
      // and none is an undefined "row" (a hole crashed a walk over the body).
      closeGaps(req.body);
      // The deferred CSRF check (middleware/csrf.ts), before anything else of the form is looked at.
      const forged = verifyDeferredCsrf(req);
      if (forged) return answer(forged, []);
      // Text over the limits, unless the route names that field's own message (the catalog's pasted YAML).
      if (
        err instanceof multer.MulterError &&
        TEXT_LIMITS.includes(err.code) &&
        !(err.code === 'LIMIT_FIELD_VALUE' && options.ownLimitFields?.includes(err.field ?? ''))
      )
        return answer(new FormTooLargeError(err.code, err.field ?? '', limits), []);
      const unsafe = unsafeBodyError(req, options.nulCheckedByRoute) ?? repeatedFormValuesError(req.body, 'multipart');
      if (unsafe) return answer(unsafe, []);
      const problems: UploadProblem[] = [];
      if (err instanceof multer.MulterError) problems.push({ field: err.field ?? '', code: err.code, message: err.message });
      for (const [field, files] of Object.entries(uploadedFiles(req)))
        for (const file of files)
          if (file.size > options.maxFileBytes)
            problems.push({
              field,
              code: 'too_large',
              filename: file.originalname,
              message: `File too large (${file.size} bytes, at most ${options.maxFileBytes})`,
            });
      answer(null, problems);
    };
    upload(req, res, (err: unknown) => {
      // This callback runs outside express's error handling (multer calls it from the request's stream): anything it
      // throws would end the process, so it goes to the route's error handling like a parse error.
      try {
        afterUpload(err);
      } catch (thrown) {
        answer(thrown as Error, []);
      }
    });
    // The text budget: every byte of the body but the files' (the fields, their names, the parts' headers). multer
    // has piped the request into its parser by now; this listener sees the same chunks. Over the budget the request
    // is cut off from the parser (whose callback then never comes) and read to its end unparsed, so that the 413
    // can be sent on a connection still in order.
    if (!req.is('multipart/form-data')) return;
    let total = 0;
    const count = (chunk: Buffer) => {
      total += chunk.length;
      if (answered || total - (fileBytes.get(req) ?? 0) <= maxTextBytes) return;
      req.off('data', count);
      req.unpipe();
      req.resume();
      // A deferred request whose body's token (its first field, read by now) does not match is the CSRF error.
      answer(verifyDeferredCsrf(req) ?? new FormTooLargeError('TEXT_BUDGET', '', limits), []);
    };
    req.on('data', count);
  };
}
