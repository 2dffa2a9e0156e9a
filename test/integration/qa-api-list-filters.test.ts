import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { reportBody, useReportsWorld } from '../factories/reports';
import { buildTicket, exampleCatalog } from '../factories/tickets';

/**
 * The API lists' `table` and `department` filters. Names ignore case everywhere else in the product (a report's
 * `table`, `hubwatch check run --table`), and `hubwatch tickets list --department` says an unknown code is a typo,
 * not a department without tickets (exit 2). Over the API `table=STAFF_BASIC` and `department=hr` answered an empty
 * list, `department=NOPE` an empty list as if the department had no tickets, and a steward asking for their own
 * department in lower case was refused (403).
 */
const tokens: Record<string, string> = {};
const T0 = new Date('2026-09-30T02:00:00Z');

const world = useReportsWorld({
  // The real clock, not the reports tests' Monday.
  now: () => new Date(),
  setup: async () => {
    const catalog = exampleCatalog();
    await buildTicket(world.db, catalog, T0, { field: 'staff_no' });
    await buildTicket(world.db, catalog, T0, { field: 'name', check: 'required' });
    await buildTicket(world.db, catalog, T0, {
      check: 'freshness',
      field: null,
      table: 'library_loan',
      department: 'LIB',
      severity: 'low',
    });
    for (const [who, person] of Object.entries(world.people)) tokens[who] = await issueApiToken(world.db, person.id);
    const filed = await request(world.app)
      .post('/api/v1/reports')
      .set('Authorization', `Bearer ${tokens.reporter}`)
      .send(reportBody());
    expect(filed.status).toBe(201);
  },
  timeout: 60_000,
});

const get = (who: string, path: string, language?: string) => {
  const req = request(world.app).get(path).set('Authorization', `Bearer ${tokens[who]}`);
  return language ? req.set('Accept-Language', language) : req;
};

describe('GET /api/v1/tickets', () => {
  it('takes a table name in any case, as the catalog spells it', async () => {
    const exact = await get('office', '/api/v1/tickets?table=staff_basic');
    expect(exact.body.total).toBeGreaterThanOrEqual(2);
    const upper = await get('office', '/api/v1/tickets?table=STAFF_BASIC');
    expect(upper.status).toBe(200);
    expect(upper.body.items.map((i: { id: number }) => i.id)).toEqual(exact.body.items.map((i: { id: number }) => i.id));
  });

  it('takes a department code in any case; a steward asking for their own in lower case gets it', async () => {
    const exact = await get('office', '/api/v1/tickets?department=HR');
    expect(exact.body.total).toBeGreaterThanOrEqual(2);
    const lower = await get('office', '/api/v1/tickets?department=hr');
    expect(lower.body.total).toBe(exact.body.total);
    const own = await get('hrSteward', '/api/v1/tickets?department=hr');
    expect(own.status).toBe(200);
    expect(own.body.total).toBe(exact.body.total);
    // Another department is still refused to a steward.
    expect((await get('hrSteward', '/api/v1/tickets?department=lib')).status).toBe(403);
  });

  it('an unknown department is a 422 naming it, in both languages, not an empty list', async () => {
    const zh = await get('office', '/api/v1/tickets?department=NOPE');
    expect({ status: zh.status, body: zh.body }).toEqual({
      status: 422,
      body: { error: 'validation_failed', message: expect.any(String), fields: { department: '未知的单位代码：NOPE' } },
    });
    const en = await get('office', '/api/v1/tickets?department=NOPE', 'en');
    expect(en.body.fields).toEqual({ department: 'Unknown department code: NOPE' });
  });

  it('an unknown check is a 422 naming it and the checks, in both languages, not an empty list', async () => {
    // `validity` is the scorecard's word for the `validate` check: it answered 200 with no ticket, as if none failed.
    const zh = await get('office', '/api/v1/tickets?check=validity');
    expect({ status: zh.status, body: zh.body }).toEqual({
      status: 422,
      body: {
        error: 'validation_failed',
        message: expect.any(String),
        fields: {
          check:
            '未知的检查：validity（可选 freshness、deadline、required、pattern、validate、codes、unique、references、report、rule:<name>）',
        },
      },
    });
    const en = await get('office', '/api/v1/tickets?check=Required&department=NOPE', 'en');
    expect(en.body.fields).toEqual({
      check:
        'Unknown check: Required (freshness, deadline, required, pattern, validate, codes, unique, references, report, rule:<name>)',
      department: 'Unknown department code: NOPE',
    });
    // A check, a report ticket or a custom rule (even one the catalog no longer has: its old tickets) still filters.
    const required = await get('office', '/api/v1/tickets?check=required');
    expect(required.body.items.map((i: { check: string }) => i.check)).toEqual(['required']);
    expect((await get('office', '/api/v1/tickets?check=freshness')).body.total).toBe(1);
    expect((await get('office', '/api/v1/tickets?check=report')).status).toBe(200);
    expect((await get('office', '/api/v1/tickets?check=rule:retired_rule')).body).toMatchObject({ items: [], total: 0 });
  });

  it('a table no longer in the catalog is still the filter applied, as typed', async () => {
    const res = await get('office', '/api/v1/tickets?table=retired_table');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(0);
  });
});

describe('GET /api/v1/reports/mine', () => {
  it('takes a table name in any case', async () => {
    const exact = await get('reporter', '/api/v1/reports/mine?table=staff_basic');
    expect(exact.body.total).toBe(1);
    const upper = await get('reporter', '/api/v1/reports/mine?table=Staff_Basic');
    expect(upper.body.total).toBe(1);
  });
});
