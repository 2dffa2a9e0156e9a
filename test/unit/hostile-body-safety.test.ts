import fc from 'fast-check';
import { dropShadowingKeys, verifyJsonBody, MAX_JSON_DEPTH, SHADOWING_KEYS_DROPPED } from '../../server/middleware/body-safety';

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
