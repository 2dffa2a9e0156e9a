import { translator } from '../../server/i18n';
import { checkPersonFields } from '../../server/services/users/validate';
import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

/**
 * Adding accounts: a name longer than its column (200 characters) was a 500 on /admin/users and raw
 * SQL with exit 1 in `hubwatch users add`; `not-an-email` was stored as an e-mail address. Now each is
 * a field error in the user's language (in place on the form; `--name`/`--email`, exit 2) and nothing
 * is written. The form's messages for roles and departments read "角色应为以下之一：admin, it_office…" and
 * pointed to the CLI's --department-name; they name the roles as the form does and say what to do on the
 * web. The users list pages and filters by login or name, department and role.
 */

const zh = translator('zh-CN');
/** Handlebars escapes text: compare messages as the page writes them. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;');
/** The form's cell of an input: the input and what follows it up to the next label. */
const cellOf = (page: string, id: string) =>
  page.slice(page.indexOf(`id="${id}"`), page.indexOf('<label', page.indexOf(`id="${id}"`)));

describe('/admin/users', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处' });
    await buildDepartment(t.db.knex, { code: 'STU', name: '学生处' });
    const a = await buildUser(t.db.knex, { login: 'admin', department: 'HR', roles: ['admin'] });
    admin = await signIn(t.app, a.login, a.password);
    await installChangeLog(t.db.knex);
  });
  afterAll(() => t.close());

  const add = async (form: Record<string, string | undefined>) => {
    const before = await mark(t.db.knex);
    const res = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: admin.csrf, login: 'newbie', name: '新同事', department: 'HR', roles: 'user', ...form });
    return { res, changed: await changedSince(t.db.knex, before) };
  };

  it('a name of 201 characters: 422 with the message next to the name input; nothing written', async () => {
    const { res, changed } = await add({ name: '名'.repeat(201) });
    expect(res.status).toBe(422);
    expect(cellOf(res.text, 'u-name')).toContain(html(zh('users.errors.nameLength', { max: 200 })));
    expect(changed).toEqual([]);
  });

  it('a name with a control character: 422 with the message next to the name input; nothing written', async () => {
    const { res, changed } = await add({ name: '新\u0001同事' });
    expect(res.status).toBe(422);
    expect(cellOf(res.text, 'u-name')).toContain(html(zh('users.errors.nameControl')));
    expect(changed).toEqual([]);
  });

  it('each message is tied to its input (aria-describedby, aria-invalid), the roles to their label', async () => {
    const { res } = await add({ name: '', email: 'not-an-email', roles: undefined });
    expect(res.status).toBe(422);
    for (const [input, message] of [
      ['<input id="u-name"', zh('users.errors.name')],
      ['<input id="u-email"', zh('users.errors.email', { value: 'not-an-email' })],
    ]) {
      const tag = res.text.slice(res.text.indexOf(input), res.text.indexOf('>', res.text.indexOf(input)));
      expect(tag).toContain('aria-invalid="true"');
      const described = /aria-describedby="([^"]+)"/.exec(tag)?.[1];
      expect(res.text).toContain(`<p class="field-error" id="${described}">${html(message)}</p>`);
    }
    expect(res.text).toMatch(
      /<span id="u-roles-label">角色<\/span>\s*<div role="group" aria-labelledby="u-roles-label" aria-describedby="u-roles-error">/,
    );
    expect(res.text).toContain('id="u-roles-error"');
    // Nothing wrong with the login: not marked.
    expect(res.text.slice(res.text.indexOf('<input id="u-login"'))).not.toMatch(/^[^>]*aria-invalid/);
  });

  it('a name of invisible characters only, or with a direction override: 422; nothing written', async () => {
    // A zero-width space shows as nothing in the list: its message next to the name.
    for (const name of ['\u200B', ' \u200B\u2060 ']) {
      const { res, changed } = await add({ name });
      expect(res.status).toBe(422);
      expect(cellOf(res.text, 'u-name')).toContain(html(zh('users.errors.name')));
      expect(changed).toEqual([]);
    }
    // U+202E makes "abc\u202Eevil" show as "abclive": refused by the form's own check (as the command line's), the
    // message next to the name and the rest of the form kept — not the bare error page, where all that was typed is lost.
    for (const name of ['abc\u202Eevil', 'a\u0000b']) {
      const { res, changed } = await add({ name, login: 'kept-login' });
      expect(res.status).toBe(422);
      expect(cellOf(res.text, 'u-name')).toContain(html(zh('users.errors.nameControl')));
      expect(res.text).toContain('value="kept-login"');
      expect(changed).toEqual([]);
      expect(checkPersonFields({ name, roles: ['user'] }).problems).toEqual([{ field: 'name', key: 'users.errors.nameControl' }]);
    }
    // The isolates a chat app puts, invisibly, around a pasted name are removed from every form's text (tickets-http
    // tests it); the command line, where they would be typed, refuses them.
    expect(checkPersonFields({ name: '\u2068张三\u2069', roles: ['user'] }).problems).toEqual([
      { field: 'name', key: 'users.errors.nameControl' },
    ]);
    // A joiner inside an emoji or a word is part of the name.
    expect(checkPersonFields({ name: '王\u200D磊 👩\u200D💻', roles: ['user'] }).problems).toEqual([]);
  });

  it('a NUL or a direction override in the login or the e-mail: its message beside its box, as typed, the form kept; nothing written', async () => {
    // They were refused by the app-wide check first: a bare 422 page (登录名：文本中不能包含空字符…) and the name, e-mail,
    // department and roles typed were gone.
    for (const [field, value, key] of [
      ['login', 'ab\u202Ec', 'users.errors.loginControl'],
      ['login', 'ab\u0000c', 'users.errors.loginControl'],
      ['email', 'zhang\u202E@example.edu.cn', 'users.errors.emailControl'],
      ['email', 'zhang\u0000@example.edu.cn', 'users.errors.emailControl'],
    ] as const) {
      const { res, changed } = await add({
        login: 'kept-login',
        email: 'kept@example.edu.cn',
        department: 'STU',
        [field]: value,
      });
      expect(res.status).toBe(422);
      const cell = cellOf(res.text, field === 'login' ? 'u-login' : 'u-email');
      expect(cell).toContain(html(zh(key)));
      // As typed (a NUL as a browser shows it), and the rest of the form too.
      expect(cell).toContain(`value="${value.replace('\u0000', '\uFFFD')}"`);
      expect(res.text).toContain('value="新同事"');
      expect(res.text).toContain('<option value="STU" selected>');
      expect(res.text).toMatch(/value="user" checked/);
      if (field === 'email') expect(cellOf(res.text, 'u-login')).toContain('value="kept-login"');
      else expect(cellOf(res.text, 'u-email')).toContain('value="kept@example.edu.cn"');
      // The summary names the box as the form does (账号, 电子邮箱), not 登录名.
      const summary = /<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
      expect(summary).toContain(field === 'login' ? '账号' : '电子邮箱');
      expect(res.text).not.toContain('登录名');
      expect(changed).toEqual([]);
    }
  });

  it('editing an account: a NUL or a direction override in the e-mail comes back beside its box, the form kept', async () => {
    const u = await buildUser(t.db.knex, { login: 'to-edit', name: '待编辑', department: 'HR', roles: ['user'] });
    for (const email of ['li\u202E@example.edu.cn', 'li\u0000@example.edu.cn']) {
      const before = await mark(t.db.knex);
      const res = await admin.agent
        .post(`/admin/users/${u.id}`)
        .type('form')
        .send({ _csrf: admin.csrf, name: '新名字', email, department: 'STU', roles: 'steward' });
      expect(res.status).toBe(422);
      expect(cellOf(res.text, 'u-email')).toContain(html(zh('users.errors.emailControl')));
      expect(cellOf(res.text, 'u-email')).toContain(`value="${email.replace('\u0000', '\uFFFD')}"`);
      expect(cellOf(res.text, 'u-name')).toContain('value="新名字"');
      expect(res.text).toContain('<option value="STU" selected>');
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    }
    // The list's tests below count the accounts.
    await t.db.knex('users').where({ id: u.id }).delete();
  });

  it('an e-mail address that is not one: 422 with the message next to the e-mail input; nothing written', async () => {
    for (const email of ['not-an-email', 'a b@example.edu.cn', 'a"b@example.edu.cn', `${'x'.repeat(310)}@example.edu.cn`]) {
      const { res, changed } = await add({ email });
      expect(res.status).toBe(422);
      expect(cellOf(res.text, 'u-email')).toContain('class="field-error"');
      expect(changed).toEqual([]);
    }
    const { res } = await add({ email: 'not-an-email' });
    expect(cellOf(res.text, 'u-email')).toContain(html(zh('users.errors.email', { value: 'not-an-email' })));
  });

  /** The roles' cell: the checkboxes and what follows them up to the submit row. */
  const rolesCell = (page: string) =>
    page.slice(page.indexOf('name="roles"'), page.indexOf('<span></span>', page.indexOf('name="roles"')));

  it('no role ticked: the roles named as the form names them, next to the checkboxes; nothing written', async () => {
    // No checkbox ticked: the browser sends no roles at all.
    const { res, changed } = await add({ roles: undefined });
    expect(res.status).toBe(422);
    expect(rolesCell(res.text)).toContain(
      html('请至少勾选一个角色：系统管理员、信息化办公室、信息化专员、部门领导、信息化主管校领导或教职工用户'),
    );
    expect(res.text).not.toContain('it_office,');
    expect(changed).toEqual([]);
  });

  it('an unknown department: choose one from the list, departments come with the catalog (no CLI option); nothing written', async () => {
    const { res, changed } = await add({ department: 'NOPE' });
    expect(res.status).toBe(422);
    expect(cellOf(res.text, 'u-dept')).toContain(html(zh('admin.users.errors.department', { code: 'NOPE' })));
    expect(zh('admin.users.errors.department', { code: 'NOPE' })).toContain('请从列表中选择');
    expect(res.text).not.toContain('--department-name');
    expect(changed).toEqual([]);
  });

  it('no department is chosen for the administrator: sent without one, 请从列表中选择部门, with a summary above the list', async () => {
    // The menu started on its first department (ACA · 教务处): an account made without looking was that department's.
    const page = (await admin.agent.get('/admin/users').expect(200)).text;
    expect(cellOf(page, 'u-dept')).toContain('id="u-dept" name="department"><option value="" selected>请选择部门</option>');
    const { res, changed } = await add({ department: '', name: '' });
    expect(res.status).toBe(422);
    expect(cellOf(res.text, 'u-dept')).toContain(html(zh('admin.users.errors.departmentChoose')));
    // The form is below a list of up to 50 accounts: the summary at the top links to each message (naming its box when the message does not).
    const summary = /<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(res.text)?.[1] ?? '';
    expect([...summary.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['u-name-error', '请填写姓名'],
      ['u-dept-error', html(zh('admin.users.errors.departmentChoose'))],
    ]);
    expect(changed).toEqual([]);
  });

  it('in English, both messages in English with the roles’ names', async () => {
    await admin.agent.post('/locale').type('form').send({ _csrf: admin.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const { res, changed } = await add({ roles: undefined, department: 'NOPE' });
      expect(res.status).toBe(422);
      expect(rolesCell(res.text)).toContain(
        html(
          'Tick at least one role: Administrator, IT office, Data steward, Department leader, University leader for IT, or Staff member',
        ),
      );
      expect(cellOf(res.text, 'u-dept')).toContain(
        html('Department "NOPE" does not exist: choose one from the list. Departments come from the catalog'),
      );
      expect(res.text).not.toContain('--department-name');
      expect(changed).toEqual([]);
    } finally {
      await admin.agent.post('/locale').type('form').send({ _csrf: admin.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
  });

  it('a name of 200 characters and a real address are accepted', async () => {
    const { res } = await add({ login: 'long', name: '名'.repeat(200), email: ' long@example.edu.cn ' });
    expect(res.status).toBe(200);
    expect(await t.db.knex('users').where({ login: 'long' }).first('name', 'email')).toEqual({
      name: '名'.repeat(200),
      email: 'long@example.edu.cn',
    });
  });

  it('reloading the page that shows a new account’s password goes to that account: no error, no second account', async () => {
    const formIdOf = (page: string) => /name="form_id" value="([0-9a-f]{32})"/.exec(page)?.[1];
    const formId = formIdOf((await admin.agent.get('/admin/users').expect(200)).text);
    expect(formId).toBeDefined();
    const created = await add({ login: 'reload', form_id: formId });
    expect(created.res.status).toBe(200);
    const account = await t.db.knex('users').where({ login: 'reload' }).first('id', 'password_hash');
    // The page after creating carries a new form: adding the next account from it is not a reload.
    expect(formIdOf(created.res.text)).not.toBe(formId);

    // The browser's reload sends the same form again, with the same id.
    const again = await add({ login: 'reload', form_id: formId });
    expect(again.res.status).toBe(303);
    expect(again.res.headers.location).toBe(`/admin/users/${account.id}`);
    expect(again.changed).toEqual([]);
    const page = await admin.agent.get(again.res.headers.location).expect(200);
    expect(page.text).toContain(html(zh('admin.users.createdAlready', { login: 'reload' })));
    expect(await t.db.knex('users').where({ id: account.id }).first('password_hash')).toEqual({
      password_hash: account.password_hash,
    });

    // A form that did not create an account (a mistake corrected) keeps its id and still creates one.
    const other = formIdOf((await admin.agent.get('/admin/users').expect(200)).text);
    const wrong = await add({ login: 'second', name: '', form_id: other });
    expect(wrong.res.status).toBe(422);
    expect(formIdOf(wrong.res.text)).toBe(other);
    expect((await add({ login: 'second', form_id: other })).res.status).toBe(200);
    // Without a form id (a script), a login taken is refused as before.
    const taken = await add({ login: 'reload' });
    expect(taken.res.status).toBe(422);
    expect(taken.changed).toEqual([]);
  });

  it('a double click on 创建 makes one account; the second post goes to it', async () => {
    const formId = /name="form_id" value="([0-9a-f]{32})"/.exec((await admin.agent.get('/admin/users').expect(200)).text)?.[1];
    const send = () =>
      admin.agent
        .post('/admin/users')
        .type('form')
        .send({ _csrf: admin.csrf, login: 'twice', name: '双击', department: 'HR', roles: 'user', form_id: formId });
    const [first, second] = await Promise.all([send(), send()]);
    expect([first.status, second.status].sort()).toEqual([200, 303]);
    const accounts = await t.db.knex('users').where({ login: 'twice' }).select('id');
    expect(accounts).toHaveLength(1);
    expect([first, second].find((r) => r.status === 303)!.headers.location).toBe(`/admin/users/${accounts[0].id}`);
    // The list below counts accounts: this one is not part of it (the audit log keeps its creation).
    await t.db.knex('users').where({ id: accounts[0].id }).del();
  });

  describe('the list', () => {
    beforeAll(async () => {
      for (let i = 1; i <= 60; i++) {
        const n = String(i).padStart(2, '0');
        await buildUser(t.db.knex, {
          login: `u${n}`,
          name: i === 7 ? '张三丰' : `用户${n}`,
          department: i % 2 ? 'HR' : 'STU',
          roles: i % 10 === 0 ? ['steward', 'user'] : ['user'],
        });
      }
    });
    /** Logins in the table, in order. */
    const logins = (page: string) => [...page.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]);

    it('pages by login, 50 a page', async () => {
      const first = await admin.agent.get('/admin/users').expect(200);
      const total = 64; // admin, long, reload, second, u01…u60
      expect(logins(first.text)).toHaveLength(50);
      expect(first.text).toContain(zh('common.pageOf', { page: 1, pages: 2, total }));
      expect(first.text).toContain(`href="${html('/admin/users?page=2')}"`);
      const second = await admin.agent.get('/admin/users?page=2').expect(200);
      expect(logins(second.text)).toEqual([
        'u47',
        'u48',
        'u49',
        'u50',
        'u51',
        'u52',
        'u53',
        'u54',
        'u55',
        'u56',
        'u57',
        'u58',
        'u59',
        'u60',
      ]);
    });

    it('filters by login or name, department and role, and the pager keeps the filters', async () => {
      expect(logins((await admin.agent.get('/admin/users?q=张三').expect(200)).text)).toEqual(['u07']);
      expect(logins((await admin.agent.get('/admin/users?q=U0').expect(200)).text)).toEqual([
        'u01',
        'u02',
        'u03',
        'u04',
        'u05',
        'u06',
        'u07',
        'u08',
        'u09',
      ]);
      expect(logins((await admin.agent.get('/admin/users?department=STU&role=steward').expect(200)).text)).toEqual([
        'u10',
        'u20',
        'u30',
        'u40',
        'u50',
        'u60',
      ]);
      // % and _ are searched for as themselves.
      expect(logins((await admin.agent.get('/admin/users?q=%25').expect(200)).text)).toEqual([]);
      const hr = await admin.agent.get('/admin/users?department=HR&per_page=20').expect(200);
      expect(logins(hr.text)).toHaveLength(20);
      expect(hr.text).toContain(`href="${html('/admin/users?department=HR&per_page=20&page=2')}"`);
      const none = await admin.agent.get('/admin/users?q=nobody').expect(200);
      expect(none.text).toContain(zh('admin.users.none'));
    });

    it('a department code in another case is that department, chosen in its menu', async () => {
      const res = await admin.agent.get('/admin/users?department=stu&role=steward').expect(200);
      expect(logins(res.text)).toEqual(['u10', 'u20', 'u30', 'u40', 'u50', 'u60']);
      expect(res.text).toMatch(/<option value="STU" selected>/);
      expect(res.text).not.toContain('aria-invalid');
      // Paged with the filter as sent.
      const hr = await admin.agent.get('/admin/users?department=hr&per_page=20').expect(200);
      expect(logins(hr.text)).toHaveLength(20);
      expect(hr.text).toContain(`href="${html('/admin/users?department=hr&per_page=20&page=2')}"`);
    });

    it('an unknown role or department: 422, what it expects said under its menu, the list that of the other filters', async () => {
      const role = await admin.agent.get('/admin/users?role=wizard&department=STU').expect(422);
      expect(role.text).toContain(`<select name="role" aria-invalid="true" aria-describedby="users-role-error">`);
      expect(role.text).toContain(
        '<p class="field-error" role="alert" id="users-role-error">没有“wizard”这个角色，请从列表中选择：' +
          '系统管理员（admin）、信息化办公室（it_office）、信息化专员（steward）、部门领导（dept_leader）、' +
          '信息化主管校领导（univ_leader）或教职工用户（user）</p>',
      );
      expect(logins(role.text)).toHaveLength(30); // the STU accounts u02…u60
      expect(role.text).toMatch(/<option value="STU" selected>/);
      // A role code in another case is that role, as a department code is.
      const stewards = await admin.agent.get('/admin/users?role=Steward&department=STU').expect(200);
      expect(stewards.text).toMatch(/<option value="steward" selected>/);
      const department = await admin.agent.get('/admin/users?department=NOPE&role=steward').expect(422);
      expect(department.text).toContain(
        '<p class="field-error" role="alert" id="users-department-error">没有代码为“NOPE”的部门，请从列表中选择部门</p>',
      );
      expect(logins(department.text)).toEqual(['u10', 'u20', 'u30', 'u40', 'u50', 'u60']);
      const twice = await admin.agent.get('/admin/users?role=user&role=steward').expect(422);
      expect(twice.text).toContain(`id="users-role-error">${html(zh('errors.queryOneValue', { field: 'role' }))}</p>`);
    });

    // An account never signed in had an empty 最近登录 cell (on a phone no line at all), where its own page says 从未登录.
    it('an account never signed in reads 从未登录 under 最近登录, as its page says', async () => {
      await buildUser(t.db.knex, { login: 'never.here', department: 'STU', roles: ['user'] });
      const res = await admin.agent.get('/admin/users?q=never.here').expect(200);
      const row = res.text.slice(
        res.text.indexOf('<td>never.here</td>'),
        res.text.indexOf('</tr>', res.text.indexOf('<td>never.here</td>')),
      );
      expect(row).toContain(`<td class="when"><span class="muted">${zh('admin.users.lastLoginNever')}</span></td>`);
      // One who signed in reads the time.
      const own = await admin.agent.get('/admin/users?q=admin').expect(200);
      expect(own.text).toMatch(/<td>admin<\/td>.*?<td class="when">\d{4}-\d{2}-\d{2} \d{2}:\d{2}<\/td>/s);
    });

    it('an unknown page is the first, not an error', async () => {
      const res = await admin.agent.get('/admin/users?page=x').expect(200);
      expect(logins(res.text)).toHaveLength(50);
    });
  });
});

describe('hubwatch users add: invalid input exits 2 naming the option, nothing created', () => {
  let pgDb: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => void;

  beforeAll(async () => {
    if (usingRealPostgres()) pgDb = await createTestDatabase();
    ({ env, cleanup } = cliEnvironment(pgDb?.url));
  });
  afterAll(async () => {
    await pgDb?.close();
    cleanup();
  });

  const base = [
    'users',
    'add',
    '--login',
    'zhao',
    '--department',
    'ITC',
    '--department-name',
    '信息与网络管理中心',
    '--role',
    'user',
  ];

  it('a name of 201 characters', async () => {
    const res = await runCli([...base, '--name', '赵'.repeat(201)], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`--name: ${zh('users.errors.nameLength', { max: 200 })}\n`);
  });

  it('a name with a control character (U+0001, a line break)', async () => {
    for (const name of ['a\u0001b', '张\n三']) {
      const res = await runCli([...base, '--name', name], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(`--name: ${zh('users.errors.nameControl')}\n`);
    }
  });

  it('a piped password too short: named as what it came from, standard input (there is no --password)', async () => {
    const res = await runCli([...base, '--name', '赵六'], env, 'short\n');
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^stdin: /);
  });

  it('an e-mail address that is not one', async () => {
    const res = await runCli([...base, '--name', '赵六', '--email', 'not-an-email'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('--email: not a valid e-mail address: "not-an-email" (e.g. zhang@example.edu.cn)\n');
  });

  it('a department name of 201 characters', async () => {
    const args = [
      'users',
      'add',
      '--login',
      'zhao',
      '--name',
      '赵六',
      '--department',
      'NEW',
      '--department-name',
      '部'.repeat(201),
      '--role',
      'user',
    ];
    const res = await runCli(args, env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--department-name: ');
  });

  // A line break in a department's name was accepted (an account's name refuses it): shown on every page as two lines.
  it('a department name with a line break or a direction override', async () => {
    for (const name of ['信息\n中心', '信息\u202E中心']) {
      const args = ['users', 'add', '--login', 'zhao', '--name', '赵六', '--department', 'NEW', '--department-name', name];
      const res = await runCli([...args, '--role', 'user'], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe('--department-name: 部门名称不能包含换行、制表符等控制字符，也不能包含改变文字方向的字符\n');
    }
  });

  it('and then the valid command creates the account', async () => {
    const res = await runCli([...base, '--name', '赵六', '--email', 'zhao@example.edu.cn'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('zhao');
  });
});
