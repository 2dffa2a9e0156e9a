import { buildDepartment, buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The department page (`/departments/CODE`) as its readers use it: the IT office and the department's
 * stewards and leaders change the steward e-mails there; a university leader reads every department's
 * page but may not change the list, so is shown it without a form to send.
 */
describe('the department page', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  let leader: Awaited<ReturnType<typeof signIn>>;
  let steward: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await createTestApp();
    await buildDepartment(t.db.knex, { code: 'HR', name: '人事处', stewards: ['hr-steward@example.edu.cn'] });
    await buildDepartment(t.db.knex, { code: 'SCI', name: '科研处' });
    await buildDepartment(t.db.knex, { code: 'R&D#2', name: '研发二部' });
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    const univ = await buildUser(t.db.knex, { login: 'vp', department: 'ITC', roles: ['univ_leader'] });
    const hr = await buildUser(t.db.knex, { login: 'hr.steward', department: 'HR', roles: ['steward'] });
    office = await signIn(t.app, it.login, it.password);
    leader = await signIn(t.app, univ.login, univ.password);
    steward = await signIn(t.app, hr.login, hr.password);
  });
  afterAll(() => t.close());

  it('a code typed in another case goes to the department (its steward included); an unknown code stays 404', async () => {
    await steward.agent.get('/departments/hr').expect(302).expect('Location', '/departments/HR');
    await office.agent.get('/departments/r%26d%232').expect(302).expect('Location', '/departments/R%26D%232');
    await steward.agent.get('/departments/HR').expect(200);
    await office.agent.get('/departments/hrx').expect(404);
    // Another department's page in another case is still refused to a steward, after the redirect.
    await steward.agent.get('/departments/sci').expect(302).expect('Location', '/departments/SCI');
    await steward.agent.get('/departments/SCI').expect(403);
  });

  it('a code with a NUL in it is an unknown department (404), not a server error, to view or to change', async () => {
    const page = await office.agent.get('/departments/HR%00').expect(404);
    expect(page.text).toContain('找不到该页面或对象');
    await office.agent
      .post('/departments/HR%00/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: 'x@example.edu.cn' })
      .expect(404);
    const hr = await t.db.knex('departments').where({ code: 'HR' }).first('stewards');
    expect(hr.stewards).toEqual(['hr-steward@example.edu.cn']);
  });

  it('a NUL typed among the steward e-mails: the form again (422), the text kept, the message beside the box by its label', async () => {
    for (const who of [steward, office]) {
      const typed = 'first@example.edu.cn\nsec\u0000ond@example.edu.cn';
      const res = await who.agent
        .post('/departments/HR/stewards')
        .type('form')
        .send({ _csrf: who.csrf, stewards: typed })
        .expect(422);
      // The NUL as a browser shows it (U+FFFD): the rest as typed.
      expect(res.text).toContain(
        '<textarea id="stewards" name="stewards" rows="4" aria-describedby="stewards-catalog stewards-error" aria-invalid="true">' +
          'first@example.edu.cn\nsec\ufffdond@example.edu.cn</textarea>' +
          '<p class="field-error" role="alert" id="stewards-error">' +
          '信息化专员邮箱中含有看不见的控制字符（常见于从其他程序复制文字时一并带入）：请删除这部分后重新输入，再保存（字符代码 \\u0000）</p>',
      );
      expect(res.text).not.toContain('数据专员');
      expect(res.text).toContain('action="/departments/HR/stewards"');
    }
    // A direction override too, in English.
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'en', next: '/' }).expect(302);
    try {
      const res = await office.agent
        .post('/departments/HR/stewards')
        .type('form')
        .send({ _csrf: office.csrf, stewards: 'a@example.edu.cn \u202Eb@example.edu.cn' })
        .expect(422);
      expect(res.text).toContain(
        'The data steward e-mails contain an invisible control character (often copied in with text from another program): delete that part, type it again and save (character code \\u202E)',
      );
    } finally {
      await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    }
    const hr = await t.db.knex('departments').where({ code: 'HR' }).first('stewards');
    expect(hr.stewards).toEqual(['hr-steward@example.edu.cn']);
    expect(await t.db.knex('audit_log').where({ action: 'department.stewards', object_id: 'HR' })).toEqual([]);
  });

  it("the stewards form's address opened again (a reload after it came back, an error page's reload) is the department's page", async () => {
    await office.agent
      .post('/departments/HR/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: 'not-an-email' })
      .expect(422);
    // It was a 404 (找不到该页面或对象).
    await office.agent.get('/departments/HR/stewards').expect(302).expect('Location', '/departments/HR');
    // After a refused CSRF token (the page expired, 403) the browser stands at the same address.
    await steward.agent.post('/departments/HR/stewards').type('form').send({ _csrf: 'expired', stewards: 'x' }).expect(403);
    await steward.agent.get('/departments/HR/stewards').expect(302).expect('Location', '/departments/HR');
    // Only to a page the reader may view: another department's is refused, as its page is.
    await steward.agent.get('/departments/SCI/stewards').expect(403);
    await leader.agent.get('/departments/SCI/stewards').expect(302).expect('Location', '/departments/SCI');
    await office.agent.get('/departments/R%26D%232/stewards').expect(302).expect('Location', '/departments/R%26D%232');
  });

  // An address too long was said only once the invalid ones were put right: the list came back a second time.
  it('invalid addresses and one too long are said at once, nothing saved', async () => {
    const long = `${'a'.repeat(330)}@example.edu.cn`;
    const res = await office.agent
      .post('/departments/HR/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: `ok@example.edu.cn\nnot-an-email\n${long}\nalso@` })
      .expect(422);
    expect(res.text).toContain(
      '<p class="field-error" role="alert" id="stewards-error">以下不是有效的邮箱地址：“not-an-email”、“also@”；' +
        `邮箱地址“${'a'.repeat(40)}…”过长：最多 320 个字符</p>`,
    );
    // One invalid address and one too long: each said.
    const one = await office.agent
      .post('/departments/HR/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: `not-an-email ${long}` })
      .expect(422);
    expect(one.text).toContain(`“not-an-email”不是有效的邮箱地址；邮箱地址“${'a'.repeat(40)}…”过长：最多 320 个字符</p>`);
    expect((await t.db.knex('departments').where({ code: 'HR' }).first('stewards')).stewards).toEqual([
      'hr-steward@example.edu.cn',
    ]);
  });

  it('saving the list records what changed: an unchanged list writes no audit row; a swapped address reads as one added, one removed', async () => {
    const rows = () => t.db.knex('audit_log').where({ action: 'department.stewards', object_id: 'LIB' }).orderBy('seq');
    await buildDepartment(t.db.knex, { code: 'LIB', name: '图书馆', stewards: ['lib@example.edu.cn'] });
    const asOffice = (stewards: string) =>
      office.agent.post('/departments/LIB/stewards').type('form').send({ _csrf: office.csrf, stewards });
    const same = await asOffice('lib@example.edu.cn').expect(302);
    expect((await office.agent.get(same.headers.location).expect(200)).text).toContain('没有改动');
    expect(await rows()).toEqual([]);
    await asOffice('outside@example.com').expect(302);
    const [row] = await rows();
    expect(row.summary).toEqual({ before: { count: 1 }, after: { count: 1 }, added: 1, removed: 1 });
    expect((await t.db.knex('departments').where({ code: 'LIB' }).first('stewards')).stewards).toEqual(['outside@example.com']);
  });

  it('a university leader reads the steward e-mails without a form (saving is not theirs: 403)', async () => {
    const page = await leader.agent.get('/departments/HR').expect(200);
    expect(page.text).not.toContain('action="/departments/HR/stewards"');
    expect(page.text).not.toContain('<textarea');
    expect(page.text).toContain('<li>hr-steward@example.edu.cn</li>');
    expect(page.text).toContain('本部门的信息化专员、部门领导和信息化办公室可以修改这份名单。');
    const empty = await leader.agent.get('/departments/SCI').expect(200);
    expect(empty.text).toContain('<li class="muted">未设置</li>');
    await leader.agent
      .post('/departments/HR/stewards')
      .type('form')
      .send({ _csrf: leader.csrf, stewards: 'x@example.edu.cn' })
      .expect(403);
  });

  it("the department's own steward and the IT office get the form", async () => {
    for (const who of [steward, office]) {
      const page = await who.agent.get('/departments/HR').expect(200);
      expect(page.text).toMatch(/<textarea id="stewards" name="stewards"[^>]*>hr-steward@example\.edu\.cn<\/textarea>/);
      expect(page.text).not.toContain('可以修改这份名单');
    }
  });

  it('the form of a department whose code has URL characters posts to that department', async () => {
    const page = await office.agent.get('/departments/R%26D%232').expect(200);
    expect(page.text).toContain('action="/departments/R%26D%232/stewards"');
    await office.agent
      .post('/departments/R%26D%232/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: 'rd2@example.edu.cn' })
      .expect(302)
      .expect('Location', '/departments/R%26D%232');
    const row = await t.db.knex('departments').where({ code: 'R&D#2' }).first('stewards');
    expect(row.stewards).toEqual(['rd2@example.edu.cn']);
  });

  it('members are listed under column headings, a disabled account marked as such', async () => {
    const gone = await buildUser(t.db.knex, { login: 'hr.old', name: '原专员', department: 'HR', roles: ['steward'] });
    await t.db.knex('users').where({ id: gone.id }).update({ disabled: true });
    const page = await office.agent.get('/departments/HR').expect(200);
    expect(page.text).toContain('<thead><tr><th>账号</th><th>姓名</th><th>角色</th></tr></thead>');
    expect(page.text).toContain('<td>hr.old</td><td>原专员 <span class="tag">已停用</span></td>');
    expect(page.text).toMatch(/<td>hr\.steward<\/td><td>测试用户<\/td>/);
  });

  // Campus SSO makes an account for each member of staff who signs in: the page listed them all, thousands of rows above
  // the steward e-mails.
  it('members are listed 50 a page, with the pager; a page past the end goes to the last', async () => {
    for (let i = 1; i <= 55; i++)
      await buildUser(t.db.knex, { login: `sci.${String(i).padStart(2, '0')}`, department: 'SCI', roles: ['user'] });
    const first = await office.agent.get('/departments/SCI').expect(200);
    const logins = (html: string) => [...html.matchAll(/<tr><td>(sci\.\d+)<\/td>/g)].map((m) => m[1]);
    expect(logins(first.text)).toEqual(Array.from({ length: 50 }, (_, i) => `sci.${String(i + 1).padStart(2, '0')}`));
    expect(first.text).toContain('第 1 / 2 页，共 55 条');
    expect(first.text).toContain('<a href="/departments/SCI?page&#x3D;2">下一页 →</a>');
    const second = await office.agent.get('/departments/SCI?page=2').expect(200);
    expect(logins(second.text)).toEqual(['sci.51', 'sci.52', 'sci.53', 'sci.54', 'sci.55']);
    // The steward e-mails' form is on every page.
    expect(second.text).toContain('action="/departments/SCI/stewards"');
    await office.agent.get('/departments/SCI?page=9').expect(302).expect('Location', '/departments/SCI?page=2');
  });
});
