import type { Knex } from 'knex';
import { departmentCodeAsWritten } from '../department-code';
import { catalogImported } from '../catalog/repository';
import type { FieldError } from '../../errors';
import { ROLES, type Role } from '../../policies';
import { isEmailAddress } from '../email-address';

/** Column sizes (migrations): users.name varchar(200), users.email varchar(320), departments.code varchar(64), departments.name varchar(200). */
export const USER_LIMITS = { name: 200, email: 320, departmentCode: 64, departmentName: 200 } as const;

/**
 * A control character (line break, tab, U+0001…): a name is shown on one line in lists, headers, the audit
 * log and printed forms, where such characters break the line or show as nothing.
 */
const CONTROL_CHARACTER = /\p{Cc}/u;
/**
 * A bidirectional control (U+202A…U+202E, U+2066…U+2069, U+200E, U+200F, U+061C): it reorders the text
 * after it, so a name could show in lists and the audit log as something it is not.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
/**
 * A control character or a bidirectional control in a login or an e-mail address: invisible (a NUL, U+202E pasted
 * with the text), so "letters and digits only" or "not an address" about what looks like one would not say what to
 * remove. The forms' check for them (the app-wide one leaves these boxes to their route: CHECKED_BY_ROUTE).
 */
export const hasHiddenControl = (text: string): boolean => CONTROL_CHARACTER.test(text) || BIDI_CONTROL.test(text);
/** Nothing to see: spaces and invisible format characters (a zero-width space) only. */
const INVISIBLE = /^[\s\p{Cf}]*$/u;

/** Length as PostgreSQL counts varchar(n): in characters (code points). */
export const length = (text: string): number => [...text].length;

/**
 * The name, e-mail and roles of an account, as adding and editing one check them: the values as they
 * are stored (trimmed, roles once each) and a problem per bad field.
 */
export function checkPersonFields(input: { name?: string | null; email?: string | null; roles: string[] }): {
  name: string;
  email: string | null;
  roles: Role[];
  problems: FieldError[];
} {
  const problems: FieldError[] = [];
  const name = input.name?.trim() ?? '';
  if (INVISIBLE.test(name)) problems.push({ field: 'name', key: 'users.errors.name' });
  else if (CONTROL_CHARACTER.test(name) || BIDI_CONTROL.test(name))
    problems.push({ field: 'name', key: 'users.errors.nameControl' });
  else if (length(name) > USER_LIMITS.name)
    problems.push({ field: 'name', key: 'users.errors.nameLength', params: { max: USER_LIMITS.name } });
  const email = input.email?.trim() || null;
  if (email !== null && hasHiddenControl(email)) {
    // Before its form: "“zhang‮@…” is not an address" shows the address as it is not, with no hint of why.
    problems.push({ field: 'email', key: 'users.errors.emailControl' });
  } else if (email !== null && length(email) > USER_LIMITS.email) {
    problems.push({ field: 'email', key: 'users.errors.emailLength', params: { max: USER_LIMITS.email } });
  } else if (email !== null && !isEmailAddress(email)) {
    problems.push({ field: 'email', key: 'users.errors.email', params: { value: email } });
  }
  const roles = [...new Set(input.roles)];
  if (roles.length === 0 || roles.some((r) => !(ROLES as readonly string[]).includes(r))) {
    problems.push({ field: 'role', key: 'users.errors.role', params: { roles: ROLES.join(', ') } });
  }
  return { name, email, roles: roles as Role[], problems };
}

/**
 * The account's department: it must exist, unless `departmentName` is given to create it (bootstrapping
 * before any catalog is imported; adding accounts only). Typed in any case (`hr` is HR, as everywhere codes are taken):
 * `code` is the department's own spelling, or the code as typed for one to create. A new department whose code
 * differs only in case from one that exists is refused: it would be a second HR owning no data, and `hr` would
 * no longer name HR. `exists` says whether it does.
 */
export async function checkDepartment(
  db: Knex,
  typed: string,
  departmentName: string | null = null,
): Promise<{ exists: boolean; code: string; problems: FieldError[] }> {
  const problems: FieldError[] = [];
  const tooLong = length(typed) > USER_LIMITS.departmentCode;
  const department = tooLong ? null : await departmentCodeAsWritten(db, typed);
  const inAnyCase =
    tooLong || department || typed.includes('\u0000')
      ? []
      : ((await db('departments').whereRaw('lower(code) = lower(?)', [typed]).pluck('code')) as string[]);
  if (!department && tooLong) {
    problems.push({ field: 'department', key: 'users.errors.departmentLength', params: { max: USER_LIMITS.departmentCode } });
  } else if (!department && inAnyCase.length) {
    problems.push({
      field: 'department',
      key: 'users.errors.departmentCase',
      params: { code: typed, existing: inAnyCase.join(', ') },
    });
  } else if (!department && !departmentName) {
    problems.push({ field: 'department', key: 'users.errors.department', params: { code: typed } });
  } else if (!department && (await catalogImported(db))) {
    // Once a catalog is imported, departments are the catalog's: one made here would own no data, be missing from the
    // export, and a later import would leave it out of the catalog.
    problems.push({ field: 'department', key: 'users.errors.departmentNotInCatalog', params: { code: typed } });
  } else if (!department && departmentName && (CONTROL_CHARACTER.test(departmentName) || BIDI_CONTROL.test(departmentName))) {
    // As an account's name: a line break or a direction override has no place in a name shown on every page.
    problems.push({ field: 'department-name', key: 'users.errors.departmentNameControl' });
  } else if (!department && departmentName && length(departmentName) > USER_LIMITS.departmentName) {
    problems.push({
      field: 'department-name',
      key: 'users.errors.departmentNameLength',
      params: { max: USER_LIMITS.departmentName },
    });
  }
  return { exists: !!department, code: department ?? typed, problems };
}
