import type { Knex } from 'knex';
import { appendAudit, computeRowHash, listAudit, verifyAuditChain } from '../../server/services/audit';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

/** Ten rows: seq 1..10, alternating two objects and two actors. */
async function appendTen(knex: Knex): Promise<void> {
  for (let i = 1; i <= 10; i++) {
    await appendAudit(knex, {
      actor: { id: i % 2, login: i % 2 ? 'steward1' : 'itoffice', roles: ['steward'], department: 'rsc' },
      action: i % 3 === 0 ? 'sharing.decision' : 'ticket.transition',
      objectType: 'ticket',
      objectId: i % 2 ? 100 : 200,
      summary: { step: i },
    });
  }
}

describe('verifyAuditChain', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase('audit_verify');
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await db.knex('audit_log').del();
    await appendTen(db.knex);
  });

  it('passes on an intact chain, reading it page by page', async () => {
    const head = await db.knex('audit_log').where({ seq: 10 }).first();
    expect(await verifyAuditChain(db.knex, { pageSize: 3 })).toEqual({
      ok: true,
      checked: 10,
      head: { seq: 10, rowHash: head.row_hash },
    });
    expect(await verifyAuditChain(db.knex)).toMatchObject({ ok: true, checked: 10 });
  });

  it('passes on an empty log', async () => {
    await db.knex('audit_log').del();
    expect(await verifyAuditChain(db.knex)).toEqual({ ok: true, checked: 0 });
  });

  it('names a row whose summary was edited behind the service’s back', async () => {
    await db.knex.raw(`update audit_log set summary = '{"step": 99}' where seq = 4`);
    expect(await verifyAuditChain(db.knex, { pageSize: 3 })).toMatchObject({
      ok: false,
      checked: 4,
      firstBad: { seq: 4, problem: 'edited', detail: { key: 'cli.result.audit.contentEdited', params: { seq: 4 } } },
    });
  });

  it('names a row whose actor was edited', async () => {
    await db.knex('audit_log').where({ seq: 7 }).update({ actor_login: 'someone_else' });
    expect((await verifyAuditChain(db.knex)).firstBad).toMatchObject({ seq: 7, problem: 'edited' });
  });

  it('names the row after a deleted middle row', async () => {
    await db.knex('audit_log').where({ seq: 5 }).del();
    const result = await verifyAuditChain(db.knex, { pageSize: 4 });
    expect(result).toMatchObject({ ok: false, checked: 5, firstBad: { seq: 6, problem: 'deleted' } });
    expect(result.firstBad?.detail).toEqual({ key: 'cli.result.audit.missing', params: { missing: '5', count: 1, seq: 6 } });
  });

  it('names the first row left when the first rows were deleted', async () => {
    await db.knex('audit_log').where('seq', '<=', 3).del();
    expect((await verifyAuditChain(db.knex)).firstBad).toMatchObject({
      seq: 4,
      problem: 'deleted',
      detail: { key: 'cli.result.audit.missing', params: { missing: '1–3', count: 3, seq: 4 } },
    });
  });

  it('names the first of two rows whose seq were swapped', async () => {
    // Three steps because the primary key is checked row by row.
    await db.knex('audit_log').where({ seq: 6 }).update({ seq: 1000 });
    await db.knex('audit_log').where({ seq: 5 }).update({ seq: 6 });
    await db.knex('audit_log').where({ seq: 1000 }).update({ seq: 5 });
    expect((await verifyAuditChain(db.knex)).firstBad).toMatchObject({ seq: 5, problem: 'reordered' });
  });

  it('names a row that was edited and given a correctly recomputed hash', async () => {
    // Someone who knows the algorithm rewrites row 3 consistently; row 4 still points at the old hash.
    const row = await db.knex('audit_log').where({ seq: 3 }).first();
    const forged = { ...row, summary: { step: 'forged' } };
    await db
      .knex('audit_log')
      .where({ seq: 3 })
      .update({ summary: JSON.stringify(forged.summary), row_hash: computeRowHash(forged) });
    expect((await verifyAuditChain(db.knex)).firstBad).toMatchObject({ seq: 3, problem: 'edited' });
  });
});

describe('listAudit', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createMigratedTestDatabase('audit_list');
    await appendTen(db.knex);
  });
  afterAll(() => db.close());

  it('filters by object and pages newest first', async () => {
    // Ticket 100 is on the odd rows: 9, 7, 5, 3, 1.
    const first = await listAudit(db.knex, { objectType: 'ticket', objectId: 100, limit: 2, offset: 0 });
    expect(first.total).toBe(5);
    expect(first.items.map((r) => r.seq)).toEqual([9, 7]);
    const last = await listAudit(db.knex, { objectType: 'ticket', objectId: '100', limit: 2, offset: 4 });
    expect(last.items.map((r) => r.seq)).toEqual([1]);
    expect(last.items[0]).toMatchObject({
      action: 'ticket.transition',
      objectId: '100',
      actor: { id: 1, login: 'steward1', roles: ['steward'], department: 'rsc' },
      summary: { step: 1 },
      prevHash: '0'.repeat(64),
    });
  });

  it('filters by actor and action', async () => {
    // itoffice is on the even rows; sharing.decision on multiples of 3: only row 6 is both.
    const page = await listAudit(db.knex, { actorLogin: 'itoffice', action: 'sharing.decision', limit: 50, offset: 0 });
    expect(page).toMatchObject({ total: 1, items: [{ seq: 6 }] });
  });

  it('filters by time', async () => {
    const future = new Date(Date.now() + 24 * 3600 * 1000);
    expect((await listAudit(db.knex, { from: future, limit: 10, offset: 0 })).total).toBe(0);
    expect((await listAudit(db.knex, { to: future, limit: 10, offset: 0 })).total).toBe(10);
  });
});
