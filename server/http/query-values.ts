import type { Request } from 'express';
import type { FieldError } from '../errors';
import { invisibleWrittenOut } from '../services/characters';

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

/**
 * A parameter the list does not read was dropped without a word: `?stauts=open` answered every ticket as if filtered,
 * `?limit=10` or `?perPage=10` fifty a page. Each is a problem naming it (as typed, without its `[…]`) with the
 * parameters the list takes, as a body's unknown key is (body-keys.ts); at most 20.
 */
export function unknownQueryParams(query: Record<string, unknown>, accepted: readonly string[]): FieldError[] {
  const named = new Set<string>();
  for (const key of Object.keys(query)) {
    const name = key.replace(/\[.*$/s, '');
    if (!accepted.includes(name) && named.size < 20) named.add(name);
  }
  return [...named].map((name) => {
    const shown = echoedQueryText(name);
    return { field: shown, key: 'errors.unknownQueryParam', params: { key: shown, accepted: accepted.join(', ') } };
  });
}

/**
 * What a list endpoint says of its query before reading any value: each parameter it does not take, and each of its
 * one-value filters sent twice or as a list. `saidApart` are parameters the endpoint names with a message of its own
 * (the scorecards API's `period`), left out of the unknown ones.
 */
export function listQueryProblems(
  query: Record<string, unknown>,
  params: { accepted: readonly string[]; oneValue: readonly string[]; saidApart?: readonly string[] },
): FieldError[] {
  const saidApart = params.saidApart ?? [];
  return [
    ...unknownQueryParams(query, params.accepted).filter((p) => !saidApart.includes(p.field)),
    ...repeatedQueryValues(query, params.oneValue),
  ];
}

/**
 * A parameter's name or value as a message repeats it: as typed, an invisible character written out, past 64
 * characters cut with an ellipsis saying so (a 6,000-character `status` came back whole in its 422).
 */
export function echoedQueryText(text: string): string {
  const chars = [...text];
  const cut = chars.length > 64 ? `${chars.slice(0, 64).join('')}…` : text;
  return invisibleWrittenOut(cut) ?? cut;
}

/** The request's query string as it was sent (`?period=month`, or '' without one): for a redirect that keeps it. */
export function sentQuery(req: Pick<Request, 'originalUrl'>): string {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at);
}
