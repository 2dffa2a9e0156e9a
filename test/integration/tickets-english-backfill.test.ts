import type { Knex } from 'knex';
import request from 'supertest';
import { importCatalog, loadCurrentCatalog } from '../../server/services/catalog/repository';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { reportMessage, shownKey } from '../../server/services/reports/describe';
import { describeProblem, fingerprintOf, TicketRow } from '../../server/services/tickets';
import { describeOlderTicketsInEnglish } from '../../server/services/tickets/english-backfill';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { createTestApp, TestApp } from '../helpers/app';
import { runCli, startCliDatabase, CliDatabase } from '../helpers/cli';

/**
 * Tickets filed before `message_en` was kept (migration 20261203220000) have only the Chinese sentence.
 * The upgrade step gives them the English one a new ticket gets, from what is stored: a check ticket's
 * kind, table, field, violations and its latest failing result's details (a custom rule's message);
 * a report ticket's record key as the report flow masks it; the current catalog's titles.
 */
const TABLES = `
  - name: staff
    title: 教职工基本信息
    department: HR
    sharing: conditional
    key: [staff_no]
    updated_at: update_time
    freshness: 24h
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: email, title: 电子邮箱, validate: email }
      - { name: political_status, title: 政治面貌 }
  - name: cards
    title: 校园卡
    department: HR
    sharing: conditional
    key: [id_card]
    fields:
      - { name: id_card, title: 身份证号, sensitive: true }
      - { name: holder, title: 持卡人 }
`;
const LOANS = `
  - name: loans
    title: 借阅记录
    department: LIB
    sharing: universal
    key: [loan_id]
    fields:
      - { name: loan_id, title: 借阅号 }
      - { name: reader, title: 读者证号, required: true }
`;
const RULES = `
rules:
  - name: staff_political_missing
    table: staff
    conditions:
      all:
        - { fact: null_count, params: { field: political_status }, operator: greaterThan, value: 0 }
    event: { type: ticket, params: { severity: low, message: 有教职工未填写政治面貌 } }
`;
const HEAD = `
calendar: { timezone: Asia/Shanghai }
departments: [{ code: HR, name: 人事处 }, { code: LIB, name: 图书馆 }, { code: COL, name: 各学院 }]
tables:`;
/** The catalog the tickets were filed under, and the current one: the library's table has left it since. */
const FILED_UNDER = `${HEAD}${TABLES}${LOANS}${RULES}`;
const CURRENT = `${HEAD}${TABLES}${RULES}`;

// 10:00 in Shanghai on 1 March: the staff table's newest row; 28 hours later it is stale (24h).
const STAFF_UPDATED = new Date('2026-03-01T02:00:00Z');
const FIRST_RUN = new Date('2026-03-02T06:00:00Z');
// The second run: the staff table was updated at 13:00 on 2 March, so freshness passes and resolves its ticket.
const STAFF_UPDATED_AGAIN = new Date('2026-03-02T05:00:00Z');
const SECOND_RUN = new Date('2026-03-02T07:00:00Z');

const ID_CARD = '410102199001011234';

describe('the English sentence of tickets filed before it was kept', () => {
  let t: TestApp;
  let db: Knex;
  /** The sentences the flows wrote when the tickets were filed, by ticket id. */
  const written = new Map<number, string | null>();
  let tickets: Record<'freshness' | 'validate' | 'rule' | 'loans' | 'report', TicketRow>;

  const ticketOf = async (id: number): Promise<TicketRow> => (await db('tickets').where({ id }).first()) as TicketRow;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.db.knex;
    // The hub is the test database.
    await db.schema.createTable('staff', (b) => {
      b.string('staff_no');
      b.string('email');
      b.string('political_status');
      b.timestamp('update_time', { useTz: true });
    });
    await db('staff').insert([
      { staff_no: '20190001', email: 'a@example.edu.cn', political_status: '群众', update_time: STAFF_UPDATED },
      { staff_no: '20190002', email: 'not-an-email', political_status: null, update_time: STAFF_UPDATED },
    ]);
    await db.schema.createTable('cards', (b) => {
      b.string('id_card');
      b.string('holder');
    });
    await db('cards').insert({ id_card: ID_CARD, holder: '张三' });
    await db.schema.createTable('loans', (b) => {
      b.string('loan_id');
      b.string('reader');
    });
    await db('loans').insert({ loan_id: 'L1', reader: null });
    expect((await importCatalog(db, FILED_UNDER)).ok).toBe(true);

    // Filed by the check runs and the report flow of this version, then put back as an older version
    // left them: no English sentence.
    t.ctx.now = () => FIRST_RUN;
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });
    await db('staff').update({ update_time: STAFF_UPDATED_AGAIN });
    t.ctx.now = () => SECOND_RUN;
    await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' });

    const reporter = await buildUser(db, { department: 'COL', roles: ['user'] });
    const token = await issueApiToken(db, reporter.id);
    const res = await request(t.app)
      .post('/api/v1/reports')
      .set('Authorization', `Bearer ${token}`)
      .send({
        table: 'cards',
        field: 'holder',
        record_key: { id_card: ID_CARD },
        description: '持卡人姓名有误',
        suggested_value: '张叁',
      });
    expect(res.status).toBe(201);

    const all = (await db('tickets').orderBy('id')) as TicketRow[];
    const find = (kind: string, table: string) => all.find((x) => x.check_kind === kind && x.table_name === table)!;
    tickets = {
      freshness: find('freshness', 'staff'),
      validate: find('validate', 'staff'),
      rule: find('rule:staff_political_missing', 'staff'),
      loans: find('required', 'loans'),
      report: find('report', 'cards'),
    };
    expect(all).toHaveLength(5);
    expect(tickets.freshness.status).toBe('resolved');
    for (const ticket of all) written.set(Number(ticket.id), ticket.message_en);

    // The library's table leaves the catalog.
    expect((await importCatalog(db, CURRENT)).ok).toBe(true);
    await db('tickets').update({ message_en: null });
  });
  afterAll(() => t.close());

  it('writes what the check runs and the report flow write for new tickets, from what is stored', async () => {
    const before = (await db('tickets').orderBy('id')) as TicketRow[];
    expect(await describeOlderTicketsInEnglish(db)).toEqual({ described: 4, left: 1 });

    // Worked out by hand: the catalog's titles, the run's figures, the rule's own message, the masked key.
    expect((await ticketOf(tickets.freshness.id)).message_en).toBe(
      // The result of the run that filed it (10:00 on 1 March), not the passing one that resolved it (13:00 on 2 March).
      '教职工基本信息: not updated for more than 24 hours (last updated 2026-03-01 10:00)',
    );
    expect((await ticketOf(tickets.validate.id)).message_en).toBe(
      '教职工基本信息·电子邮箱: 1 row with an invalid e-mail address',
    );
    expect((await ticketOf(tickets.rule.id)).message_en).toBe('教职工基本信息: 有教职工未填写政治面貌');
    expect((await ticketOf(tickets.report.id)).message_en).toBe(
      '校园卡·持卡人: a data user reported the record (身份证号 410102********1234) as wrong',
    );
    // The same sentences the flows wrote when they filed the tickets.
    for (const kind of ['freshness', 'validate', 'rule', 'report'] as const)
      expect((await ticketOf(tickets[kind].id)).message_en).toBe(written.get(Number(tickets[kind].id)));
    // And what describeProblem and the report flow make of the same facts with the current catalog.
    const catalog = (await loadCurrentCatalog(db))!.catalog;
    expect((await ticketOf(tickets.validate.id)).message_en).toBe(
      describeProblem(
        {
          check: 'validate',
          department: 'HR',
          table: 'staff',
          field: 'email',
          passed: false,
          violations: 1,
          checkedRows: 2,
          sampleKeys: [],
          severity: 'medium',
        },
        catalog,
        'en',
      ),
    );
    expect((await ticketOf(tickets.report.id)).message_en).toBe(
      reportMessage(catalog, 'cards', 'holder', shownKey(catalog, 'cards', { id_card: ID_CARD }), 'en'),
    );

    // The library's table is gone from the catalog: no English sentence (the Chinese one is shown).
    expect(written.get(Number(tickets.loans.id))).toBe('借阅记录·读者证号: 1 row empty (required)');
    expect((await ticketOf(tickets.loans.id)).message_en).toBeNull();

    // Nothing else changed: not the Chinese sentence, the version (forms left open still go through), the time.
    const after = (await db('tickets').orderBy('id')) as TicketRow[];
    expect(after.map(({ message_en: _, ...rest }) => rest)).toEqual(before.map(({ message_en: _, ...rest }) => rest));

    // Run again: nothing to write, nothing changes.
    expect(await describeOlderTicketsInEnglish(db)).toEqual({ described: 0, left: 1 });
    expect(await db('tickets').orderBy('id')).toEqual(after);
  });

  it('leaves a sentence already written alone, and writes the rest in batches', async () => {
    await db('tickets').update({ message_en: null });
    await db('tickets').where({ id: tickets.validate.id }).update({ message_en: 'written by the last run' });
    // Batches of one: every ticket is its own statement.
    expect(await describeOlderTicketsInEnglish(db, { batchSize: 1 })).toEqual({ described: 3, left: 1 });
    expect((await ticketOf(tickets.validate.id)).message_en).toBe('written by the last run');
    expect((await ticketOf(tickets.rule.id)).message_en).toBe('教职工基本信息: 有教职工未填写政治面貌');
    expect((await ticketOf(tickets.report.id)).message_en).toBe(written.get(Number(tickets.report.id)));
    expect((await ticketOf(tickets.loans.id)).message_en).toBeNull();
  });

  it('describes a ticket again once its table is back in the catalog', async () => {
    expect((await importCatalog(db, FILED_UNDER)).ok).toBe(true);
    expect(await describeOlderTicketsInEnglish(db)).toEqual({ described: 1, left: 0 });
    expect((await ticketOf(tickets.loans.id)).message_en).toBe('借阅记录·读者证号: 1 row empty (required)');
  });
});

describe('hubwatch migrate on a database an older version left', () => {
  let cli: CliDatabase;
  beforeAll(async () => {
    cli = await startCliDatabase();
  });
  afterAll(() => cli.close());

  it('writes the English sentence of its tickets, once', async () => {
    expect((await runCli(['migrate'], cli.env)).code).toBe(0);
    const ticketId = await cli.withDb(async (db) => {
      expect((await importCatalog(db, CURRENT)).ok).toBe(true);
      // A failing e-mail check on 教职工基本信息·电子邮箱, its run and its ticket as the older version stored them.
      const at = new Date('2026-03-02T06:00:00Z');
      const [run] = await db('check_runs')
        .insert({ trigger: 'schedule', status: 'completed', instance_id: 'old', started_at: at, finished_at: at })
        .returning('id');
      await db('check_results').insert({
        run_id: run.id,
        checked_at: at,
        table_name: 'staff',
        field_name: 'email',
        check_kind: 'validate',
        department_code: 'HR',
        passed: false,
        violations: 3,
        checked_rows: 40,
        severity: 'medium',
        sample_keys: JSON.stringify([{ staff_no: '20190002' }]),
        details: null,
      });
      const [ticket] = await db('tickets')
        .insert({
          fingerprint: fingerprintOf({ check: 'validate', table: 'staff', field: 'email', department: 'HR' }),
          check_kind: 'validate',
          table_name: 'staff',
          field_name: 'email',
          fingerprint_department: 'HR',
          department_code: 'HR',
          severity: 'medium',
          message: '教职工基本信息·电子邮箱：3 条记录的电子邮箱地址无效',
          violations: 3,
          checked_rows: 40,
          sample_keys: JSON.stringify([{ staff_no: '20190002' }]),
          first_seen: at,
          last_seen: at,
          due_at: '2026-03-09',
          last_run_id: String(run.id),
        })
        .returning('id');
      return Number(ticket.id);
    });

    // Said in the command line's language (English here), its count agreeing (it said "1 older tickets").
    const first = await runCli(['migrate'], { ...cli.env, HUBWATCH_LOCALE: 'en' });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('wrote the English sentence of 1 older ticket\n');
    const row = await cli.withDb((db) => db('tickets').where({ id: ticketId }).first());
    expect(row.message_en).toBe('教职工基本信息·电子邮箱: 3 rows with an invalid e-mail address');

    const second = await runCli(['migrate'], cli.env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^数据库已是最新（\d+ 个迁移）\n$/);
    expect(await cli.withDb((db) => db('tickets').where({ id: ticketId }).first())).toEqual(row);
  });
});
