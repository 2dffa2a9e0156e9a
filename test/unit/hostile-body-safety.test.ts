import fc from 'fast-check';
import {
  dropShadowingKeys,
  forbiddenCodes,
  unsafeBodyError,
  verifyJsonBody,
  MAX_JSON_DEPTH,
  SHADOWING_KEYS_DROPPED,
} from '../../server/middleware/body-safety';
import { translate } from '../../server/i18n';

/** The JSON body guards (issue 9): nesting is measured outside strings; prototype-named keys are dropped. */

const depthOf = (text: string) => () => verifyJsonBody(null, null, Buffer.from(text), 'utf-8');

describe('verifyJsonBody', () => {
  it('takes exactly MAX_JSON_DEPTH levels and refuses one more with a 400', () => {
    expect(depthOf(`{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`)).not.toThrow();
    expect(depthOf(`{"a":${'{"b":'.repeat(MAX_JSON_DEPTH - 1)}1${'}'.repeat(MAX_JSON_DEPTH)}`)).not.toThrow();
    expect(depthOf(`{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(depthOf(JSON.stringify({ purpose: '['.repeat(1000), note: '\\"[[[[' + '{'.repeat(100) }))).not.toThrow();
  });

  it('refuses a body that is not a JSON object (an array, a string, a number) with a 400 of its own', () => {
    for (const text of ['[]', ' [{"purpose":"x"}]', '"text"', '5', 'null', 'true'])
      expect(depthOf(text)).toThrow(expect.objectContaining({ status: 400, type: 'entity.not.object' }));
    expect(depthOf(' \r\n\t{"purpose":"x"}')).not.toThrow();
  });

  it('never refuses an ordinary body: any JSON object nested at most 10 deep', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 9 })), (value) => {
        expect(depthOf(JSON.stringify(value, null, 1))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('dropShadowingKeys', () => {
  it('drops __proto__, constructor, toString and valueOf at any level, keeping every other key and noting the dropped', () => {
    const parsed = JSON.parse(
      '{"__proto__":{"polluted":1},"purpose":"x","items":[{"constructor":{"prototype":{"polluted":1}},"table":"t","toString":1}],"note":{"valueOf":2,"a":3}}',
      dropShadowingKeys,
    );
    // Noted on their object under a symbol (the API's body check refuses them by name); no route's Object.keys sees it.
    const dropped = SHADOWING_KEYS_DROPPED;
    expect(parsed).toEqual({
      purpose: 'x',
      items: [{ table: 't', [dropped]: ['constructor', 'toString'] }],
      note: { a: 3, [dropped]: ['valueOf'] },
      [dropped]: ['__proto__'],
    });
    expect(Object.keys(parsed.items[0])).toEqual(['table']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(String(parsed.items[0])).toBe('[object Object]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('the codes a forbidden-character message names', () => {
  it('names those the text holds, each once in the order found, not every code refused', () => {
    expect(forbiddenCodes('同意，联系人电话 \u202A138 0000 1234\u202C')).toEqual({ codes: '\\u202A \\u202C', count: 2 });
    expect(forbiddenCodes('a\u0000b\u0000c')).toEqual({ codes: '\\u0000', count: 1 });
    expect(forbiddenCodes(['x\u202E', 'y\u0000', 'z\u202E'])).toEqual({ codes: '\\u202E \\u0000', count: 2 });
    // Half a character (a JSON escape's lone surrogate) is refused as one, and named.
    expect(forbiddenCodes('a\uD800b')).toEqual({ codes: '\\uD800', count: 1 });
    // The isolates are refused in query strings only, and named there.
    expect(forbiddenCodes('\u2066HR\u2069')).toEqual({ codes: '', count: 0 });
    expect(forbiddenCodes('\u2066HR\u2069', 'query')).toEqual({ codes: '\\u2066 \\u2069', count: 2 });
    // Past five, the rest is an ellipsis.
    expect(forbiddenCodes('\u0000\u202A\u202B\u202C\u202D\u202E')).toEqual({
      codes: '\\u0000 \\u202A \\u202B \\u202C \\u202D …',
      count: 6,
    });
  });

  it('in the app-wide refusal: each field with its own codes, a query string with its isolates', () => {
    const req = {
      method: 'POST',
      path: '/x',
      baseUrl: '',
      body: { comment: '电话 \u202A138\u202C', note: 'a\u0000' },
      query: { department: 'HR\u2069' },
    } as unknown as Parameters<typeof unsafeBodyError>[0];
    expect(unsafeBodyError(req)?.fields).toEqual([
      { field: 'comment', key: 'errors.nulCharacter', params: { codes: '\\u202A \\u202C', count: 2 } },
      { field: 'note', key: 'errors.nulCharacter', params: { codes: '\\u0000', count: 1 } },
      { field: 'department', key: 'errors.nulCharacter', params: { codes: '\\u2069', count: 1 } },
    ]);
    expect(translate('en', 'errors.nulCharacter', { codes: '\\u2069', count: 1 })).toMatch(/\(character code \\u2069\)$/);
    expect(translate('en', 'errors.nulCharacter', { codes: '\\u202A \\u202C', count: 2 })).toMatch(
      /\(character codes \\u202A \\u202C\)$/,
    );
    expect(translate('zh-CN', 'errors.nulCharacter', { codes: '\\u202A \\u202C', count: 2 })).toMatch(
      /（字符代码 \\u202A \\u202C）$/,
    );
  });
});
