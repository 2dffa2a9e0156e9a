import crypto from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Uploaded attachments (project approval material, signed pledge scans). Files are stored in the
 * service database (`uploads.content`, bytea) so one database backup holds them. The type is decided
 * by the file's first bytes, never by its name or the browser's claimed MIME type.
 */
export type FileType = 'pdf' | 'png' | 'jpeg';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export const CONTENT_TYPES: Record<FileType, string> = { pdf: 'application/pdf', png: 'image/png', jpeg: 'image/jpeg' };

export function detectFileType(buffer: Buffer): FileType | null {
  if (buffer.length >= 5 && buffer.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (buffer.length >= 8 && buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (buffer.length >= 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpeg';
  return null;
}

/** The file name endings each type is saved under (the first is added when a name has none of them). */
const EXTENSIONS: Record<FileType, string[]> = { pdf: ['.pdf'], png: ['.png'], jpeg: ['.jpg', '.jpeg'] };

/**
 * An uploader's file name as a page may show it: without control and text-direction characters (an RLO, U+202E, before
 * `fdp.hta` shows the name as ending in `.pdf`), trimmed. The start of downloadName; also how the sharing form's
 * "choose it again" line names a file it did not keep (routes/sharing: no extension added there — the applicant
 * looks for the file by the name they chose). Empty when nothing else was left.
 */
export function visibleFileName(filename: string): string {
  // eslint-disable-next-line no-control-regex
  return filename.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
}

/**
 * The name a stored file is downloaded under: the uploader's name, without control and text-direction characters
 * (visibleFileName), ending with its type's extension. The
 * type was decided by the first bytes, but the name is the uploader's: `notes.hta` or `scan.html` holding
 * `%PDF-` and then a script is a PDF to us and a program or a web page to the computer that opens the
 * download by its name. Such a name gets the type's extension added (`notes.hta.pdf`).
 */
export function downloadName(filename: string, type: FileType): string {
  const name = visibleFileName(filename);
  const extensions = EXTENSIONS[type];
  if (extensions.some((e) => name.toLowerCase().endsWith(e) && name.length > e.length)) return name;
  return `${name || 'file'}${extensions[0]}`;
}

/**
 * A stored file's size as a link to it says it (证明.pdf（1.2 MB）): whole KB under 1 MB (at least 1 KB), MB with one
 * decimal above; the same units in Chinese and English.
 */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export interface NewUpload {
  purpose: string;
  filename: string;
  buffer: Buffer;
  uploadedBy: number | null;
}

/** Why a file is refused, or null when it may be stored. */
export function uploadProblem(buffer: Buffer): 'too_large' | 'bad_type' | 'empty' | null {
  if (buffer.length === 0) return 'empty';
  if (buffer.length > MAX_UPLOAD_BYTES) return 'too_large';
  return detectFileType(buffer) ? null : 'bad_type';
}

export async function saveUpload(db: Knex | Knex.Transaction, upload: NewUpload): Promise<number> {
  const type = detectFileType(upload.buffer);
  if (!type || upload.buffer.length > MAX_UPLOAD_BYTES) throw new Error('upload must be checked with uploadProblem() first');
  const filename = upload.filename.replace(/[\\/\0\r\n"]/g, '_').slice(0, 255) || `file.${type}`;
  const [row] = await db('uploads')
    .insert({
      purpose: upload.purpose,
      filename,
      file_type: type,
      size: upload.buffer.length,
      sha256: crypto.createHash('sha256').update(upload.buffer).digest('hex'),
      content: upload.buffer,
      uploaded_by: upload.uploadedBy,
    })
    .returning('id');
  return Number(row.id ?? row);
}

export async function loadUpload(db: Knex, id: number) {
  const row = await db('uploads').where({ id }).first('id', 'filename', 'file_type', 'size', 'content');
  if (!row) return null;
  return {
    id: Number(row.id),
    filename: String(row.filename),
    type: row.file_type as FileType,
    size: Number(row.size),
    content: Buffer.from(row.content),
  };
}
