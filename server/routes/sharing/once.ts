import { randomBytes } from 'node:crypto';
import type { Request } from 'express';

/**
 * The new-request form is filed once however often it is sent. The form carries an id of its own (`form_id`);
 * a second post of the same form — a double click on 提交申请, or the form sent again from the browser's history
 * after it was filed — goes to the request the first post made instead of filing a second one. Posts of one form
 * are handled one after the other (a double click's second post waits for the first); the instance and the
 * session remember which forms made which requests (the session's copy survives a restart and other instances).
 */
declare module 'express-session' {
  interface SessionData {
    /** The new-request forms this session sent that made a request (form id → request id), newest last. */
    sharingForms?: [string, number][];
  }
}

const FORM_ID = /^[0-9a-f]{32}$/;
const REMEMBERED_IN_SESSION = 5;
const REMEMBERED_HERE = 1000;

export const newFormId = (): string => randomBytes(16).toString('hex');

/** The form id a post carries, or null (none, or not one this service made). */
export function formIdOf(body: unknown): string | null {
  const id = (body as Record<string, unknown> | null)?.form_id;
  return typeof id === 'string' && FORM_ID.test(id) ? id : null;
}

const running = new Map<string, Promise<void>>();
const made = new Map<string, number>();
const keyOf = (req: Request, formId: string) => `${req.user!.id}:${formId}`;

/** The request an earlier post of this user's form made, if any. */
export function madeBefore(req: Request, formId: string): number | undefined {
  return made.get(keyOf(req, formId)) ?? req.session.sharingForms?.find(([id]) => id === formId)?.[1];
}

/** Remembers that this form made request `requestId`. */
export function rememberMade(req: Request, formId: string, requestId: number): void {
  const key = keyOf(req, formId);
  made.delete(key);
  made.set(key, requestId);
  if (made.size > REMEMBERED_HERE) made.delete(made.keys().next().value!);
  req.session.sharingForms = [...(req.session.sharingForms ?? []), [formId, requestId] as [string, number]].slice(
    -REMEMBERED_IN_SESSION,
  );
}

/** Runs `fn` once every earlier post of the same form (by this user) has been handled. */
export async function oneAtATime<T>(req: Request, formId: string, fn: () => Promise<T>): Promise<T> {
  const key = keyOf(req, formId);
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
