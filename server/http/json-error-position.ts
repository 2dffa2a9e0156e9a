/**
 * Where a text stops being JSON: the index (in UTF-16 code units, as the string's own) of the first character JSON
 * does not allow there, the text's length when it ends before the JSON does, or null when it is valid JSON.
 *
 * Node 20's JSON.parse names the position of some mistakes only (`Expected double-quoted property name in JSON at
 * position 18`); an unexpected character is `Unexpected token '}', "{"a":}" is not valid JSON`, with none — and that is
 * the common mistake of a client writing JSON by hand or by another language's rules: a value missing (`"to":\n}`),
 * left unquoted (`"to": fixed`), Python's `True`, JavaScript's `undefined`. The API said those were not JSON without
 * saying where (README, API). The body parser's caller bounds the depth before this runs (body-safety.ts:
 * MAX_JSON_DEPTH, 32 levels); the scanner recurses, so it bounds its own too (MAX_NESTING, answered null, "not JSON"
 * without a place) rather than trust that order: a megabyte of `[` would overflow the stack inside the error handler.
 */
export function jsonErrorPosition(text: string): number | null {
  let i = 0;
  let depth = 0;
  const fail = (at: number): never => {
    throw new JsonErrorAt(at);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const digits = () => {
    const start = i;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i++;
    if (i === start) fail(i);
  };
  const literal = (word: string) => {
    for (const c of word) {
      if (text[i] !== c) fail(i);
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (i >= text.length) fail(i);
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) if (!/^[0-9a-fA-F]$/.test(text[i + k] ?? '')) fail(Math.min(i + k, text.length));
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i])) i++;
        else fail(i);
      } else if (c < ' ') fail(i);
      else i++;
    }
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    space();
    if (i >= text.length) fail(i);
    const c = text[i];
    if (c === '{')
      return members('}', () => {
        space();
        if (text[i] !== '"') fail(i);
        string();
        space();
        if (text[i] !== ':') fail(i);
        i++;
        value();
      });
    if (c === '[') return members(']', value);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    fail(i);
  };
  const members = (close: string, member: () => void) => {
    if (++depth > MAX_NESTING) throw new TooDeep();
    i++;
    space();
    if (text[i] === close) {
      i++;
      depth--;
      return;
    }
    for (;;) {
      member();
      space();
      if (text[i] === ',') i++;
      else if (text[i] === close) {
        i++;
        depth--;
        return;
      } else fail(i);
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i++; // a byte-order mark, which the body parser skips
    value();
    space();
    return i < text.length ? i : null;
  } catch (err) {
    if (err instanceof JsonErrorAt) return Math.min(err.at, text.length);
    if (err instanceof TooDeep) return null;
    throw err;
  }
}

/** Far beyond any body the API takes (32 levels), far below what the stack holds. */
const MAX_NESTING = 1000;

class TooDeep {}

class JsonErrorAt {
  constructor(readonly at: number) {}
}
