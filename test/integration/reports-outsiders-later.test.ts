import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from '../../server/db/migrate';
import { importCatalog } from '../../server/services/catalog/repository';
import { PNG, reportBody, ReportsWorld, useReportsWorld } from '../factories/reports';

/**
 * What readers outside the reporter see of a report once things have moved on: a withdrawn report's file after its
 * ticket went to another department, a hub value kept in full before its field was marked sensitive, and a leader
 * overseeing a conditional table's report ticket (the hub's value is the IT office's and the owning departments').
 */
const world = useReportsWorld({ apiTokens: true });
const EXAMPLE = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

async function postForm(who: keyof ReportsWorld, fields: Record<string, string>, file?: [Buffer, string]) {
  const s = await world.as(who);
  let req = s.agent.post('/reports').field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('attachment', file[0], file[1]);
  return req;
}

it('a withdrawn report’s attachment is not served to the department its ticket was reassigned to afterwards', async () => {
  // 报告人甲 sends a report with a file (a scan of a personal document, say); 报告人乙 reports the same record.
  const sent = await postForm(
    'reporter',
    {
      table: 'staff_basic',
      field: 'political_status',
      'record_key[staff_no]': '20190001',
      description: '应为中共党员',
      suggested_value: '中共党员',
      action: 'submit',
    },
    [PNG, '证明.png'],
  );
  expect(sent.status).toBe(302);
  const mine = await world.db('reports').where({ reporter_id: world.people.reporter.id }).orderBy('id', 'desc').first();
  expect(mine.attachment_id).not.toBeNull();
  await world.api('reporter2').post('/reports', reportBody()).expect(201);

  // 报告人甲 withdraws: the report leaves the ticket, which stays for 报告人乙.
  const r = await world.as('reporter');
  await r.agent.post(`/reports/${mine.id}/withdraw`).type('form').send({ _csrf: r.csrf }).expect(303);
  expect((await world.db('reports').where({ id: mine.id }).first('status')).status).toBe('withdrawn');

  // The IT office hands the ticket to HR, which never had the withdrawn report.
  const ticket = await world.db('tickets').where({ id: mine.ticket_id }).first('id', 'version', 'status');
  const office = await world.as('office');
  await office.agent
    .post(`/tickets/${ticket.id}/reassign`)
    .type('form')
    .send({ _csrf: office.csrf, department: 'HR', reason: '由人事处核实', version: ticket.version })
    .expect(302);

  // HR's answer page lists only the report left on the ticket…
  const hr = await world.as('hrSteward');
  const answerPage = (await hr.agent.get(`/reports/tickets/${ticket.id}`).expect(200)).text;
  expect(answerPage).not.toContain(`/reports/${mine.id}/attachment`);
  // …nor is the withdrawn report's file served to HR by its (sequential) id (it was: 200 and the file); its reporter
  // and the IT office still read it.
  const res = await hr.agent.get(`/reports/${mine.id}/attachment`);
  expect(res.status).toBe(404);
  await r.agent.get(`/reports/${mine.id}/attachment`).expect(200);
  await office.agent.get(`/reports/${mine.id}/attachment`).expect(200);
});

it('a hub value kept unmasked (field not sensitive at filing) stays masked for the IT office once the catalog marks the field sensitive', async () => {
  // 姓名 is personal data but not `sensitive` in the example catalog: the report keeps the hub's value as it was.
  const filed = (
    await world
      .api('reporter')
      .post(
        '/reports',
        reportBody({ field: 'name', observed_value: '张三', description: '姓名应为张叁', suggested_value: '张叁' }),
      )
      .expect(201)
  ).body as { id: number };
  expect((await world.db('reports').where({ id: filed.id }).first('hub_value')).hub_value).toBe('张三');
  const before = (await world.api('office').get(`/reports/${filed.id}`).expect(200)).body as { hub: { value: string } };
  expect(before.hub.value).not.toBe('张三'); // masked (张*) for the IT office, as the README says

  // A privacy review marks 姓名 sensitive in the catalog.
  const yaml = fs
    .readFileSync(EXAMPLE, 'utf8')
    .replace(
      '{ name: name,       title: 姓名,     required: true,',
      '{ name: name,       title: 姓名,     required: true, sensitive: true,',
    );
  const imported = await importCatalog(world.db, yaml);
  expect(imported.ok).toBe(true);

  // The IT office still reads it masked, on the API and on the ticket's answer page (it read the name in full:
  // a sensitive field's kept value was shown as stored, taken to be masked at filing).
  const after = (await world.api('office').get(`/reports/${filed.id}`).expect(200)).body as { hub: { value: string } };
  const ticketId = (await world.db('reports').where({ id: filed.id }).first('ticket_id')).ticket_id;
  const page = (await (await world.as('office')).agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
  expect({ api: after.hub.value, answerPage: page.includes('<code>张三</code>') }).toEqual({
    api: before.hub.value,
    answerPage: false,
  });
});

it('a university leader does not read a conditional table’s hub value on the answer page (the look-up refuses it them): whether it matched what the reporter saw', async () => {
  const { buildUser } = await import('../factories');
  const { signIn } = await import('../helpers/app');
  const leader = await buildUser(world.db, { name: '校领导', department: 'ITC', roles: ['univ_leader'] });
  const filed = (
    await world
      .api('reporter2')
      .post('/reports', reportBody({ field: 'political_status', observed_value: '群众' }))
      .expect(201)
  ).body as {
    id: number;
    ticket_id: number;
  };
  const hub = (await world.db('reports').where({ id: filed.id }).first('hub_value')).hub_value as string;
  expect(hub).toBe('群众');
  const s = await signIn(world.app, leader.login, leader.password);
  const page = (await s.agent.get(`/reports/tickets/${filed.ticket_id}`).expect(200)).text;
  expect(page).not.toContain(`<code>${hub}</code>`);
  expect(page).toContain('提交时中台中的值与报告人看到的一致');
});

it('the migration marks the values reports kept before it: one holding an asterisk as stored masked, any other not', async () => {
  const ids = (await world.db('reports').whereNotNull('hub_value').orderBy('id').select('id')).map((r) => r.id as number);
  expect(ids.length).toBeGreaterThanOrEqual(2);
  // As a report on a sensitive field kept it (a mobile number masked by the look-up's rule), and one kept in full.
  await world.db('reports').where({ id: ids[0] }).update({ hub_value: '120****7932' });
  await world.db('reports').where({ id: ids[1] }).update({ hub_value: '张三' });
  await world.db.raw('ALTER TABLE reports DROP COLUMN hub_value_masked');
  await world.db('knex_migrations').where({ name: '20261213000000_report_hub_value_masked' }).delete();
  expect(await migrateToLatest(world.db)).toEqual(['20261213000000_report_hub_value_masked']);
  const flags = await world.db('reports').whereIn('id', ids.slice(0, 2)).orderBy('id').select('hub_value', 'hub_value_masked');
  expect(flags).toEqual([
    { hub_value: '120****7932', hub_value_masked: true },
    { hub_value: '张三', hub_value_masked: false },
  ]);
});
