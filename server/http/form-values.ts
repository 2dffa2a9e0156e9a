import type { NextFunction, Request, Response } from 'express';
import { ValidationError, type FieldError } from '../errors';

/**
 * A form's fields take one text each, except the few named below. A field sent twice (`answer=fixed&answer=not_error`)
 * reaches the routes as a list, and a multipart field in array or object syntax (`answer[]=fixed`, `version[x]=3`) as
 * a list or an object; a url-encoded one in that syntax (express 5 reads those bodies flat) as another field
 * altogether. Read with `String(x)` or `Number(x)`, `['fixed']` was taken as `fixed`, `['3', '4']` as no version at
 * all, and `version[]=3` left the version out: the form was carried out on a value nobody chose. Each such field is a
 * problem naming it instead (422, nothing done), for every form: the url-encoded ones here (refuseRepeatedFormValues,
 * after the body parsers), the multipart ones when their route parses them (middleware/multipart.ts).
 */

/** How a field that takes more than one text is built; anything else is one text. */
type Shape =
  /** One text. */
  | 'text'
  /** Left to the route, which names what it expects there (a report's record key: reports/validate.ts). */
  | 'route'
  /** Texts or structures (checkboxes, rows): `x=a&x=b`, `x[]=a`, `x[0][…]`; one text is taken as a list of one. */
  | { list: Shape }
  /** A group of texts by name (`applicant[name]`); `except` names the members built otherwise. */
  | { group: Shape; except?: Record<string, Shape> };

const texts: Shape = { list: 'text' };
const textGroup: Shape = { group: 'text' };

/** Url-encoded forms: only repeated checkboxes (express reads no brackets there). */
const URLENCODED_FIELDS: Record<string, Shape> = {
  roles: texts, // a user's roles (admin)
  ids: texts, // the tickets acknowledged at once
  tables: texts, // a structure change's tables
};

/** Multipart forms (the report form and its answer form, the sharing request, the catalog import). */
const MULTIPART_FIELDS: Record<string, Shape> = {
  record_key: 'route',
  // The sharing request's groups and rows.
  applicant: textGroup,
  system: textGroup,
  datasets: texts,
  members: { list: textGroup },
  vendors: { list: textGroup },
  items: { list: { group: 'text', except: { fields: texts } } },
};

export type FormKind = 'urlencoded' | 'multipart';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object';

function check(value: unknown, shape: Shape, path: string, out: string[]): void {
  if (shape === 'route' || value === undefined) return;
  if (shape === 'text') {
    if (typeof value !== 'string') out.push(path);
    return;
  }
  if ('list' in shape) {
    if (isObject(value)) for (const [k, v] of Object.entries(value)) check(v, shape.list, `${path}.${k}`, out);
    return;
  }
  // A group sent as one text or a list is not "one value too many": its route says what the group takes.
  if (isObject(value) && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) check(v, shape.except?.[k] ?? shape.group, `${path}.${k}`, out);
}

/** The fields of a parsed form body that were sent more than once or as a list or object where one text is taken. */
export function repeatedFormValues(body: unknown, kind: FormKind): FieldError[] {
  if (!isObject(body) || Array.isArray(body)) return [];
  const shapes = kind === 'urlencoded' ? URLENCODED_FIELDS : MULTIPART_FIELDS;
  const paths: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    // The CSRF check (before this one) takes exactly one token; a field without a name is read by no form.
    if (key === '_csrf' || key === '') continue;
    // `version[]` in a url-encoded body: a field of its own name, read by no route; the one meant is `version`.
    const name = kind === 'urlencoded' ? key.replace(/\[.*$/s, '') : key;
    if (name !== key) {
      if (name && !(name in shapes)) paths.push(name);
      continue;
    }
    check(value, Object.hasOwn(shapes, key) ? shapes[key] : 'text', key, paths);
  }
  return [...new Set(paths)].map((field) => ({ field, key: 'errors.formOneValue' }));
}

/** The check of repeatedFormValues as an error to pass on (null when the form is fine). */
export function repeatedFormValuesError(body: unknown, kind: FormKind): ValidationError | null {
  const fields = repeatedFormValues(body, kind);
  return fields.length ? new ValidationError(fields) : null;
}

/**
 * A JSON body sent to a page's form route (no page sends one, but a script with a session and its CSRF token may): the
 * top-level fields that are a list or an object where the form takes one value. A route reads them as a text, and
 * `String(['a', 'b'])` is "a,b" — a robot address stored as two. Numbers, booleans and null stay (scripts send
 * `version: 3`); the fields any form takes as a list or group are left to their route, as for the forms themselves.
 * The API (/api/v1) names what each of its bodies takes itself.
 */
export function structuredJsonValues(body: unknown): FieldError[] {
  if (!isObject(body) || Array.isArray(body)) return [];
  const fields = Object.entries(body)
    .filter(([key, value]) => key !== '_csrf' && key !== '' && isObject(value))
    .filter(([key]) => !Object.hasOwn(URLENCODED_FIELDS, key) && !Object.hasOwn(MULTIPART_FIELDS, key))
    .map(([key]) => key);
  return fields.map((field) => ({ field, key: 'errors.formOneValue' }));
}

/**
 * Middleware for the url-encoded forms (after the CSRF check, which takes exactly one token): a 422 naming each
 * field sent more than once or in array syntax, before any route reads it; and the same for a JSON body's list or
 * object sent to a page's route (structuredJsonValues).
 */
export function refuseRepeatedFormValues(req: Request, _res: Response, next: NextFunction): void {
  if (req.is('application/x-www-form-urlencoded')) return next(repeatedFormValuesError(req.body, 'urlencoded') ?? undefined);
  if (req.is('application/json') && !/^\/api(\/|$)/i.test(req.path)) {
    const fields = structuredJsonValues(req.body);
    return next(fields.length ? new ValidationError(fields) : undefined);
  }
  next();
}
