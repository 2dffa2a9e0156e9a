import type { Request } from 'express';
import type { FieldError } from '../errors';

/**
 * The API's filters take one value each. `?status=a&status=b` reaches express as a list, and `?status[]=a` or
 * `?status[x]=a` (the array syntax of many HTTP clients) as another parameter altogether (express 5's simple
 * query parser): either way the filter read as absent, and the caller got the unfiltered list as if it had
 * been filtered. Each such parameter is a problem naming it instead (422, nothing listed).
 */
export function repeatedQueryValues(query: Record<string, unknown>, names: readonly string[]): FieldError[] {
  const refused = new Set<string>();
  for (const [key, value] of Object.entries(query)) {
    const name = key.replace(/\[.*$/s, '');
    if (names.includes(name) && (key !== name || typeof value !== 'string')) refused.add(name);
  }
  return [...refused].map((name) => ({ field: name, key: 'errors.queryOneValue', params: { field: name } }));
}

/** The request's query string as it was sent (`?period=month`, or '' without one): for a redirect that keeps it. */
export function sentQuery(req: Pick<Request, 'originalUrl'>): string {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at);
}
