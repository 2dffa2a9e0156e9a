import { pagePath, safeLocalPath } from '../../server/http/safe-redirect';

describe('redirect targets after a form', () => {
  it('keeps paths on this site', () => {
    expect(safeLocalPath('/tickets?status=open')).toBe('/tickets?status=open');
  });
  it.each(['//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/a b', 42, undefined])(
    'refuses %p',
    (value) => {
      expect(safeLocalPath(value, '/inbox')).toBe('/inbox');
    },
  );
});

describe('the page a request belongs to (the language switch goes back there)', () => {
  const req = (method: string, originalUrl: string, headers: Record<string, string> = {}) => ({
    method,
    originalUrl,
    get: (name: string) => headers[name.toLowerCase()],
  });
  const host = { host: 'hub.example.edu.cn' };

  it("is a GET's own URL", () => {
    expect(pagePath(req('GET', '/tickets?status=open'))).toBe('/tickets?status=open');
  });

  it('is, for a rejected form re-rendered at its POST URL, the page the form was on', () => {
    const referer = 'https://hub.example.edu.cn/sharing/12?tab=decision';
    expect(pagePath(req('POST', '/sharing/12/decision', { ...host, referer }))).toBe('/sharing/12?tab=decision');
  });

  it('is the home page when the Referer is missing, from another site or not a plain path', () => {
    expect(pagePath(req('POST', '/reports', host))).toBe('/');
    expect(pagePath(req('POST', '/reports', { ...host, referer: 'https://evil.example/x' }))).toBe('/');
    expect(pagePath(req('POST', '/reports', { ...host, referer: 'not a url' }))).toBe('/');
  });
});
