/**
 * Where to send the user after a form: only a path on this site. An absolute URL, a protocol-relative
 * `//host` or `/\host` (browsers read the backslash as a slash) would be an open redirect.
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback;
}
