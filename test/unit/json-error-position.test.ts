import { jsonErrorPosition } from '../../server/http/json-error-position';

/** Where Node's JSON.parse says the mistake is, when it says. */
function nodePosition(text: string): number | null | 'unnamed' {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const at = /at position (\d+)/.exec((err as Error).message);
    return at ? Number(at[1]) : 'unnamed';
  }
}

describe('jsonErrorPosition: where a body stops being JSON', () => {
  it('agrees with JSON.parse wherever JSON.parse names a position, and says null for valid JSON', () => {
    for (const text of [
      '{"to": "fixed",}',
      '{"a" 1}',
      '{"a":1}}',
      '{"a":"\\x"}',
      '{"a":01}',
      '{"a":-}',
      '{"a":1.}',
      '{"a":1e}',
      '{"a":"\\u12G4"}',
      '{"a":"x\ty"}',
      "{'to': 'fixed'}",
      '{"a":1',
      '{',
      '{"a":1} x',
      '{"a":{"b":[true,false,null,-0.5e+3,"\\u00e9",""]}}',
      ' {"a":[]} \n',
    ]) {
      expect({ text, at: jsonErrorPosition(text) }).toEqual({ text, at: nodePosition(text) });
    }
  });

  it('names the unexpected character JSON.parse leaves without a position', () => {
    // Worked out by hand: the index of the first character JSON does not allow there.
    for (const [text, at] of [
      ['{\n  "to":\n}', 10], // the } where a value was due
      ['{"to": acknowledged}', 7], // an unquoted value
      ['{"v": True}', 6], // Python's True
      ['{"c": undefined}', 6],
      ['{"a":tru}', 8], // the word cut short: where it stops being `true`
      ['{"a":[1,2,]}', 10], // a trailing comma in a list
    ] as const) {
      expect(nodePosition(text)).toBe('unnamed');
      expect({ text, at: jsonErrorPosition(text) }).toEqual({ text, at });
    }
  });

  it('gives up without a place, not with a stack overflow, on a body nested thousands of levels deep', () => {
    expect(jsonErrorPosition(`{"a":${'['.repeat(100_000)}}`)).toBeNull();
    expect(jsonErrorPosition('['.repeat(1000) + ']'.repeat(1000) + '}')).toBe(2000);
  });
});
