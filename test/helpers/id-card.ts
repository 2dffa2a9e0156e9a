/**
 * GB 11643 citizen ID numbers for tests, written independently of rules/ (the engine checks them in
 * SQL; these are the oracle the tests compare it with).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

/** The 17-digit body followed by its ISO 7064 MOD 11-2 check character. */
export function withCheckDigit(first17: string): string {
  const sum = [...first17].reduce((s, ch, i) => s + Number(ch) * WEIGHTS[i], 0);
  return first17 + CHECK_CHARACTERS[sum % 11];
}

/** 17 digits + a digit or 'X', a real birth date, and the right check character. */
export function isValidIdCard(id: string): boolean {
  if (!/^[0-9]{17}[0-9X]$/.test(id)) return false;
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  return withCheckDigit(id.slice(0, 17)) === id;
}
