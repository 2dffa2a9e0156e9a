import type { Request, Response } from 'express';

/** Page numbers from a query string, clamped: lists page, and a bad `page` is page 1, not an error. */
export function pageParams(query: Record<string, unknown>, defaultPerPage = 25): { page: number; perPage: number } {
  const page = Math.max(1, Math.min(100_000, Number.parseInt(String(query.page ?? '1'), 10) || 1));
  const perPage = Math.max(1, Math.min(200, Number.parseInt(String(query.per_page ?? defaultPerPage), 10) || defaultPerPage));
  return { page, perPage };
}

export interface Pager {
  page: number;
  pages: number;
  total: number;
  prevHref: string | null;
  nextHref: string | null;
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
