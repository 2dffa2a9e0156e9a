import fc from 'fast-check';
import { dropShadowingKeys, limitJsonDepth, MAX_JSON_DEPTH } from '../../server/middleware/body-safety';

/** The JSON body guards (issue 9): nesting is measured outside strings; prototype-named keys are dropped. */

const depthOf = (text: string) => () => limitJsonDepth(null, null, Buffer.from(text));

describe('limitJsonDepth', () => {
  it('takes exactly MAX_JSON_DEPTH levels and refuses one more with a 400', () => {
    expect(depthOf(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).not.toThrow();
    expect(depthOf(`{"a":${'{"b":'.repeat(MAX_JSON_DEPTH - 1)}1${'}'.repeat(MAX_JSON_DEPTH)}`)).not.toThrow();
    expect(depthOf(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(depthOf(JSON.stringify({ purpose: '['.repeat(1000), note: '\\"[[[[' + '{'.repeat(100) }))).not.toThrow();
  });

  it('never refuses an ordinary body: any JSON value nested at most 10 deep', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        expect(depthOf(JSON.stringify(value))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('dropShadowingKeys', () => {
  it('drops __proto__, constructor, toString and valueOf at any level, keeping every other key', () => {
    const parsed = JSON.parse(
      '{"__proto__":{"polluted":1},"purpose":"x","items":[{"constructor":{"prototype":{"polluted":1}},"table":"t","toString":1}],"note":{"valueOf":2,"a":3}}',
      dropShadowingKeys,
    );
    expect(parsed).toEqual({ purpose: 'x', items: [{ table: 't' }], note: { a: 3 } });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(String(parsed.items[0])).toBe('[object Object]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
