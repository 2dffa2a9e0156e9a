import { isIP } from 'node:net';

/**
 * Format checks for the request form: citizen ID numbers (GB 11643, with its check digit) and the
 * whitelist addresses a system will call the hub from (IPv4/IPv6, optionally as a CIDR block).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of the first 17 digits (GB 11643-1999, ISO 7064 MOD 11-2). */
export function idCardCheckDigit(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** An 18-character resident ID number: 17 digits, a valid birth date, and the right check character. */
export function isValidCnIdCard(value: string): boolean {
  const v = value.trim().toUpperCase();
  if (!/^[1-9][0-9]{16}[0-9X]$/.test(v)) return false;
  const [y, m, d] = [Number(v.slice(6, 10)), Number(v.slice(10, 12)), Number(v.slice(12, 14))];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) return false;
  return idCardCheckDigit(v) === v[17];
}

/** `10.1.2.3`, `2001:db8::1`, `10.1.0.0/16`, `2001:db8::/32`. A prefix must fit the address family. */
export function isWhitelistAddress(value: string): boolean {
  const v = value.trim();
  const slash = v.indexOf('/');
  const address = slash < 0 ? v : v.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefix = v.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Whitelist text as typed (one per line, or separated by commas/spaces) → addresses. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;，；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
