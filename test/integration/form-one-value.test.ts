import request from 'supertest';
import { translator } from '../../server/i18n';
import { issueApiToken } from '../../server/services/users';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';

/**
 * A form field that takes one text, sent twice (`answer=fixed&answer=not_error`) or in array or object syntax
 * (`answer[]=fixed`, `version[]=3`), is a 422 naming the field and saying it takes one value, and nothing is done:
 * it was read as one of the values (`String(['fixed'])` is `fixed`), or as none. Every form gets the check
 * (http/form-values.ts): url-encoded ones before any route, multipart ones as their route parses them.
 */

const zh = translator('zh-CN');
const en = translator('en');
const escaped = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
/** The error page's line for one field: its label, then the message. */
const problemLine = (t: typeof zh, label: string) =>
  `<li><strong>${escaped(label)}</strong>${escaped(t('errors.labelColon'))}${escaped(t('errors.formOneValue'))}</li>`;

const world = useReportsWorld({
  setup: async () => {
    await seedCatalogDepartments(world.db, exampleCatalog());
  },
});

describe('a report answer (multipart) with its answer sent twice or as a list', () => {
  let ticketId: number;
  beforeAll(async () => {
    const token = await issueApiToken(world.db, world.people.reporter.id);
    const res = await request(world.app).post('/api/v1/reports').set('Authorization', `Bearer ${token}`).send(reportBody());
    expect(res.status).toBe(201);
    ticketId = res.body.ticket_id;
  });

  async function answer(pairs: [string, string][]) {
    const s = await world.as('orgSteward');
    let req = s.agent.post(`/reports/tickets/${ticketId}/answer`).field('_csrf', s.csrf).set('Accept', 'text/html');
    for (const [k, v] of pairs) req = req.field(k, v);
    return req;
  }
  const state = async () => ({
    ticket: await world.db('tickets').where({ id: ticketId }).first('status', 'version'),
    answer: (await world.db('report_tickets').where({ ticket_id: ticketId }).first('answer')).answer,
    events: Number((await world.db('ticket_events').where({ ticket_id: ticketId }).count({ n: '*' }))[0].n),
  });

  it.each([
    ['answer[]=fixed', [['answer[]', 'fixed']]],
    [
      'answer=fixed&answer=not_error',
      [
        ['answer', 'fixed'],
        ['answer', 'not_error'],
      ],
    ],
    [
      'answer=fixed&answer=fixed',
      [
        ['answer', 'fixed'],
        ['answer', 'fixed'],
      ],
    ],
    ['answer[x]=fixed', [['answer[x]', 'fixed']]],
    [
      'comment twice',
      [
        ['answer', 'fixed'],
        ['comment', 'a'],
        ['comment', 'b'],
      ],
    ],
  ] as [string, [string, string][]][])('%s: 422 naming the field, nothing answered', async (_label, pairs) => {
    const before = await state();
    const res = await answer(pairs);
    expect(res.status).toBe(422);
    const field = pairs.some(([k]) => k === 'comment') ? 'comment' : 'answer';
    expect(res.text).toContain(problemLine(zh, zh(`errors.fieldLabels.${field}`)));
    expect(await state()).toEqual(before);
    expect(before).toMatchObject({ ticket: { status: 'open' }, answer: null });
  });

  it('takes the answer sent once', async () => {
    expect((await answer([['answer', 'fixed']])).status).toBe(302);
    expect((await state()).answer).toBe('fixed');
  });
});

describe('a ticket transition (url-encoded) with its version sent twice or as a list', () => {
  let ticket: { id: number; version: number };
  beforeAll(async () => {
    ticket = await buildTicket(world.db, exampleCatalog(), MONDAY);
  });
  const post = async (body: string, who: 'hrSteward' | 'office' = 'hrSteward') => {
    const s = await world.as(who);
    return s.agent
      .post(`/tickets/${ticket.id}/transition`)
      .type('form')
      .send(`${body}&_csrf=${encodeURIComponent(s.csrf)}`);
  };
  const now = () => world.db('tickets').where({ id: ticket.id }).first('status', 'version');

  it('version twice (the current one and another, or the current one twice): 422 naming 版本, not acknowledged', async () => {
    const before = await now();
    for (const versions of [
      [ticket.version, ticket.version + 7],
      [ticket.version, ticket.version],
    ]) {
      const res = await post(`to=acknowledged&${versions.map((v) => `version=${v}`).join('&')}`);
      expect(res.status).toBe(422);
      expect(res.text).toContain(problemLine(zh, '版本'));
    }
    expect(await now()).toEqual(before);
    expect(before.status).toBe('open');
  });

  it('version[]= and to[]= in English: 422 naming each, not acknowledged', async () => {
    const s = await world.as('office');
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
    const before = await now();
    const res = await post(`to[]=acknowledged&version[]=${ticket.version}`, 'office');
    expect(res.status).toBe(422);
    expect(res.text).toContain(problemLine(en, 'Version'));
    expect(res.text).toContain(problemLine(en, en('errors.fieldLabels.to')));
    expect(await now()).toEqual(before);
  });

  it('takes the version sent once', async () => {
    const res = await post(`to=acknowledged&version=${ticket.version}`);
    expect(res.status).toBe(302);
    expect((await now()).status).toBe('acknowledged');
  });
});

describe('the forms whose fields take more than one value still do', () => {
  it('tickets acknowledged at once by repeated checkboxes (ids=1&ids=2)', async () => {
    const ids = [
      (await buildTicket(world.db, exampleCatalog(), MONDAY, { field: 'name' })).id,
      (await buildTicket(world.db, exampleCatalog(), MONDAY, { field: 'id_card' })).id,
    ];
    const s = await world.as('hrSteward');
    const res = await s.agent
      .post('/tickets/acknowledge')
      .type('form')
      .send(`${ids.map((id) => `ids=${id}`).join('&')}&_csrf=${encodeURIComponent(s.csrf)}`);
    expect(res.status).toBe(302);
    expect(await world.db('tickets').whereIn('id', ids).pluck('status')).toEqual(['acknowledged', 'acknowledged']);
  });
});

describe("a department's robot address (url-encoded) sent twice", () => {
  const robot = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=';
  const stored = async () => (await world.db('departments').where({ code: 'HR' }).first('webhook_url')).webhook_url;

  it('is a 422 naming the field as the settings page labels it (Webhook 地址, not webhook_url), nothing saved', async () => {
    const s = await world.as('office');
    // The office's session may still be in English from a test above.
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    const before = await stored();
    const twice = (csrf: string) =>
      s.agent
        .post('/tickets/settings/webhook')
        .type('form')
        .send(
          `department=HR&webhook_url=${encodeURIComponent(`${robot}a`)}&webhook_url=${encodeURIComponent(`${robot}b`)}` +
            `&_csrf=${encodeURIComponent(csrf)}`,
        );
    const res = await twice(s.csrf);
    expect(res.status).toBe(422);
    expect(res.text).toContain(problemLine(zh, 'Webhook 地址'));
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' }).expect(302);
    const inEnglish = await twice(s.csrf);
    expect(inEnglish.status).toBe(422);
    expect(inEnglish.text).toContain(problemLine(en, 'Webhook URL'));
    expect(await stored()).toBe(before);
  });
});

describe('a JSON body sent to a page’s form route (a script with a session and its token)', () => {
  const robot = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=';
  const stored = async () => (await world.db('departments').where({ code: 'HR' }).first('webhook_url')).webhook_url;

  it('a list where the form takes one value is a 422 naming it, nothing saved (it was stored as "a,b")', async () => {
    const s = await world.as('office');
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'zh-CN', next: '/' }).expect(302);
    const before = await stored();
    const res = await s.agent
      .post('/tickets/settings/webhook')
      .set('Accept', 'text/html')
      .send({ _csrf: s.csrf, department: 'HR', webhook_url: [`${robot}a`, `${robot}b`] });
    expect(res.status).toBe(422);
    expect(res.text).toContain(problemLine(zh, 'Webhook 地址'));
    expect(await stored()).toBe(before);
  });

  it('one value each (numbers too) is taken as before', async () => {
    const s = await world.as('office');
    const res = await s.agent
      .post('/tickets/settings/webhook')
      .set('Accept', 'text/html')
      .send({ _csrf: s.csrf, department: 'HR', webhook_url: `${robot}json` });
    expect(res.status).toBe(302);
    expect(await stored()).toBe(`${robot}json`);
  });
});
