import { createHash } from 'node:crypto';
import { appendAudit, InvalidAuditEntryError, verifyAuditChain } from '../../server/services/audit';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

const ZEROS = '0'.repeat(64);

describe('appendAudit', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase('audit_append');
  });
  afterAll(() => db.close());
  beforeEach(() => db.knex('audit_log').del());

  it('writes the first row with prev_hash of zeros and the hash of its canonical JSON', async () => {
    const before = await db.knex.raw('select clock_timestamp() as t');
    const { seq, rowHash } = await appendAudit(db.knex, {
      actor: { id: 7, login: 'wangwu', roles: ['steward', 'user'], department: 'rsc' },
      action: 'ticket.transition',
      objectType: 'ticket',
      objectId: 42,
      summary: { before: { status: 'open' }, after: { status: 'resolved' } },
      ip: '10.1.2.3',
      requestId: 'req-1',
    });
    const row = await db.knex('audit_log').where({ seq }).first();
    expect(seq).toBe(1);
    expect(row.prev_hash).toBe(ZEROS);
    expect(row.object_id).toBe('42');
    expect(row.actor_roles).toEqual(['steward', 'user']);
    // The database clock, to the millisecond.
    expect(row.occurred_at.getTime()).toBeGreaterThanOrEqual(Math.floor(before.rows[0].t.getTime()));
    const stored = await db.knex.raw(`select occurred_at = date_trunc('milliseconds', occurred_at) as whole_ms from audit_log`);
    expect(stored.rows[0].whole_ms).toBe(true);

    // Worked by hand: sorted keys, the timestamp as an ISO string, prepended by prev_hash.
    const canonical =
      '{"action":"ticket.transition","actor_department":"rsc","actor_login":"wangwu","actor_roles":["steward","user"],' +
      '"actor_user_id":7,"ip":"10.1.2.3","object_id":"42","object_type":"ticket",' +
      `"occurred_at":"${row.occurred_at.toISOString()}","request_id":"req-1","seq":1,` +
      '"summary":{"after":{"status":"resolved"},"before":{"status":"open"}}}';
    const expected = createHash('sha256')
      .update(ZEROS + canonical)
      .digest('hex');
    expect(rowHash).toBe(expected);
    expect(row.row_hash).toBe(expected);
  });

  it('chains each row to the one before', async () => {
    const a = await appendAudit(db.knex, { action: 'auth.login', actor: { login: 'a' } });
    const b = await appendAudit(db.knex, { action: 'auth.logout', actor: { login: 'a' } });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    const second = await db.knex('audit_log').where({ seq: 2 }).first();
    expect(second.prev_hash).toBe(a.rowHash);
    expect(second.actor_user_id).toBeNull();
    expect(second.summary).toEqual({});
  });

  it('records a system action without an actor', async () => {
    await appendAudit(db.knex, { action: 'catalog.import', actor: null, summary: { tables: 3 } });
    const row = await db.knex('audit_log').first();
    expect(row).toMatchObject({ actor_user_id: null, actor_login: null, actor_roles: [], actor_department: null });
  });

  it('never stores ID numbers, phones or secrets in clear', async () => {
    await appendAudit(db.knex, {
      action: 'auth.login_failed',
      summary: {
        login: 'zhangsan',
        password: 'wrong-pass',
        applicant: { id_card: '410102199001011234', note: '电话 13812345678' },
      },
    });
    const row = await db.knex('audit_log').first();
    expect(row.summary).toEqual({
      login: 'zhangsan',
      password: '******',
      applicant: { id_card: '410102********1234', note: '电话 138****5678' },
    });
    expect((await verifyAuditChain(db.knex)).ok).toBe(true);
  });

  it('stores a summary the way jsonb returns it, so the hash recomputes', async () => {
    await appendAudit(db.knex, {
      action: 'catalog.import',
      summary: {
        z: 1,
        a: { y: [3, undefined, 1.5], x: new Date('2026-01-02T03:04:05.678Z') },
        skipped: undefined,
        text: 'a\u0000b',
      },
    });
    const row = await db.knex('audit_log').first();
    expect(row.summary).toEqual({ z: 1, a: { y: [3, null, 1.5], x: '2026-01-02T03:04:05.678Z' }, text: 'ab' });
    expect(await verifyAuditChain(db.knex)).toMatchObject({ ok: true, checked: 1 });
  });

  it('commits with the caller’s transaction', async () => {
    await db.knex.transaction(async (trx) => {
      await trx('departments').insert({ code: 'audit_t1', name: '测试部门' });
      await appendAudit(trx, { action: 'department.create', objectType: 'department', objectId: 'audit_t1' });
    });
    expect(await db.knex('audit_log').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await db.knex('departments').where({ code: 'audit_t1' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('leaves no row and no gap when the caller’s transaction rolls back', async () => {
    await appendAudit(db.knex, { action: 'auth.login' });
    await expect(
      db.knex.transaction(async (trx) => {
        await trx('departments').insert({ code: 'audit_t2', name: '回滚部门' });
        await appendAudit(trx, { action: 'department.create', objectType: 'department', objectId: 'audit_t2' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.knex('audit_log').pluck('seq')).toEqual([1]);
    expect(await db.knex('departments').where({ code: 'audit_t2' }).count({ n: '*' })).toEqual([{ n: 0 }]);

    const next = await appendAudit(db.knex, { action: 'auth.logout' });
    expect(next.seq).toBe(2);
    expect(await verifyAuditChain(db.knex)).toMatchObject({ ok: true, checked: 2 });
  });

  it('gives 20 parallel appends the seq 1..20 and a valid chain', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? appendAudit(db.knex, { action: 'auth.login', actor: { login: `user${i}` } })
          : db.knex.transaction((trx) => appendAudit(trx, { action: 'auth.login', actor: { login: `user${i}` } })),
      ),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verifyAuditChain(db.knex, { pageSize: 6 })).toMatchObject({ ok: true, checked: 20, head: { seq: 20 } });
    const times = (await db.knex('audit_log').orderBy('seq').pluck('occurred_at')) as Date[];
    // Timestamps are read under the lock, so they never go backwards along the chain.
    for (let i = 1; i < times.length; i++) expect(times[i].getTime()).toBeGreaterThanOrEqual(times[i - 1].getTime());
  });

  it('rejects a malformed entry, naming the field', async () => {
    await expect(appendAudit(db.knex, { action: 'Login' })).rejects.toThrow(InvalidAuditEntryError);
    await expect(appendAudit(db.knex, { action: 'login' })).rejects.toThrow(/'action'.*got "login"/);
    await expect(appendAudit(db.knex, { action: 'auth.login', actor: { login: 'x'.repeat(65) } })).rejects.toThrow(
      /'actor\.login' is longer than 64/,
    );
    expect(await db.knex('audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
