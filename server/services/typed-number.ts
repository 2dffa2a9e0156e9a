/**
 * A whole number as a person typed it into a form: ASCII digits, or the full-width digits (０–９) a Chinese
 * input method types in its full-width mode, around which spaces (the ideographic one too) are ignored.
 * Returns the digits in ASCII, or null when the text is anything else — a sign, a decimal point, an exponent
 * (`Number()` would read "1e1" and "0x10" as numbers nobody meant to type) — so the caller's message can
 * name what was typed.
 */
export function typedWholeNumber(text: string, maxDigits = 15): string | null {
  const ascii = text.trim().replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
  return new RegExp(`^[0-9]{1,${maxDigits}}$`).test(ascii) ? ascii : null;
}
