import type { Request, Response } from 'express';
import { typedWholeNumber } from '../services/typed-number';

/**
 * A positive whole number from a query value, else `fallback` (missing, 0, negative, not a number, sent twice).
 * Digits only: parseInt read `2abc` and `2.5` as 2, and `page[]=2` (an array) too.
 */
function positiveOr(value: unknown, fallback: number): number {
  const digits = typeof value === 'string' ? typedWholeNumber(value, 30) : null;
  const n = digits === null ? NaN : Number(digits);
  return n >= 1 ? n : fallback; // NaN fails the comparison too
}

/**
 * Page numbers from a query string, not errors: lists page. `page` or `per_page` that is not a positive
 * whole number is the default (page 1; the list's own page size), one above the limits the limit (page
 * 100 000, 200 a page). The answer's `page` and `per_page` say what was used.
 */
export function pageParams(query: Record<string, unknown>, defaultPerPage = 25): { page: number; perPage: number } {
  const page = Math.min(100_000, positiveOr(query.page, 1));
  const perPage = Math.min(200, positiveOr(query.per_page, defaultPerPage));
  return { page, perPage };
}

export interface Pager {
  page: number;
  pages: number;
  total: number;
  prevHref: string | null;
  nextHref: string | null;
  /** Words in place of "page 1 of 3, 71 in all", for a list whose entries are not what its reader counts (the catalog). */
  label?: string;
}

export function pagination(url: string, page: number, perPage: number, total: number): Pager {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const href = (p: number) => {
    const u = new URL(url, 'http://x');
    u.searchParams.set('page', String(p));
    return `${u.pathname}?${u.searchParams.toString()}`;
  };
  return {
    page,
    pages,
    total,
    prevHref: page > 1 ? href(page - 1) : null,
    nextHref: page < pages ? href(page + 1) : null,
  };
}

/**
 * A list's URL on its last page when `page` is past the end (an action took the last rows of that
 * page away, or a link is old: show the rows left, not an empty list that looks like an empty queue
 * under "page 9 of 1"); else null. Every paged list redirects there (`redirectKeepingFlash`).
 */
export function pastLastPage(url: string, page: number, perPage: number, total: number): string | null {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (page <= last) return null;
  const u = new URL(url, 'http://x');
  u.searchParams.set('page', String(last));
  return `${u.pathname}?${u.searchParams.toString()}`;
}

/** A redirect from a page that was about to show the flash (e.g. to `pastLastPage`): the next page shows it instead. */
export function redirectKeepingFlash(req: Request, res: Response, to: string): void {
  if (res.locals.flash) req.session.flash = res.locals.flash;
  res.redirect(to);
}
