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
