import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * `GET /api/v1/tickets` masks a closed report ticket's closing reason for readers outside its department, as the
 * ticket itself does (reports-privacy.test.ts proves the masking). A page lists up to 200 tickets: the values the
 * reasons are masked with are read for the whole page at once, not with one query a ticket.
 */
const world = useReportsWorld({ apiTokens: true });

/**
 * Each field's report, the reason the IT office closed its ticket with (it repeats the value suggested), and that
 * reason as the IT office (`masked`) and the department that fixes the record (`full`) read it. A phone number is
 * masked for everyone (tickets-privacy.test.ts); a name only outside the department.
 */
const CLOSED = [
  {
    field: 'name',
    suggested: '张叁',
    reason: '经核实，张叁为曾用名，以档案为准',
    masked: '经核实，张*为曾用名，以档案为准',
    full: '经核实，张叁为曾用名，以档案为准',
  },
  {
    field: 'mobile',
    suggested: '13912345678',
    reason: '13912345678 为家属号码，不予更改',
    masked: '139****5678 为家属号码，不予更改',
    full: '139****5678 为家属号码，不予更改',
  },
  {
    field: 'political_status',
    suggested: '中共党员',
    reason: '中共党员 以组织部档案为准',
    masked: '中共党员 以组织部档案为准',
    full: '中共党员 以组织部档案为准',
  },
  { field: 'email', suggested: 'zhang@example.edu.cn', reason: '重复报告', masked: '重复报告', full: '重复报告' },
];
const tickets: Record<string, number> = {};

beforeAll(async () => {
  for (const c of CLOSED) {
    const filed = await world
      .api('reporter')
      .post('/reports', reportBody({ field: c.field, description: `应为${c.suggested}`, suggested_value: c.suggested }))
      .expect(201);
    const id = Number(filed.body.ticket_id);
    tickets[c.field] = id;
    const { version } = (await world.api('office').get(`/tickets/${id}`).expect(200)).body;
    await world.api('office').post(`/tickets/${id}/transitions`, { to: 'closed', comment: c.reason, version }).expect(200);
  }
});

/** The statements one request sends to the database. */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const statements: string[] = [];
  const listen = (q: { sql: string }) => statements.push(q.sql);
  world.db.on('query', listen);
  try {
    return { value: await fn(), statements };
  } finally {
    world.db.removeListener('query', listen);
  }
}

type Listed = { id: number; closed_reason: string | null };
const reasonsOf = (items: Listed[]) => Object.fromEntries(items.map((t) => [t.id, t.closed_reason]));

describe('the API ticket list with closed report tickets', () => {
  it('reads their reports in the same number of queries for one ticket on the page as for four', async () => {
    const list = (perPage: number) => () =>
      world.api('office').get(`/tickets?status=closed&check=report&per_page=${perPage}`).expect(200);
    // Once before: the total and the catalog are cached from then on, for both pages alike.
    await list(200)();
    const one = await statementsOf(list(1));
    const all = await statementsOf(list(200));
    expect(one.value.body.items).toHaveLength(1);
    expect(all.value.body.items).toHaveLength(CLOSED.length);
    expect(all.statements.length).toBe(one.statements.length);
  });

  it('masks each reason for the IT office as the ticket does, and gives it in full to the department', async () => {
    const listed = reasonsOf(
      (await world.api('office').get('/tickets?status=closed&check=report&per_page=200').expect(200)).body.items,
    );
    for (const c of CLOSED) {
      const id = tickets[c.field];
      expect({ field: c.field, listed: listed[id] }).toEqual({ field: c.field, listed: c.masked });
      const detail = (await world.api('office').get(`/tickets/${id}`).expect(200)).body.closed_reason;
      expect({ field: c.field, detail }).toEqual({ field: c.field, detail: c.masked });
    }
    const hr = reasonsOf(
      (await world.api('hrSteward').get('/tickets?status=closed&check=report&per_page=200').expect(200)).body.items,
    );
    for (const c of CLOSED.filter((x) => x.field !== 'political_status'))
      expect({ field: c.field, listed: hr[tickets[c.field]] }).toEqual({ field: c.field, listed: c.full });
    const org = reasonsOf(
      (await world.api('orgSteward').get('/tickets?status=closed&check=report&per_page=200').expect(200)).body.items,
    );
    expect(org[tickets.political_status]).toBe('中共党员 以组织部档案为准');
  });
});
