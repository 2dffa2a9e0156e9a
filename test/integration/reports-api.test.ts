import { MONDAY, reportBody, ReportsWorld, STAFF, useReportsWorld } from '../factories/reports';

/** The public API of error reports: routing, merging, bad input, isolation, the hourly limit. */

const world = useReportsWorld({ apiTokens: true });

const api = (who: keyof ReportsWorld) => world.api(who);
const count = async (table: string) => Number((await world.db(table).count({ n: '*' }).first())?.n);

describe('routing', () => {
  it("files a `report` ticket for the field's department (ORG), not the table's (HR), with the usual due date", async () => {
    const res = await api('reporter').post('/reports', reportBody()).expect(201);
    expect(res.body).toEqual({ id: expect.any(Number), ticket_id: expect.any(Number) });
    const ticket = await api('orgSteward').get(`/tickets/${res.body.ticket_id}`).expect(200);
    expect(ticket.body).toMatchObject({
      check: 'report',
      department: 'ORG',
      table: 'staff_basic',
      field: 'political_status',
      record_key: { staff_no: '20190001' },
      status: 'open',
      severity: 'medium',
      message: '教职工基本信息·政治面貌：数据使用者报告记录（职工号 20190001）有误',
      message_en: '教职工基本信息·政治面貌: a data user reported the record (职工号 20190001) as wrong',
      // Medium severity: 5 working days from Monday 2026-03-02 is Monday 2026-03-09.
      due_at: '2026-03-09',
      occurrences: 1,
    });
    // The reporter's description is in the ticket's history, which the steward's ticket page shows.
    expect(ticket.body.history).toEqual([
      expect.objectContaining({ kind: 'reported', actor_name: '报告人甲', comment: reportBody().description, to_status: 'open' }),
    ]);
    // In the ORG steward's queue with check `report`; HR (the table's owner) neither lists nor opens it.
    const orgQueue = await api('orgSteward').get('/tickets?check=report').expect(200);
    expect(orgQueue.body.items.map((x: { id: number }) => x.id)).toEqual([res.body.ticket_id]);
    const hrQueue = await api('hrSteward').get('/tickets?check=report').expect(200);
    expect(hrQueue.body.items).toEqual([]);
    await api('hrSteward').get(`/tickets/${res.body.ticket_id}`).expect(404);
    // The ORG steward's inbox has the new ticket, linking to the answer page.
    const inbox = await world
      .db('notifications')
      .where({ user_id: world.people.orgSteward.id, kind: 'report.new' })
      .select('link');
    expect(inbox).toEqual([{ link: `/reports/tickets/${res.body.ticket_id}` }]);
  });

  it('joins a second report on the same record and field to the active ticket; another field gets its own', async () => {
    const first = await api('reporter').get('/reports/mine').expect(200);
    const ticketId = first.body.items[0].ticket_id;
    const again = await api('reporter2')
      .post('/reports', reportBody({ description: '档案显示为中共党员' }))
      .expect(201);
    expect(again.body.ticket_id).toBe(ticketId);
    const ticket = await api('orgSteward').get(`/tickets/${ticketId}`).expect(200);
    expect(ticket.body.occurrences).toBe(2);
    expect(
      ticket.body.history
        .filter((e: { kind: string }) => e.kind === 'reported')
        .map((e: { actor_name: string; comment: string }) => [e.actor_name, e.comment]),
    ).toEqual([
      ['报告人甲', reportBody().description],
      ['报告人乙', '档案显示为中共党员'],
    ]);
    const mine = await api('reporter2').get('/reports/mine').expect(200);
    expect(mine.body.items[0]).toMatchObject({ ticket_id: ticketId, reporters: 2, status: 'open' });
    // name is HR's field: a separate ticket for HR.
    const name = await api('reporter2')
      .post('/reports', reportBody({ field: 'name', description: '姓名错别字' }))
      .expect(201);
    expect(name.body.ticket_id).not.toBe(ticketId);
    expect((await world.db('tickets').where({ id: name.body.ticket_id }).first()).department_code).toBe('HR');
  });

  it("reads table and field names ignoring case, as the rest of the product does, and keeps the catalog's spelling", async () => {
    const first = await api('reporter2').get('/reports/mine').expect(200);
    const ticketId = first.body.items.find((r: { field: string }) => r.field === 'political_status').ticket_id;
    const shouted = await api('reporter2')
      .post('/reports', reportBody({ table: 'STAFF_BASIC', field: 'Political_Status', description: '大写的表名' }))
      .expect(201);
    expect(shouted.body.ticket_id).toBe(ticketId);
    expect(await world.db('reports').where({ id: shouted.body.id }).first('table_name', 'field_name')).toEqual({
      table_name: 'staff_basic',
      field_name: 'political_status',
    });
  });
});

describe('bad input is refused with the field named, and nothing is written', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['unknown table', { table: 'staff' }, 'table', '数据目录中没有数据表“staff”'],
    ['unknown field', { field: 'party' }, 'field', '数据表“教职工基本信息”中没有字段“party”'],
    ['key column missing', { record_key: {} }, 'record_key', '缺少主键列 staff_no（本表主键为 staff_no）'],
    // A misspelt key names what was sent as well as what is missing: it said only 缺少主键列 staff_no.
    [
      'key column misspelt',
      { record_key: { staffNo: '20190001' } },
      'record_key',
      'staffNo 不是本表的主键列；缺少主键列 staff_no（本表主键为 staff_no）',
    ],
    [
      'extra key column',
      { record_key: { staff_no: '20190001', name: '张三' } },
      'record_key',
      'name 不是本表的主键列（本表主键为 staff_no）',
    ],
    ['empty description', { description: '  ' }, 'description', '请说明哪里有误'],
  ];
  it.each(cases)('%s → 422', async (_name, over, field, message) => {
    const [reports, tickets] = [await count('reports'), await count('tickets')];
    const res = await api('reporter').post('/reports', reportBody(over)).expect(422);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.fields[field]).toBe(message);
    expect([await count('reports'), await count('tickets')]).toEqual([reports, tickets]);
  });

  it('names a misspelt key column and the one missing in English too', async () => {
    const res = await api('reporter')
      .post('/reports', reportBody({ record_key: { staffNo: '20190001' } }))
      .set('Accept-Language', 'en')
      .expect(422);
    expect(res.body.fields.record_key).toBe(
      "staffNo is not a key column; key column staff_no missing (the table's key is staff_no)",
    );
  });

  it('takes texts only as JSON strings: a number, list or object is named with its field, all at once, in English too', async () => {
    const [reports, tickets] = [await count('reports'), await count('tickets')];
    // A number was taken as text ("5"); a list or object read as missing ("请说明哪里有误").
    const res = await api('reporter')
      .post('/reports', reportBody({ description: 5, suggested_value: 12, observed_value: true }))
      .expect(422);
    expect(res.body.fields).toEqual({
      description: 'description 应为字符串',
      suggested_value: 'suggested_value 应为字符串',
      observed_value: 'observed_value 应为字符串',
    });
    // A key as a number would lose its leading zeros (职工号 00123); a table or field as a list is no name.
    const en = await api('reporter')
      .post('/reports', reportBody({ record_key: { staff_no: 20190001 }, description: ['wrong'] }))
      .set('Accept-Language', 'en')
      .expect(422);
    expect(en.body.fields).toEqual({
      'record_key.staff_no': 'record_key.staff_no must be a string',
      description: 'description must be a string',
    });
    const names = await api('reporter')
      .post('/reports', reportBody({ table: ['staff_basic'] }))
      .expect(422);
    expect(names.body.fields).toEqual({ table: 'table 应为字符串' });
    const field = await api('reporter')
      .post('/reports', reportBody({ field: { name: 'political_status' } }))
      .expect(422);
    expect(field.body.fields).toEqual({ field: 'field 应为字符串' });
    expect([await count('reports'), await count('tickets')]).toEqual([reports, tickets]);
  });
});

describe('a reporter sees only their own reports', () => {
  it('lists only mine and answers 404 for anyone else’s report, page and API', async () => {
    const mine = await api('reporter').get('/reports/mine').expect(200);
    expect(mine.body.items).toHaveLength(1);
    const theirs = (await api('reporter2').get('/reports/mine').expect(200)).body.items;
    expect(theirs.length).toBe(3); // filed above: political_status, name, political_status spelled in capitals
    for (const r of theirs) {
      await api('reporter').get(`/reports/${r.id}`).expect(404);
      expect((await api('reporter2').get(`/reports/${r.id}`).expect(200)).body.id).toBe(r.id);
    }
    // The IT office may open any report.
    await api('office').get(`/reports/${theirs[0].id}`).expect(200);
    // Named as everywhere else (#8), in the caller's language.
    const missing = await api('reporter').get(`/reports/${theirs[0].id}`).set('Accept-Language', 'en').expect(404);
    expect(missing.body.message).toBe(`Report #${theirs[0].id} does not exist`);
    expect((await api('reporter').get('/reports/abc').expect(404)).body.message).toBe('报告 #abc 不存在');
  });
});

describe('hourly limit per user, counted in the database', () => {
  it('refuses the 21st report within an hour, and accepts one once the oldest is over an hour old', async () => {
    const u = world.people.hrSteward;
    const at = new Date('2026-03-03T02:00:00Z');
    await world.db('reports').insert(
      Array.from({ length: 20 }, (_, i) => ({
        reporter_id: u.id,
        status: 'rejected',
        table_name: 'staff_basic',
        field_name: 'name',
        record_key: JSON.stringify({ staff_no: STAFF.staff_no }),
        department_code: 'HR',
        description: `#${i}`,
        created_at: new Date(at.getTime() - 59 * 60_000 + i * 1000),
      })),
    );
    world.ctx.now = () => at;
    const refused = await api('hrSteward').post('/reports', reportBody()).expect(429);
    expect(refused.body.error).toBe('rate_limited');
    // The oldest of the 20 is an hour old at 10:01 (Shanghai): the message says the limit and when, Retry-After too, and
    // the RateLimit headers name the account's policy with none left beside the address's (which has some).
    expect(refused.body.message).toBe('提交过于频繁：每人每小时最多提交 20 份报告，下一份可于 2026-03-03 10:01 后提交');
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers.ratelimit).toMatch(/"100-in-1hr"; r=\d+.*, "20-per-account-in-1hr"; r=0; t=60$/);
    expect(refused.headers['ratelimit-policy']).toMatch(/, "20-per-account-in-1hr"; q=20; w=3600$/);
    const en = await api('hrSteward').post('/reports', reportBody()).set('Accept-Language', 'en').expect(429);
    expect(en.body.message).toBe(
      'Too many reports: at most 20 per person per hour; the next one can be sent after 2026-03-03 10:01',
    );
    // Half a minute later: 30 seconds to wait, the time still 10:01.
    world.ctx.now = () => new Date(at.getTime() + 30_000);
    const later = await api('hrSteward').post('/reports', reportBody()).expect(429);
    expect([later.headers['retry-after'], later.body.message.slice(-20)]).toEqual(['30', '2026-03-03 10:01 后提交']);
    world.ctx.now = () => new Date(at.getTime() + 2 * 60_000);
    await api('hrSteward').post('/reports', reportBody()).expect(201);
    world.ctx.now = () => MONDAY;
  });
});

describe('per-address limit of the API', () => {
  /** What the address has left this hour, from the RateLimit header (draft 8: `"100-in-1hr"; r=97; t=…`). */
  const remaining = (res: { headers: Record<string, string> }) => Number(/;\s*r=(\d+)/.exec(res.headers.ratelimit ?? '')?.[1]);

  it('says on every answer what the address has left: a refused request or a replayed retry is not shown as counted', async () => {
    const keyed = () =>
      world
        .api('reporter2')
        .post('/reports', reportBody({ field: 'name' }))
        .set('Idempotency-Key', 'left-after-each');
    const left = remaining(await keyed().expect(201));
    // Each of these leaves what the report filed left (they used to say one fewer, which the next report filed said
    // again): a refused body, a malformed Idempotency-Key, the replay of the report, the account's own limit.
    const refusedBody = await api('reporter2')
      .post('/reports', reportBody({ table: 'no_such_table' }))
      .expect(422);
    const refusedKey = await api('reporter2').post('/reports', reportBody()).set('Idempotency-Key', 'a b').expect(422);
    const replay = await keyed().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const u = world.people.orgSteward;
    await world.db('reports').insert(
      Array.from({ length: 20 }, (_, i) => ({
        reporter_id: u.id,
        status: 'rejected',
        table_name: 'staff_basic',
        field_name: 'name',
        record_key: JSON.stringify({ staff_no: STAFF.staff_no }),
        department_code: 'HR',
        description: `#${i}`,
        created_at: new Date(MONDAY.getTime() - 30 * 60_000 + i * 1000),
      })),
    );
    const accountLimit = await api('orgSteward').post('/reports', reportBody()).expect(429);
    expect(accountLimit.headers.ratelimit).toMatch(/^"100-in-1hr"; r=\d+; t=\d+, "20-per-account-in-1hr"; r=0; t=\d+$/);
    expect([refusedBody, refusedKey, replay, accountLimit].map(remaining)).toEqual([left, left, left, left]);
    // The next report filed is the one that counts.
    expect(
      remaining(
        await api('reporter2')
          .post('/reports', reportBody({ field: 'gender' }))
          .expect(201),
      ),
    ).toBe(left - 1);
  });

  it('counts the reports filed, not refused bodies or retries, and answers 429 after 100 in an hour', async () => {
    const start = remaining(await api('reporter2').post('/reports', reportBody()).expect(201));
    // Refused bodies and a replayed retry made no report: they leave the address's allowance as it was.
    for (let i = 0; i < 30; i++)
      await api('reporter2')
        .post('/reports', reportBody({ table: 'no_such_table' }))
        .expect(422);
    const keyed = () =>
      world
        .api('reporter2')
        .post('/reports', reportBody({ field: 'name' }))
        .set('Idempotency-Key', 'per-address-1');
    const filed = await keyed().expect(201);
    expect(remaining(filed)).toBe(start - 1);
    const replay = await keyed().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    await api('reporter2')
      .post('/reports', reportBody({ table: 'no_such_table' }))
      .expect(422);
    expect(
      remaining(
        await api('reporter2')
          .post('/reports', reportBody({ field: 'gender' }))
          .expect(201),
      ),
    ).toBe(start - 2);

    // Filed reports count, whoever files them: the rest of the 100, across the hours of the per-user limit (20 an hour,
    // counted by the app's clock, which moves on; the address's hour is the database's and does not).
    let now = MONDAY.getTime();
    let status = 201;
    for (let i = 0; i < start - 2 && status === 201; i++) {
      if (i % 19 === 0) now += 61 * 60_000;
      world.ctx.now = () => new Date(now);
      status = (await api('reporter2').post('/reports', reportBody({ description: `第 ${i} 次` }))).status;
    }
    expect(status).toBe(201);
    const res = await api('office').post('/reports', reportBody()).expect(429);
    expect(res.body.error).toBe('rate_limited');
    expect(res.headers.ratelimit).toMatch(/^"100-in-1hr"; r=0; t=\d+$/);
    expect(res.headers['ratelimit-policy']).toMatch(/^"100-in-1hr"; q=100; w=3600; pk=:.+:$/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    world.ctx.now = () => MONDAY;
  });
});
