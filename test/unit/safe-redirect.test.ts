import { safeLocalPath } from '../../server/http/safe-redirect';

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
