import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importCatalog } from '../../server/services/catalog/repository';
import { LOOKUPS_PER_HOUR } from '../../server/services/reports';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { STAFF, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * The report form's look-up ("查询中台当前值") tells a data user what they need to file a good report
 * without handing out data they may not read: a conditional or unshared table's values only to the IT
 * office and the owning departments (others learn whether the record exists and whether the hub holds
 * the value they saw), personal data masked where values are shown, every look-up counted against an
 * hourly limit and written to the audit log.
 */
const EXAMPLE = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

type Session = Awaited<ReturnType<typeof signIn>>;
const sessions = new Map<string, Session>();
async function as(person: { login: string; password: string }): Promise<Session> {
  if (!sessions.has(person.login)) sessions.set(person.login, await signIn(world.app, person.login, person.password));
  return sessions.get(person.login)!;
}
async function lookup(person: { login: string; password: string }, fields: Record<string, string>) {
  const s = await as(person);
  let req = s.agent.post('/reports').field('_csrf', s.csrf).set('Accept', 'text/html');
  const all: Record<string, string> = {
    table: 'staff_basic',
    field: 'political_status',
    'record_key[staff_no]': STAFF.staff_no,
    action: 'lookup',
    ...fields,
  };
  for (const [k, v] of Object.entries(all)) req = req.field(k, v);
  return req;
}
/** The look-up panel's text, tags stripped. */
const panel = (html: string) =>
  (/<section class="report-lookup[^>]*>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const lookupAudits = (userId: number) =>
  world.db('audit_log').where({ action: 'report.lookup', actor_user_id: userId }).orderBy('seq').select('object_id', 'summary');

const world = useReportsWorld({
  setup: async () => {
    // A table shared with everyone (普遍共享) that holds personal data: a campus directory.
    const yaml = fs.readFileSync(EXAMPLE, 'utf8').replace(
      '\nrules:\n',
      `
  - name: campus_directory
    title: 校园通讯录
    department: HR
    sharing: universal
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: name, title: 姓名 }
      - { name: office_phone, title: 办公电话 }
      - { name: room, title: 办公室 }

rules:
`,
    );
    const imported = await importCatalog(world.db, yaml);
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    await world.db.schema.createTable('campus_directory', (tb) => {
      tb.string('staff_no', 8).primary();
      tb.string('name');
      tb.string('office_phone');
      tb.string('room');
    });
    await world
      .db('campus_directory')
      .insert({ staff_no: STAFF.staff_no, name: '张三', office_phone: '13812345678', room: 'A-301' });
  },
});

describe('a conditional table (教职工基本信息), for a plain data user', () => {
  it('does not show the value: it says the record exists and asks for the value the user saw', async () => {
    const res = await lookup(world.people.reporter, {});
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('class="hub-value"');
    // (The description's placeholder has an example with 群众: only the look-up panel counts.)
    expect(panel(res.text)).not.toContain('群众');
    expect(panel(res.text)).toContain('已找到该记录。本表不是普遍共享数据，不显示字段的值');
  });

  it('does not list staff names by staff number', async () => {
    const res = await lookup(world.people.reporter, { field: 'name' });
    // The look-up ran and found the record (a failed page would hold no name either): it says so, and no more.
    expect(res.status).toBe(200);
    expect(panel(res.text)).toBe(
      '中台当前记录 已找到该记录。本表不是普遍共享数据，不显示字段的值；请填写“您看到的值”后再查询，核对中台是否与之一致。',
    );
    expect(res.text).not.toContain('class="hub-value"');
    expect(res.text).not.toContain('张三');
    expect(res.text).not.toContain('张*');
  });

  it('confirms whether the hub holds the value the user saw, and only that', async () => {
    const same = await lookup(world.people.reporter, { observed_value: '群众' });
    expect(panel(same.text)).toBe('中台当前记录 中台中该记录的“政治面貌”与您看到的值一致：错误确在中台，请提交报告。');
    const other = await lookup(world.people.reporter, { observed_value: '共青团员' });
    expect(panel(other.text)).toBe(
      '中台当前记录 中台中该记录的“政治面貌”与您看到的值不一致：中台可能已更正，或您看到的是其他系统中的数据。',
    );
    expect(panel(other.text)).not.toContain('群众');
    // An ID number is compared in full, ignoring the case of a final x.
    const id = await lookup(world.people.reporter, { field: 'id_card', observed_value: STAFF.id_card });
    expect(panel(id.text)).toContain('与您看到的值一致');
    expect(id.text).not.toContain('410102********1234');
  });

  it('still says when there is no such record', async () => {
    expect(panel((await lookup(world.people.reporter, { 'record_key[staff_no]': '29999999' })).text)).toContain(
      '中台中没有找到这条记录',
    );
  });
});

describe('who may read the value', () => {
  it('the IT office and the owning departments (table and field) read it, personal data masked', async () => {
    for (const person of [world.people.office, world.people.hrSteward, world.people.orgSteward]) {
      expect((await lookup(person, {})).text).toContain('<code class="hub-value">群众</code>');
    }
    expect((await lookup(world.people.hrSteward, { field: 'name' })).text).toContain('<code class="hub-value">张*</code>');
    expect((await lookup(world.people.office, { field: 'id_card' })).text).toContain(
      '<code class="hub-value">410102********1234</code>',
    );
  });

  it('everyone reads a table shared with everyone, with names and phones masked', async () => {
    const on = (field: string) => lookup(world.people.reporter, { table: 'campus_directory', field });
    expect((await on('room')).text).toContain('<code class="hub-value">A-301</code>');
    expect((await on('name')).text).toContain('<code class="hub-value">张*</code>');
    const phone = await on('office_phone');
    expect(phone.text).toContain('<code class="hub-value">138****5678</code>');
    expect(phone.text).not.toContain('13812345678');
  });
});

describe('every look-up is audited and counted', () => {
  it('writes who looked up which record and what they learnt, never the value', async () => {
    const user = await buildUser(world.db, { department: 'LIB', roles: ['user'] });
    await lookup(user, { observed_value: '群众' });
    const rows = await lookupAudits(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].object_id).toBe('staff_basic.political_status');
    expect(rows[0].summary).toMatchObject({
      table: 'staff_basic',
      field: 'political_status',
      key: { staff_no: STAFF.staff_no },
      result: 'found',
      shown: 'comparison',
      matches: true,
    });
    expect(JSON.stringify(rows[0].summary)).not.toContain('群众');
    // A look-up refused for its input writes nothing and is not counted.
    expect((await lookup(user, { field: 'party' })).status).toBe(422);
    expect(await lookupAudits(user.id)).toHaveLength(1);
  });

  it(`refuses look-up number ${LOOKUPS_PER_HOUR + 1} within an hour (429, nothing audited) and still lets the user send the report`, async () => {
    const user = await buildUser(world.db, { department: 'LIB', roles: ['user'] });
    for (let i = 0; i < LOOKUPS_PER_HOUR; i++)
      expect((await lookup(user, { 'record_key[staff_no]': String(20190000 + i) })).status).toBe(200);
    const refused = await lookup(user, {});
    expect(refused.status).toBe(429);
    expect(refused.text).toContain(`查询过于频繁：每人每小时最多查询 ${LOOKUPS_PER_HOUR} 次`);
    expect(refused.text).toContain(`value="${STAFF.staff_no}"`);
    expect(await lookupAudits(user.id)).toHaveLength(LOOKUPS_PER_HOUR);
    const sent = await lookup(user, { action: 'submit', description: '政治面貌有误' });
    expect(sent.status).toBe(302);
  });
});

describe('the report keeps what the reporter saw', () => {
  it('shows the reporter the comparison, not the hub value; the department sees both', async () => {
    const token = await issueApiToken(world.db, world.people.reporter2.id);
    const res = await request(world.app)
      .post('/api/v1/reports')
      .set('Authorization', `Bearer ${token}`)
      .send({
        table: 'staff_basic',
        field: 'political_status',
        record_key: { staff_no: STAFF.staff_no },
        description: '应为中共党员',
        observed_value: '群众',
        suggested_value: '中共党员',
      })
      .expect(201);
    const mine = await request(world.app)
      .get(`/api/v1/reports/${res.body.id}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(mine.body).toMatchObject({ observed_value: '群众', hub: { found: true, value: null, matches: true } });
    const listed = await request(world.app).get('/api/v1/reports/mine').set('Authorization', `Bearer ${token}`).expect(200);
    expect(listed.body.items[0].hub).toEqual({ found: true, value: null, matches: true });
    const page = await (await as(world.people.reporter2)).agent.get(`/reports/${res.body.id}`).expect(200);
    expect(page.text).toContain('提交时中台中的值与您看到的一致');
    // The field's department (ORG) answers it: the hub's value and what the reporter saw.
    const answer = await (await as(world.people.orgSteward)).agent.get(`/reports/tickets/${res.body.ticket_id}`).expect(200);
    expect(answer.text).toContain('<code>群众</code>');
    expect(answer.text).toContain('报告人看到的值：群众');
    // The IT office may read the hub's value of any report.
    const officeToken = await issueApiToken(world.db, world.people.office.id);
    const office = await request(world.app)
      .get(`/api/v1/reports/${res.body.id}`)
      .set('Authorization', `Bearer ${officeToken}`)
      .expect(200);
    expect(office.body.hub).toEqual({ found: true, value: '群众', matches: true });
  });
});
