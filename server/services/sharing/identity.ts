import { isIP } from 'node:net';

/**
 * Format checks for the request form: citizen ID numbers (GB 11643, with its check digit), the
 * whitelist addresses a system will call the hub from (IPv4/IPv6, optionally as a CIDR block) and the
 * system's own address with its port (IP地址：端口号).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The check character of the first 17 digits (GB 11643-1999, ISO 7064 MOD 11-2). */
export function idCardCheckDigit(body17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/**
 * A resident ID number's length (GB 11643): the request form's ID boxes stop there (`{{limit "sharing.idCard"}}`,
 * views/limits.ts), as no longer text can be one.
 */
export const ID_CARD_LENGTH = 18;

/** An 18-character resident ID number: 17 digits, a valid birth date, and the right check character. */
export function isValidCnIdCard(value: string): boolean {
  const v = value.trim().toUpperCase();
  if (v.length !== ID_CARD_LENGTH || !/^[1-9][0-9]{16}[0-9X]$/.test(v)) return false;
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

/** A host name (RFC 1123): dot-separated labels of letters, digits and inner hyphens, 1–63 characters each. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
export function isHostName(name: string): boolean {
  if (name.length > 253) return false;
  const labels = name.split('.');
  // A name whose last label is all digits is an IPv4 address or none (300.1.1.1, 10.1.2): no top-level domain is numeric.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return false;
  return labels.every((l) => LABEL.test(l));
}

/**
 * A system's address and port (seed 000's IP地址：端口号): `10.1.2.3:8080`, `[2001:db8::1]:8443` (an IPv6
 * address in brackets, as in URLs) or `yx.example.edu.cn:443`; the port is required, 1–65535.
 */
export function isSystemAddress(value: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):([0-9]{1,5})$/.exec(value.trim());
  if (!m) return false;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return false;
  if (m[1] !== undefined) return isIP(m[1]) === 6;
  return isIP(m[2]) === 4 || isHostName(m[2]);
}

/** Whitelist text as typed (one per line, or separated by commas/spaces) → addresses. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;，；]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
