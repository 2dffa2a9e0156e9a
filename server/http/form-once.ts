import { randomBytes } from 'node:crypto';
import type { Request } from 'express';

/**
 * A form that creates something (`FormKind`: a sharing request or a copy of one, an account, an error report, an API
 * token)
 * does so once however often it is sent. The form carries an id of its own (hidden field `form_id`); a second
 * post of the same form — a double click, or the page re-posted by a reload or from the browser's history
 * after it was filed — goes to the record the first post made instead of making a second one (or failing with
 * "already exists"). Posts of one form are handled one after the other (a double click's second post waits
 * for the first). Both this instance and the session remember which forms made which records: the session's
 * copy survives a restart and reaches other instances; it keeps the last few per kind, enough for the page
 * just shown.
 */
export type FormKind = 'sharing' | 'sharing-copy' | 'account' | 'report' | 'token';

declare module 'express-session' {
  interface SessionData {
    /** Per kind, the forms this session sent that made a record (form id → record id), newest last. */
    formsMade?: Partial<Record<FormKind, [string, number][]>>;
  }
}

/** The hidden input's name in every such form. */
export const FORM_ID_FIELD = 'form_id';
const FORM_ID = /^[0-9a-f]{32}$/;
const REMEMBERED_IN_SESSION = 5;
const REMEMBERED_HERE = 1000;

export const newFormId = (): string => randomBytes(16).toString('hex');

/** The form id a post carries, or null (none, or not one this service made). */
export function formIdOf(body: unknown): string | null {
  const id = (body as Record<string, unknown> | null)?.[FORM_ID_FIELD];
  return typeof id === 'string' && FORM_ID.test(id) ? id : null;
}

const running = new Map<string, Promise<void>>();
const made = new Map<string, number>();
const keyOf = (req: Request, kind: FormKind, formId: string) => `${kind}:${req.user!.id}:${formId}`;

/** The record an earlier post of this user's form made, if any. */
function madeBefore(req: Request, kind: FormKind, formId: string): number | undefined {
  return made.get(keyOf(req, kind, formId)) ?? req.session.formsMade?.[kind]?.find(([id]) => id === formId)?.[1];
}

/** Remembers that this form made record `recordId`. */
export function rememberMade(req: Request, kind: FormKind, formId: string, recordId: number): void {
  const key = keyOf(req, kind, formId);
  made.delete(key);
  made.set(key, recordId);
  if (made.size > REMEMBERED_HERE) made.delete(made.keys().next().value!);
  const forms = req.session.formsMade ?? {};
  forms[kind] = [...(forms[kind] ?? []), [formId, recordId] as [string, number]].slice(-REMEMBERED_IN_SESSION);
  req.session.formsMade = forms;
}

/** Runs `fn` once every earlier post of the same form (by this user) has been handled. */
async function oneAtATime<T>(req: Request, kind: FormKind, formId: string, fn: () => Promise<T>): Promise<T> {
  const key = keyOf(req, kind, formId);
  const before = running.get(key) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const mine = before.then(() => done);
  running.set(key, mine);
  await before;
  try {
    return await fn();
  } finally {
    release();
    if (running.get(key) === mine) running.delete(key);
  }
}

/**
 * A post of such a form, the one way routes take them: `make(formId)` when this form has made nothing yet (its
 * id null for a post without one, a script's), `again(recordId, formId)` when it has; posts of one form one after
 * the other. `make` calls `rememberMade` once the record exists.
 */
export async function postOnce(
  req: Request,
  kind: FormKind,
  make: (formId: string | null) => Promise<unknown>,
  again: (recordId: number, formId: string) => Promise<unknown>,
): Promise<void> {
  const formId = formIdOf(req.body);
  if (!formId) {
    await make(null);
    return;
  }
  await oneAtATime(req, kind, formId, async () => {
    const earlier = madeBefore(req, kind, formId);
    await (earlier === undefined ? make(formId) : again(earlier, formId));
  });
}
