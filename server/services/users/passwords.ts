import crypto from 'node:crypto';
import argon2 from 'argon2';
import { characterCount } from '../characters';

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB memory, 2 iterations, parallelism 1.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** argon2id at its smallest cost (8 KiB, one pass): for tests only, see useTestPasswordCost. */
const TEST_ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 8, timeCost: 1, parallelism: 1 } as const;

let hashOptions: typeof ARGON2_OPTIONS | typeof TEST_ARGON2_OPTIONS = ARGON2_OPTIONS;

/**
 * Makes new hashes at argon2id's smallest cost, in this process only: the integration and end-to-end tests
 * (test/setup/password-cost.ts) make and sign in thousands of accounts, ~0.1 s of CPU each at the real cost. A hash
 * carries its own parameters, so signing in checks it as it checks a real one; the service itself never calls this
 * (test/unit/passwords.test.ts holds the real cost, and the CLI tests read it off hashes a real process made).
 */
export function useTestPasswordCost(): void {
  hashOptions = TEST_ARGON2_OPTIONS;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    // Spend the same time as a real check, so response time does not reveal which logins exist.
    await argon2.hash(password, hashOptions);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A password people can type from a printout: 16 characters without look-alikes (0/O, 1/l/I). */
export function generatePassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export const MIN_PASSWORD_LENGTH = 10;
/** A passphrase fits; a megabyte would only make argon2 work (the forms' inputs take as many). */
export const MAX_PASSWORD_LENGTH = 200;

/**
 * Passwords of ten characters or more that lists of leaked passwords put first (and this service's own name): the
 * first guesses of anyone trying accounts, so the length alone does not make them safe. Compared in lower case.
 */
const GUESSED_FIRST = new Set([
  '1234567890',
  '0123456789',
  '12345678910',
  '123456789a',
  'a123456789',
  'abc1234567',
  'abcd123456',
  'qwertyuiop',
  'qwerty1234',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'password12',
  'password123',
  'password1234',
  'woaini1314',
  'iloveyou12',
  'admin12345',
  'admin123456',
  'hubwatch123',
]);

/**
 * What is wrong with a new password, as a message key and its parameters; null when it will do. `login`: the
 * account's, which a password may not contain (the first thing tried against an account, in any case).
 */
export function newPasswordProblem(password: string, login?: string): { key: string; params?: Record<string, number> } | null {
  // Characters as people count them (characterCount): five emoji are five, not the ten UTF-16 units that passed.
  const length = characterCount(password);
  if (length < MIN_PASSWORD_LENGTH) return { key: 'users.errors.passwordLength', params: { min: MIN_PASSWORD_LENGTH } };
  if (length > MAX_PASSWORD_LENGTH) return { key: 'users.errors.passwordTooLong', params: { max: MAX_PASSWORD_LENGTH } };
  // Ten spaces pass the length and guess in one try.
  if (!password.trim()) return { key: 'users.errors.passwordBlank' };
  const lower = password.toLowerCase();
  if (login && login.length >= 3 && lower.includes(login.toLowerCase())) return { key: 'users.errors.passwordHasLogin' };
  // One character repeated (aaaaaaaaaa, 1111111111) or a password lists put first.
  if (new Set(lower).size === 1 || GUESSED_FIRST.has(lower)) return { key: 'users.errors.passwordCommon' };
  return null;
}
