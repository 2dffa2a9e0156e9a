import { createHash } from 'node:crypto';
import { Request, Response, Router } from 'express';
import { auditActor, auditOrigin } from '../../auth/login';
import type { AppContext } from '../../context';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError, type FieldError } from '../../errors';
import { newFormId, postOnce, rememberMade } from '../../http/form-once';
import { pathId } from '../../http/path-id';
import { echoedQueryText, repeatedQueryValues, sentQuery } from '../../http/query-values';
import { authorize } from '../../middleware/authorize';
import { hasForbiddenCharacter, forbiddenCodes, shownAsBrowserShows } from '../../middleware/body-safety';
import { fieldMessages } from '../../middleware/errors';
import { allKeys, LOCALES, translate } from '../../i18n';
import { can, type Role, ROLES } from '../../policies';
import { appendAudit, auditBatches, listAudit, type AuditFilters } from '../../services/audit';
import { AUDIT_OBJECT_ID_MAX, AUDIT_OBJECT_TYPES, isAuditObjectType } from '../../services/audit/objects';
import { isIsoDate } from '../../services/calendar/dates';
import { typedWholeNumber } from '../../services/typed-number';
import { findUserForSignIn } from '../../services/users';
import { dayEndIn, dayStartIn, parseOptionalRange, todayIn } from '../../services/calendar';
import { wallClockText } from '../../services/calendar/zone';
import { universityTimezone } from '../../services/catalog/repository';
import { CSV_BOM } from '../../services/csv';
import { departmentCodeAsWritten } from '../../services/department-code';
import { isEmailAddress } from '../../services/email-address';
import { sentFormVersion } from '../../services/form-version';
import {
  accountVersion,
  activeApiTokens,
  API_TOKEN_DAYS,
  createApiToken,
  createUser,
  findUserById,
  listUsers,
  resetPassword,
  revokeApiTokens,
  setUserDisabled,
  typedTokenOptions,
  updateUser,
  USER_FILTER_MAX,
  USER_LIMITS,
  type UserFilters,
  type UserRow,
} from '../../services/users';
import { auditCsvHeader, auditCsvLine, auditRowsFor, auditTrailLink } from '../../presenters/audit';
import { pageParams, pagination, pastLastPage, redirectKeepingFlash } from '../../presenters/paging';
import { boxesSummary, type SummaryLine } from '../../presenters/error-summary';

/** The roles as a choice in the reader's language ("系统管理员、…或教职工用户"), each with its code when `codes`. */
function roleChoices(req: Request, codes: boolean): string {
  const names = ROLES.map((r) => req.t(`roles.${r}`) + (codes ? req.t('common.inParentheses', { text: r }) : ''));
  return new Intl.ListFormat(req.locale, { type: 'disjunction' }).format(names);
}

/**
 * The form's messages. The service's messages about roles and departments are written for the command
 * line (role codes, --department-name); on the form they name the roles as the form does and say what
 * to do here. Every other message is the service's own.
 */
function userFormMessages(err: ValidationError, req: Request, department: string): Record<string, string> {
  const fields = fieldMessages(err, req);
  // Only the message about the roles ticked (not, say, the last administrator's) names them again.
  if (fields.role && err.fields.some((f) => f.field === 'role' && f.key === 'users.errors.role')) {
    fields.role = req.t('admin.users.errors.role', { roles: roleChoices(req, false) });
  }
  if (fields.department) {
    // No code (an empty list) or one too long for the column: the message names none.
    fields.department =
      department && [...department].length <= USER_LIMITS.departmentCode
        ? req.t('admin.users.errors.department', { code: department })
        : req.t('admin.users.errors.departmentChoose');
  }
  return fields;
}

/** The add-account form's boxes in page order (users.hbs: their message's id) and the label naming each. */
const USER_FORM_BOXES = [
  ['login', 'u-login-error', 'admin.users.login'],
  ['name', 'u-name-error', 'admin.users.name'],
  ['email', 'u-email-error', 'admin.users.email'],
  ['department', 'u-dept-error', 'admin.users.department'],
  ['role', 'u-roles-error', 'admin.users.roles'],
] as const;

/**
 * A sent-back add-account form's messages for the summary above it (the form is below a list of up to 50 accounts: the
 * first message was off-screen, the page at its top), each naming its box and linked to the message beside it.
 */
function userFormSummary(t: Request['t'], fields: Record<string, string>): SummaryLine[] {
  return boxesSummary(t, USER_FORM_BOXES, fields);
}

/** The texts `keys` of a form sent back into its boxes as a browser shows them (a NUL as U+FFFD). */
const typedTexts = (form: Record<string, unknown>, keys: string[]): Record<string, string> =>
  Object.fromEntries(
    keys.flatMap((k) => (typeof form[k] === 'string' ? [[k, shownAsBrowserShows(form[k] as string)] as const] : [])),
  );

/**
 * Which password an account has, without saying anything about it: a digest of its (salted) hash. The reset
 * form carries the one it was shown with, so the same form sent twice (a reload of the page showing a
 * generated password re-posts it) does not reset the password again.
 */
const passwordVersion = (account: Pick<UserRow, 'password_hash'>) =>
  createHash('sha256')
    .update(account.password_hash ?? '')
    .digest('hex')
    .slice(0, 32);

/** Every action the audit log names (admin.audit.actions: test/unit/audit-action-labels), and their groups. */
const AUDIT_ACTIONS = allKeys('zh-CN')
  .filter((k) => k.startsWith('admin.audit.actions.'))
  .map((k) => k.slice('admin.audit.actions.'.length));
const AUDIT_GROUPS = [...new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]))];

/**
 * The audit filter's menu in the reader's language: a group per kind of object (账号, 质量工单…), sorted by its name,
 * each with "all of them" first and its actions sorted by name. A filter value the menu lacks (an action an older
 * version wrote) is its first choice, by its code, so the menu says what the list is filtered by.
 */
function auditActionMenu(req: Request, selected: string) {
  const collator = new Intl.Collator(req.locale);
  const byLabel = (a: { label: string }, b: { label: string }) => collator.compare(a.label, b.label);
  const groups = AUDIT_GROUPS.map((group) => {
    const label = req.t(`admin.audit.actionGroups.${group}`);
    const actions = AUDIT_ACTIONS.filter((a) => a.split('.')[0] === group)
      .map((a) => ({ value: a, label: req.t(`admin.audit.actions.${a}`), selected: a === selected }))
      .sort(byLabel);
    const all = { value: group, label: req.t('admin.audit.actionGroupAll', { group: label }), selected: group === selected };
    return { label, options: [all, ...actions] };
  }).sort(byLabel);
  const known = AUDIT_ACTIONS.includes(selected) || AUDIT_GROUPS.includes(selected);
  return { groups, other: selected && !known ? selected : null };
}

/** The kinds of object audit rows are about (services/audit/objects.ts), as the object filter's menu offers them. */
const AUDIT_OBJECTS = Object.keys(AUDIT_OBJECT_TYPES);

/**
 * The object filter's menu in the reader's language (工单, 共享申请…), sorted by name. A type the menu lacks (one an
 * older version wrote, found in the log) is its first choice, by its code, so the menu says what the list is filtered by.
 */
function auditObjectMenu(req: Request, selected: string) {
  const collator = new Intl.Collator(req.locale);
  const options = AUDIT_OBJECTS.map((type) => ({
    value: type,
    label: req.t(`admin.audit.objects.${type}`),
    selected: type === selected,
  })).sort((a, b) => collator.compare(a.label, b.label));
  return { options, other: selected && !AUDIT_OBJECTS.includes(selected) ? selected : null };
}

/** The longest steward e-mail address a department keeps (users.email's length). */
const STEWARD_EMAIL_MAX = 320;

export function adminRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const accountUrl = (user: { id: number }) => `/admin/users/${user.id}`;

  /**
   * The users list (paged, filtered by the query string) and the form's choices. A department code is taken in any
   * case (`hr` is HR, as /departments/hr), and chosen in the menu as the catalog spells it. A role or department no
   * menu has, or a filter sent twice, is said under its menu (`filterFields`: the page is a 422) and the list is
   * that of the other filters, as the audit page answers a bad date: not every account as if filtered, nor none.
   */
  async function usersPage(req: Request, extra: Record<string, unknown> = {}) {
    const { page, perPage } = pageParams(req.query, 50);
    const text = (key: string) =>
      typeof req.query[key] === 'string' ? (req.query[key] as string).trim().slice(0, USER_FILTER_MAX) : '';
    // Role codes are lower case; one typed in another case (?role=Steward) is that role, as a department code is.
    const role = text('role').toLowerCase();
    const typedDepartment = text('department');
    const department = typedDepartment ? await departmentCodeAsWritten(db, typedDepartment) : null;
    const problems: FieldError[] = repeatedQueryValues(req.query, ['q', 'department', 'role']);
    if (typedDepartment && !department)
      problems.push({ field: 'department', key: 'admin.users.errors.filterDepartment', params: { value: typedDepartment } });
    const knownRole = (ROLES as readonly string[]).includes(role);
    if (role && !knownRole) {
      problems.push({
        field: 'role',
        key: 'admin.users.errors.filterRole',
        params: { value: text('role'), roles: roleChoices(req, true) },
      });
    }
    const filters: UserFilters = {
      q: text('q') || undefined,
      department: department ?? undefined,
      role: knownRole ? (role as Role) : undefined,
    };
    const [{ items: users, total }, departments] = await Promise.all([
      listUsers(db, filters, { limit: perPage, offset: (page - 1) * perPage }),
      db('departments').orderBy('code').select('code', 'name'),
    ]);
    return {
      users,
      departments,
      roles: ROLES,
      formId: newFormId(),
      filters: { q: filters.q ?? '', department: filters.department ?? '', role: filters.role ?? '' },
      filterFields: problems.length ? fieldMessages(new ValidationError(problems), req) : null,
      filtered: !!(filters.q || filters.department || filters.role || problems.length),
      // After a POST the list is the first page, unfiltered: the pager links to the list, not to the form's URL.
      pager: pagination(req.method === 'GET' ? req.originalUrl : '/admin/users', page, perPage, total),
      ...extra,
    };
  }

  router.get('/admin/users', authorize('users.manage'), async (req, res) => {
    const model = await usersPage(req);
    // The pager already counted the pages: one "row" per page finds the last one. A bad filter: its message first.
    const last = model.filterFields ? null : pastLastPage(req.originalUrl, model.pager.page, 1, model.pager.pages);
    if (last) return redirectKeepingFlash(req, res, last);
    res.status(model.filterFields ? 422 : 200).render('pages/admin/users', { title: req.t('admin.users.title'), ...model });
  });

  router.post('/admin/users', authorize('users.manage'), async (req, res) => {
    // A reload of the page that showed a new account's initial password re-posts its form (as does a double
    // click): to the account that form made, not "already exists" (or a second account had the login changed).
    await postOnce(
      req,
      'account',
      (formId) => addAccount(req, res, formId),
      async (accountId, formId) => {
        const earlier = await findUserById(db, accountId);
        if (!earlier) return addAccount(req, res, formId);
        req.session.flash = { kind: 'info', text: req.t('admin.users.createdAlready', { login: earlier.login }) };
        res.redirect(303, accountUrl(earlier));
      },
    );
  });

  async function addAccount(req: Request, res: Response, formId: string | null) {
    const roles = ([] as string[]).concat(req.body.roles ?? []);
    const department = String(req.body.department ?? '');
    try {
      const { user, generatedPassword } = await createUser(
        db,
        {
          login: String(req.body.login ?? '').trim(),
          name: String(req.body.name ?? ''),
          department,
          roles,
          email: req.body.email == null || req.body.email === '' ? null : String(req.body.email),
        },
        req.user!,
        auditOrigin(req),
      );
      if (formId) rememberMade(req, 'account', formId, user.id);
      res.render('pages/admin/users', {
        title: req.t('admin.users.title'),
        ...(await usersPage(req, { created: { login: user.login, password: generatedPassword } })),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const fields = userFormMessages(err, req, department);
      res.status(422).render('pages/admin/users', {
        title: req.t('admin.users.title'),
        // The same form id: it is still the same form, corrected.
        ...(await usersPage(req, {
          // As typed, a NUL as a browser shows it (a login, name or e-mail refused for one: CHECKED_BY_ROUTE).
          form: { ...req.body, ...typedTexts(req.body, ['login', 'name', 'email']), roles },
          fields,
          errorSummary: userFormSummary(req.t, fields),
          ...(formId ? { formId } : {}),
        })),
      });
    }
  }

  /** The account named by `:id` (digits only), or 404. */
  async function accountOf(req: Request): Promise<UserRow> {
    const id = pathId(req.params.id);
    const user = Number.isNaN(id) ? undefined : await findUserById(db, id);
    if (!user) throw new NotFoundError();
    return user;
  }

  /**
   * An account's page: the edit form (prefilled, or as typed after a mistake), its status with disable or
   * enable, and the password reset. `fields` present: the form is shown again with its messages (422).
   */
  async function accountPage(
    req: Request,
    res: Response,
    account: UserRow,
    extra: {
      form?: Record<string, unknown>;
      fields?: Record<string, string>;
      generated?: { password: string; sessionsEnded: number };
      /** The token form as typed (sent back with its messages). */
      tokenForm?: { label: string; expires_in_days: string };
      /** A token this request just issued, to show this once. */
      issuedToken?: { token: string; expiresAt: Date; days: number };
    } = {},
  ) {
    const [departments, tokens] = await Promise.all([
      db('departments').orderBy('code').select('code', 'name'),
      activeApiTokens(db, account.id),
    ]);
    // A token the form just issued: shown this once, with its expiry on the university's clock, as `hubwatch users
    // token` prints it.
    const just = extra.issuedToken;
    let issued: Record<string, unknown> | undefined;
    if (just) {
      const zone = await universityTimezone(db, ctx.config.timezone);
      issued = { token: just.token, at: wallClockText(just.expiresAt, zone), zone, days: just.days };
    }
    res.status(extra.fields ? 422 : 200).render('pages/admin/user', {
      title: req.t('admin.users.editTitle', { login: account.login }),
      account: { ...account, hasPassword: !!account.password_hash, password_hash: undefined },
      self: account.id === req.user!.id,
      departments,
      roles: ROLES,
      form: extra.form ?? {
        name: account.name,
        email: account.email ?? '',
        department: account.department_code,
        roles: account.roles,
      },
      fields: extra.fields ?? {},
      generated: extra.generated,
      resetFrom: passwordVersion(account),
      editedFrom: accountVersion(account),
      tokens,
      tokenDays: API_TOKEN_DAYS,
      tokenForm: extra.tokenForm ?? { label: '', expires_in_days: String(API_TOKEN_DAYS.default) },
      tokenFormId: newFormId(),
      issued,
      // 审计记录: the audit log's rows about this account, by its login (unambiguous: the filter reads a login first).
      auditTrail: auditTrailLink(req.user, 'user', account.login),
    });
  }

  router.get('/admin/users/:id', authorize('users.manage'), async (req, res) => accountPage(req, res, await accountOf(req)));

  router.post('/admin/users/:id', authorize('users.manage'), async (req, res) => {
    const account = await accountOf(req);
    const roles = ([] as unknown[]).concat(req.body.roles ?? []).map(String);
    const department = String(req.body.department ?? '');
    const form = {
      name: String(req.body.name ?? ''),
      email: req.body.email == null || req.body.email === '' ? null : String(req.body.email),
      department,
      roles,
    };
    // The account as the form was shown it: changed since (another tab, another administrator), nothing is saved.
    const editedFrom = sentFormVersion(req.body);
    try {
      const { user, changed } = await updateUser(db, account.id, { ...form, editedFrom }, req.user!, auditOrigin(req));
      req.session.flash = {
        kind: 'success',
        text: req.t(changed ? 'admin.users.saved' : 'admin.users.unchanged', { login: user.login }),
      };
      // Administrators who took their own administrator role away may no longer open this page.
      const stillAdmin = user.id !== req.user!.id || can({ ...req.user!, roles: user.roles }, 'users.manage');
      res.redirect(stillAdmin ? accountUrl(user) : '/');
    } catch (err) {
      if (err instanceof ConflictError) {
        // The page again with the account as it is now, saying why nothing was saved.
        req.session.flash = { kind: 'error', text: req.t(err.messageKey, err.params) };
        return res.redirect(303, accountUrl(account));
      }
      if (!(err instanceof ValidationError)) throw err;
      await accountPage(req, res, account, {
        form: { ...form, ...typedTexts(form, ['name', 'email']), email: shownAsBrowserShows(form.email ?? '') },
        fields: userFormMessages(err, req, department),
      });
    }
  });

  for (const [path, disabled] of [
    ['/admin/users/:id/disable', true],
    ['/admin/users/:id/enable', false],
  ] as const) {
    router.post(path, authorize('users.manage'), async (req, res) => {
      const account = await accountOf(req);
      try {
        const { user, changed, sessionsEnded } = await setUserDisabled(db, account.id, disabled, req.user!, auditOrigin(req));
        req.session.flash = {
          kind: 'success',
          text: !changed
            ? req.t('admin.users.unchanged', { login: user.login })
            : req.t(disabled ? 'admin.users.disabledDone' : 'admin.users.enabledDone', {
                login: user.login,
                count: sessionsEnded,
              }),
        };
        res.redirect(accountUrl(user));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        await accountPage(req, res, account, { fields: fieldMessages(err, req) });
      }
    });
  }

  // A leaked token, or a script that must stop: disabling only suspends tokens, a password reset keeps them.
  router.post('/admin/users/:id/tokens/revoke', authorize('users.manage'), async (req, res) => {
    const account = await accountOf(req);
    const revoked = await revokeApiTokens(db, account.id, req.user!, auditOrigin(req));
    req.session.flash = { kind: 'success', text: req.t('admin.users.tokensRevoked', { login: account.login, count: revoked }) };
    res.redirect(accountUrl(account));
  });

  /**
   * Issues an API token for the account, as `hubwatch users token` does and by its rules (typedTokenOptions: a label of
   * one line, 1–730 days): the token is shown once, in this POST's answer (the account's page, 200), as a generated
   * password is — never in a URL, a log or the session (whose row the database keeps). A disabled account's token is
   * issued all the same and the page says the API refuses it until the account is enabled, as the command line says.
   * The form sent again (a double click, a reload of that answer) issues nothing more (form-once.ts, which keeps the
   * form's id and the token's row id in the session, not the token): its answer says the form issued a token already,
   * which cannot be shown again.
   */
  router.post('/admin/users/:id/tokens', authorize('users.manage'), async (req, res) => {
    const account = await accountOf(req);
    await postOnce(
      req,
      'token',
      (formId) => issueToken(req, res, account, formId),
      async () => {
        // The token exists only in the first post's answer (for a double click, an answer the browser dropped): kept
        // nowhere, it cannot be shown again.
        req.session.flash = { kind: 'info', text: req.t('admin.users.tokenIssuedAlready') };
        res.redirect(303, accountUrl(account));
      },
    );
  });

  async function issueToken(req: Request, res: Response, account: UserRow, formId: string | null) {
    const typed = {
      label: typeof req.body.label === 'string' ? req.body.label : null,
      expiresInDays: typeof req.body.expires_in_days === 'string' ? req.body.expires_in_days : null,
    };
    try {
      const options = typedTokenOptions(typed);
      const { id, token, expiresAt } = await createApiToken(db, account.id, options, req.user!, auditOrigin(req));
      if (formId) rememberMade(req, 'token', formId, id);
      await accountPage(req, res, account, { issuedToken: { token, expiresAt, days: options.expiresInDays } });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await accountPage(req, res, account, {
        // As typed (a NUL as a browser shows it: the label is this route's to check, CHECKED_BY_ROUTE).
        tokenForm: { label: shownAsBrowserShows(typed.label ?? ''), expires_in_days: typed.expiresInDays ?? '' },
        fields: fieldMessages(err, req),
      });
    }
  }

  // The account page's sent-back forms (a reset refused, disabling oneself) stand at their POST address: that address
  // opened again (a reload without resending, a new tab) is the account's page (it was a 404).
  for (const action of ['password', 'disable', 'enable', 'tokens', 'tokens/revoke'])
    router.get(`/admin/users/:id/${action}`, authorize('users.manage'), async (req, res) =>
      res.redirect(accountUrl(await accountOf(req))),
    );

  router.post('/admin/users/:id/password', authorize('users.manage'), async (req, res) => {
    const account = await accountOf(req);
    const typed = typeof req.body.password === 'string' ? req.body.password : '';
    // A form shown before the password last changed (a reload re-posting the form that generated one): no
    // second reset behind the administrator's back, which would end the sessions again and void the password
    // just shown. Forms without `from` (scripts) reset as before.
    if (typeof req.body.from === 'string' && req.body.from !== passwordVersion(account)) {
      req.session.flash = { kind: 'info', text: req.t('admin.users.resetStale', { login: account.login }) };
      return res.redirect(303, accountUrl(account));
    }
    try {
      const { generatedPassword, sessionsEnded } = await resetPassword(
        db,
        account.id,
        typed || null,
        req.user!,
        auditOrigin(req),
      );
      if (generatedPassword) {
        // Shown once, on this page, as the add form shows an initial password; never stored in clear.
        return accountPage(req, res, (await findUserById(db, account.id))!, {
          generated: { password: generatedPassword, sessionsEnded },
        });
      }
      req.session.flash = {
        kind: 'success',
        text: req.t('admin.users.resetDone', { login: account.login, count: sessionsEnded }),
      };
      res.redirect(accountUrl(account));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await accountPage(req, res, account, { fields: fieldMessages(err, req) });
    }
  });

  /**
   * The action a filter value names: a code or group in any case (`user.Create` is user.create), or an action's name
   * in either language (创建账号, as the list shows it); else one the log holds as typed (an action an older version
   * wrote, or its group). Null: no action is so called (the page says so under the menu: it found nothing, silently).
   */
  async function auditActionOf(typed: string): Promise<string | null> {
    const lower = typed.toLowerCase();
    const known =
      AUDIT_ACTIONS.find((a) => a === lower) ??
      AUDIT_GROUPS.find((g) => g === lower) ??
      AUDIT_ACTIONS.find((a) => LOCALES.some((locale) => translate(locale, `admin.audit.actions.${a}`).toLowerCase() === lower));
    if (known) return known;
    if (typed.includes('\u0000')) return null;
    const pattern = `${typed.replace(/[\\%_]/g, '\\$&')}.%`;
    // As listAudit reads it: a code, or without a dot its group.
    const stored = db('audit_log').where('action', typed);
    if (!typed.includes('.')) stored.orWhere('action', 'like', pattern);
    return (await stored.first('seq')) ? typed : null;
  }

  /**
   * The object type a filter value names: a type in any case (`Ticket`), or its name in either language (工单, Sharing
   * request, as the menu and the log's rows show it); else one the log holds as typed (a type an older version wrote).
   * Null: no row is about such an object (said under the menu).
   */
  async function auditObjectTypeOf(typed: string): Promise<string | null> {
    const lower = typed.toLowerCase();
    const known =
      AUDIT_OBJECTS.find((type) => type === lower) ??
      AUDIT_OBJECTS.find((type) =>
        LOCALES.some((locale) => translate(locale, `admin.audit.objects.${type}`).toLowerCase() === lower),
      );
    if (known) return known;
    if (typed.length > 64) return null;
    return (await db('audit_log').where('object_type', typed).first('seq')) ? typed : null;
  }

  /**
   * The stored id an object filter's id names, by how its type writes ids (AUDIT_OBJECT_TYPES): a row id as digits (`#12`,
   * full-width １２ and `012` are 12), an account by its login (in any case) or its id, a department's code in any
   * case, a day as YYYY-MM-DD; a type without a rule as typed. A problem names the field and what it takes.
   */
  async function auditObjectIdOf(req: Request, type: string, typed: string): Promise<{ id: string } | { problem: FieldError }> {
    const kind = isAuditObjectType(type) ? AUDIT_OBJECT_TYPES[type] : 'text';
    const params = { value: echoedQueryText(typed), type: isAuditObjectType(type) ? req.t(`admin.audit.objects.${type}`) : type };
    const problem = (key: string, extra: Record<string, unknown> = {}) => ({
      problem: { field: 'object_id', key: `admin.audit.${key}`, params: { ...params, ...extra } },
    });
    const number = typedWholeNumber(typed.replace(/^[#＃]\s*/, ''));
    if (kind === 'number') return number === null ? problem('objectIdNumber') : { id: String(Number(number)) };
    if (kind === 'account') {
      // A login first (student and staff numbers are logins too), else the account's id.
      const account = await findUserForSignIn(db, typed);
      if (account) return { id: String(account.id) };
      return number === null ? problem('objectIdAccount') : { id: String(Number(number)) };
    }
    if (kind === 'day') return isIsoDate(typed) ? { id: typed } : problem('objectIdDay');
    const count = [...typed].length;
    if (count > AUDIT_OBJECT_ID_MAX) return problem('objectIdTooLong', { max: AUDIT_OBJECT_ID_MAX, count });
    if (kind === 'code') return { id: (await departmentCodeAsWritten(db, typed)) ?? typed };
    return { id: typed };
  }

  /**
   * The object filter (object_type, object_id): the type alone lists every row about that kind of object, with an id
   * one object's (its audit trail, linked from its page). An id without a type, a type no row has, an id its type
   * cannot have: problems naming the field, and no object filter.
   */
  async function auditObjectFilter(
    req: Request,
    typedType: string | undefined,
    typedId: string | undefined,
  ): Promise<{ objectType?: string; objectId?: string; problems: FieldError[]; menuType?: string }> {
    if (!typedType) {
      if (!typedId) return { problems: [] };
      return {
        problems: [{ field: 'object_type', key: 'admin.audit.objectTypeMissing', params: { value: echoedQueryText(typedId) } }],
      };
    }
    const objectType = await auditObjectTypeOf(typedType);
    if (objectType === null)
      return {
        problems: [{ field: 'object_type', key: 'admin.audit.objectTypeUnknown', params: { value: echoedQueryText(typedType) } }],
      };
    if (!typedId) return { objectType, problems: [] };
    const id = await auditObjectIdOf(req, objectType, typedId);
    // A refused id: no object filter, the menu still showing the type it was typed for.
    return 'id' in id ? { objectType, objectId: id.id, problems: [] } : { problems: [id.problem], menuType: objectType };
  }

  /**
   * The audit filters of the query: action, login, object (type and id), and days from/to (both optional, `to`
   * inclusive) read in the university's time zone (the catalog calendar's), as instants. A bad day, action or object,
   * a filter sent twice or a reversed range: the messages (`fields`) and the other filters alone, so the page still
   * lists something under them.
   */
  async function auditFilters(req: Request) {
    // As typed, less the spaces around (a pasted " auth.login" found nothing).
    const text = (key: string) => (typeof req.query[key] === 'string' ? (req.query[key] as string).trim() : '') || undefined;
    // A filter sent twice (?from=2026-01-01&from=2026-02-01, ?action=a&action=b) is said as such — not as a bad value,
    // nor dropped so that the page lists everything as if filtered: which one was meant?
    const repeated = repeatedQueryValues(req.query, ['action', 'actor', 'object_type', 'object_id', 'from', 'to']);
    const typedAction = text('action');
    const action = typedAction ? await auditActionOf(typedAction) : undefined;
    const object: Awaited<ReturnType<typeof auditObjectFilter>> = repeated.some(
      (p) => p.field === 'object_type' || p.field === 'object_id',
    )
      ? { problems: [] }
      : await auditObjectFilter(req, text('object_type'), text('object_id'));
    const base: AuditFilters = {
      action: action ?? undefined,
      actorLogin: text('actor'),
      objectType: object.objectType,
      objectId: object.objectId,
    };
    const typed = {
      action: base.action ?? '',
      actor: base.actorLogin ?? '',
      // The type as the menu knows it (工单 typed is ticket); one refused is not chosen (as a refused action).
      objectType: object.objectType ?? object.menuType ?? '',
      // As typed: an account's login stays a login, `#12` is what the reader typed.
      objectId: text('object_id') ?? '',
      from: typeof req.query.from === 'string' ? req.query.from : '',
      to: typeof req.query.to === 'string' ? req.query.to : '',
    };
    const timezone = await universityTimezone(db, ctx.config.timezone);
    try {
      if (repeated.length) throw new ValidationError(repeated);
      const problems: FieldError[] = [...object.problems];
      if (typedAction && action === null)
        problems.unshift({ field: 'action', key: 'admin.audit.actionUnknown', params: { value: typedAction.slice(0, 100) } });
      if (problems.length) throw new ValidationError(problems);
      const days = parseOptionalRange({ from: req.query.from, to: req.query.to });
      const filters: AuditFilters = {
        ...base,
        from: days.from ? dayStartIn(days.from, timezone) : undefined,
        to: days.to ? dayEndIn(days.to, timezone) : undefined,
      };
      return { filters, days, typed, timezone, fields: null };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return { filters: base, days: {}, typed, timezone, fields: fieldMessages(err, req) };
    }
  }

  /** The query string of the filters as applied (for the export link): none that is empty or was refused. */
  const auditFilterQuery = (f: AuditFilters, days: { from?: string; to?: string }) =>
    new URLSearchParams(
      Object.entries({
        action: f.action,
        actor: f.actorLogin,
        object_type: f.objectType,
        object_id: f.objectId === undefined ? undefined : String(f.objectId),
        from: days.from,
        to: days.to,
      }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
    ).toString();

  async function auditPage(req: Request, res: Response) {
    const { page, perPage } = pageParams(req.query, 50);
    const { filters, days, typed, fields, timezone } = await auditFilters(req);
    const { items: rows, total } = await listAudit(db, { ...filters, limit: perPage, offset: (page - 1) * perPage });
    // The page's own address also when the export was asked with a bad range (its links are the page's).
    const url = `/admin/audit${sentQuery(req)}`;
    // Past the end with a bad range: the messages first (the pager is only the other filters').
    const last = fields ? null : pastLastPage(url, page, perPage, total);
    if (last) return redirectKeepingFlash(req, res, last);
    const query = auditFilterQuery(filters, days);
    res.status(fields ? 422 : 200).render('pages/admin/audit', {
      title: req.t('admin.audit.title'),
      rows: await auditRowsFor(db, req.user!, rows, req.t, timezone),
      filters: typed,
      actionMenu: auditActionMenu(req, typed.action),
      objectMenu: auditObjectMenu(req, typed.objectType),
      fields: fields ?? {},
      exportHref: `/admin/audit/export.csv${query ? `?${query}` : ''}`,
      pager: pagination(url, page, perPage, total),
    });
  }

  router.get('/admin/audit', authorize('audit.view'), auditPage);

  /**
   * Every row the page's filters match, newest first, as CSV (UTF-8 with a BOM, for Excel): read AUDIT_BATCH rows at
   * a time by seq and written as they are read, waiting for the client when it reads slower than the database
   * answers, so memory stays flat however long the log; no cap (an audit export that silently stops at N rows
   * would be worse than a long download). The export is itself recorded (audit.export, with its filters) before
   * the first row is read; the file holds the matching rows written before that record. A bad range: the page
   * with its messages (422), as the filter form shows them.
   */
  router.get('/admin/audit/export.csv', authorize('audit.view'), async (req, res) => {
    const { filters, days, timezone, fields } = await auditFilters(req);
    if (fields) return auditPage(req, res);
    const { seq: recorded } = await appendAudit(db, {
      actor: auditActor(req),
      action: 'audit.export',
      summary: {
        action: filters.action ?? null,
        actor: filters.actorLogin ?? null,
        object_type: filters.objectType ?? null,
        object_id: filters.objectId === undefined ? null : String(filters.objectId),
        from: days.from ?? null,
        to: days.to ?? null,
      },
      ...auditOrigin(req),
    });
    const name = `audit-${days.from ?? 'until'}-${days.to ?? todayIn(timezone, ctx.now())}.csv`;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');
    let gone = false;
    res.on('close', () => (gone = true));
    /** Writes a chunk; when the socket's buffer is full, waits until it drains (or the client has gone). */
    const write = (chunk: string) =>
      res.write(chunk) || gone
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
    try {
      await write(CSV_BOM + auditCsvHeader(req.t));
      for await (const batch of auditBatches(db, filters, recorded)) {
        if (gone) return;
        await write(batch.map((r) => auditCsvLine(r, req.t, timezone)).join(''));
      }
      res.end();
    } catch (err) {
      // The header and some rows are gone already: no error page now, and no file that looks complete.
      req.log?.error({ err }, 'audit export failed part way');
      res.destroy(err as Error);
    }
  });

  const departmentOf = (req: Request) => ({ department: String(req.params.code) });
  // No department has a NUL in its code (the database cannot even hold one: asking it was a 500).
  const findDepartment = (code: unknown) =>
    typeof code === 'string' && !code.includes('\u0000') ? db('departments').where({ code }).first() : undefined;

  /** The department page; after a rejected stewards list, the list as typed with its message under it (422). */
  async function departmentPage(
    req: Request,
    res: Response,
    extra: { stewardsText?: string; fields?: Record<string, string> } = {},
  ) {
    const department = await findDepartment(req.params.code);
    if (!department) throw new NotFoundError();
    // 50 members a page, as the accounts list: a department's every staff account (campus SSO makes one for each who
    // signs in) was one page of thousands of rows above the steward e-mails.
    const { page, perPage } = pageParams(req.query, 50);
    const members = db('users').where({ department_code: department.code });
    const total = Number((await members.clone().count({ n: '*' }).first())?.n ?? 0);
    const ownPath = `/departments/${encodeURIComponent(department.code)}`;
    // An old link past the end (accounts moved away): the last page, not an empty list under "page 9 of 1".
    const last = req.method === 'GET' && !extra.fields ? pastLastPage(req.originalUrl, page, perPage, total) : null;
    if (last) return redirectKeepingFlash(req, res, last);
    res.status(extra.fields ? 422 : 200).render('pages/admin/department', {
      title: department.name,
      department,
      members: await members
        .clone()
        .orderBy('login')
        .limit(perPage)
        .offset((page - 1) * perPage)
        .select('login', 'name', 'roles', 'disabled'),
      // After a rejected stewards list (a POST) the first page, linked at the page's own address.
      pager: pagination(req.method === 'GET' ? req.originalUrl : ownPath, page, perPage, total),
      // A university leader reads every department's page but does not change its list: no form to send.
      canManage: can(req.user, 'department.manage', { department: department.code }),
      stewardsText: extra.stewardsText ?? (department.stewards as string[]).join('\n'),
      fields: extra.fields ?? {},
    });
  }

  /**
   * A code typed in another case (`/departments/hr`, as table names are taken in any case) goes to the
   * department's own address when exactly one department matches; before authorizing, which judges the code as
   * written (a steward of HR would otherwise be refused their own page). Codes are not secret: the catalog
   * overview lists them.
   */
  async function toCodeAsWritten(req: Request, res: Response, next: (err?: unknown) => void) {
    // Signed in first: the redirect tells real codes from made-up ones (the page's own check follows it).
    if (!req.user) return next(new UnauthorizedError());
    const code = req.params.code;
    const written = typeof code === 'string' ? await departmentCodeAsWritten(db, code) : null;
    if (written === null || written === code) return next();
    // 302, not 301: the catalog may later declare a department with exactly this code.
    res.redirect(302, `/departments/${encodeURIComponent(written)}`);
  }

  router.get('/departments/:code', toCodeAsWritten, authorize('department.view', departmentOf), (req, res) =>
    departmentPage(req, res),
  );

  // A sent-back stewards list stands at its POST address: a reload without resending, an error page's (a refused CSRF
  // token, a body too large) reload, or the address opened again, is the department's page, which authorizes the
  // reader (it was a 404).
  router.get('/departments/:code/stewards', authorize('department.view', departmentOf), (req, res) =>
    res.redirect(`/departments/${encodeURIComponent(String(req.params.code))}`),
  );

  router.post('/departments/:code/stewards', authorize('department.manage', departmentOf), async (req, res) => {
    const department = await findDepartment(req.params.code);
    if (!department) throw new NotFoundError();
    const sent = String(req.body.stewards ?? '');
    // A NUL or a direction override (pasted with the list): left to this route by refuseNulCharacters, so that the
    // form comes back with the text, a NUL shown as a browser shows it (U+FFFD, which is no address either).
    if (hasForbiddenCharacter(sent)) {
      const err = new ValidationError([
        { field: 'stewards', key: 'admin.department.errors.forbiddenCharacter', params: forbiddenCodes(sent) },
      ]);
      return departmentPage(req, res, { stewardsText: shownAsBrowserShows(sent), fields: fieldMessages(err, req) });
    }
    const typed = sent
      .split(/[\s,;，；]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    // One mailbox once: addresses differing only in case are the same mailbox (digests would go twice).
    const seen = new Set<string>();
    const emails = typed.filter((e) => !seen.has(e.toLowerCase()) && seen.add(e.toLowerCase()));
    // Every bad one at once (it named the first: the list came back once per mistake), and one too long beside them
    // (it was said only once the others were put right).
    const bads = emails.filter((e) => !isEmailAddress(e));
    // As long as an account's e-mail may be (users.email, 320: RFC 5321's 64 + @ + 255).
    const long = emails.find((e) => e.length > STEWARD_EMAIL_MAX && !bads.includes(e));
    const problems: string[] = [];
    if (bads.length > 1)
      problems.push(
        req.t('admin.department.errors.emails', { values: bads.map((e) => `“${e}”`).join(req.t('common.enumSeparator')) }),
      );
    else if (bads.length) problems.push(req.t('admin.department.errors.email', { value: bads[0] }));
    if (long)
      problems.push(req.t('admin.department.errors.emailTooLong', { value: `${long.slice(0, 40)}…`, max: STEWARD_EMAIL_MAX }));
    if (problems.length)
      return departmentPage(req, res, { stewardsText: sent, fields: { stewards: problems.join(req.t('common.listSeparator')) } });
    const before = department.stewards as string[];
    // The list as it was (a save with nothing changed): no write, no audit row, as for an account's edit.
    if (JSON.stringify(before) === JSON.stringify(emails)) {
      req.session.flash = { kind: 'info', text: req.t('admin.department.unchanged') };
      return res.redirect(`/departments/${encodeURIComponent(department.code)}`);
    }
    // How many mailboxes came and went (not the addresses: the log keeps no e-mail, as for accounts): a swapped address
    // (digests sent elsewhere) must not read like a save that changed nothing.
    const mailboxes = (list: string[]) => new Set(list.map((e) => e.toLowerCase()));
    const [was, now] = [mailboxes(before), mailboxes(emails)];
    await db.transaction(async (trx) => {
      await trx('departments')
        .where({ code: department.code })
        .update({ stewards: JSON.stringify(emails) });
      await appendAudit(trx, {
        actor: auditActor(req),
        action: 'department.stewards',
        objectType: 'department',
        objectId: department.code,
        summary: {
          before: { count: before.length },
          after: { count: emails.length },
          added: [...now].filter((e) => !was.has(e)).length,
          removed: [...was].filter((e) => !now.has(e)).length,
        },
        ...auditOrigin(req),
      });
    });
    req.session.flash = { kind: 'success', text: req.t('admin.department.saved') };
    res.redirect(`/departments/${encodeURIComponent(department.code)}`);
  });

  return router;
}
