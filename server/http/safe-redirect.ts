/**
 * Where to send the user after a form: only a path on this site. An absolute URL, a protocol-relative
 * `//host` or `/\host` (browsers read the backslash as a slash) would be an open redirect.
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback;
}

/**
 * The page a request belongs to, for links back to it (the language switch): a GET's own URL; for a
 * form POST, the page the form was on (its same-site Referer) — a rejected form is re-rendered at its
 * POST URL, and going back there with a GET finds no page. Without a usable Referer, the home page.
 */
export function pagePath(req: { method: string; originalUrl: string; get(name: string): string | undefined }): string {
  if (req.method === 'GET' || req.method === 'HEAD') return req.originalUrl;
  const referer = req.get('referer');
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    if (url.host !== req.get('host')) return '/';
    return safeLocalPath(url.pathname + url.search, '/');
  } catch {
    return '/';
  }
}
