import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { openPostgres } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import { importCatalog } from '../../server/services/catalog/repository';
import { fingerprintOf, lockFingerprint } from '../../server/services/tickets';
import { ACTIVE_STATUSES } from '../../server/services/tickets/types';
import { buildUser } from '../factories';
import { waitFor } from '../helpers/process';
import { PrivateCluster, startPrivateCluster } from './cluster';
import { Instance } from './world';

/**
 * A `hubwatch serve` is killed (SIGKILL) after a scheduled run stored a table's results and while it
 * was handing them to the ticket service: one ticket filed, the next one not yet, no notice sent.
 * The re-run of the killed run does not check that table again (its results are stored), so the
 * stored results must reach the tickets by themselves: once the instance is started again next to a
 * second one, the missing ticket is filed — by the killed run, as if it had not been interrupted —
 * each ticket once, and the department gets one notice (inbox and e-mail) naming both.
 *
 * To stop the hand-off at that point, a test session holds the ticket service's lock of the second
 * failing check's fingerprint (each ticket change takes its fingerprint's lock first).
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: HR, name: 人事处, stewards: [hr-steward@example.edu.cn] }
tables:
  - name: staff
    title: 教职工
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号 }
      - { name: name, title: 姓名, required: true, severity: high }
      - { name: mobile, title: 手机号, validate: cn_mobile, severity: high }
  - name: units
    title: 单位
    department: HR
    sharing: universal
    key: [unit_code]
    fields:
      - { name: unit_code, title: 单位号, required: true }
`;

/** The decoded Subject of an .eml file (nodemailer writes non-ASCII subjects as encoded words). */
function subjectOf(file: string): string {
  const head = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n\r?\n/)[0]
    .replace(/\r?\n[ \t]+/g, ' ');
  const line = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
  return line.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

describe('an instance killed while handing stored results to the ticket service', () => {
  let cluster: PrivateCluster;
  let db: Knex;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    cluster.createDatabase('service');
    cluster.createDatabase('hub');
    const hub = openPostgres({ url: cluster.url('hub') });
    await hub.knex.raw('create table staff (staff_no text, name text, mobile text)');
    await hub.knex.raw(
      `insert into staff values ('S1', '甲', '13800138000'), ('S2', null, '13800138001'), ('S3', '丙', '12345')`,
    );
    await hub.knex.raw('create table units (unit_code text)');
    await hub.knex.raw(`insert into units values ('U1')`);
    await hub.close();
    db = openPostgres({ url: cluster.url('service'), poolMax: 3 }).knex;
    await migrateToLatest(db);
    expect((await importCatalog(db, CATALOG)).ok).toBe(true);
    await buildUser(db, { department: 'HR', roles: ['steward'], login: 'hr-steward' });
    const env = { DATABASE_URL: cluster.url('service'), HUB_DATABASE_URL: cluster.url('hub'), CHECK_SCHEDULE: '*/3 * * * * *' };
    a = await Instance.create('a', env);
    b = await Instance.create('b', env);
  }, 60_000);

  afterAll(async () => {
    for (const instance of [a, b]) {
      await instance?.kill('SIGKILL');
      instance?.cleanup();
    }
    await db?.destroy();
    cluster?.destroy();
  });

  it('files the rest of the killed run’s tickets once, with one notice, when the instance is back', async () => {
    const name = fingerprintOf({ check: 'required', table: 'staff', field: 'name', department: 'HR' });
    const mobile = fingerprintOf({ check: 'validate', table: 'staff', field: 'mobile', department: 'HR' });
    const locker = openPostgres({ url: cluster.url('service'), poolMax: 1 }).knex;
    let runId: number;
    let lockerPid = 0;
    try {
      const held = locker.transaction(async (trx) => {
        lockerPid = (await trx.raw('select pg_backend_pid() as pid')).rows[0].pid;
        await lockFingerprint(trx, mobile);
        await trx.raw('select pg_sleep(600)'); // until the session is ended below
      });
      held.catch(() => undefined);
      await waitFor(
        async () => (await db.raw(`select 1 from pg_locks where locktype = 'advisory' and granted`)).rows.length > 0,
        10_000,
        'the fingerprint lock',
      );

      a.start();
      await a.ready(90_000);
      // The first scheduled run stores staff, files the ticket of `name`, and waits for `mobile`'s lock.
      await waitFor(
        async () => (await db.raw(`select 1 from pg_locks where locktype = 'advisory' and not granted`)).rows.length > 0,
        30_000,
        'the hand-off to wait',
      );
      const run = await db('check_runs as r')
        .join('check_run_tables as t', 't.run_id', 'r.id')
        .where({ 'r.status': 'running', 't.table_name': 'staff' })
        .first('r.id');
      runId = Number(run.id);
      expect(await db('check_run_tables').where({ run_id: runId }).select('table_name', 'tickets_applied_at')).toEqual([
        { table_name: 'staff', tickets_applied_at: null },
      ]);
      expect(await db('tickets').pluck('fingerprint')).toEqual([name]);

      await a.kill('SIGKILL');
    } finally {
      // Ends the session holding the lock (knex would wait for its transaction to finish).
      if (lockerPid) await db.raw('select pg_terminate_backend(?)', [lockerPid]);
      await locker.destroy().catch(() => undefined);
    }
    expect(await db('notifications').where({ kind: 'ticket.new_high' })).toEqual([]);

    // The instance is started again, and a second one beside it.
    a.start();
    b.start();
    await Promise.all([a.ready(90_000), b.ready(90_000)]);
    await waitFor(
      async () =>
        Boolean(
          (await db('check_run_tables').where({ run_id: runId, table_name: 'staff' }).first('tickets_applied_at'))
            ?.tickets_applied_at,
        ),
      60_000,
      'the killed run’s stored results to be handed off',
    );
    // Later runs of staff (by either instance) have come after it.
    await waitFor(
      async () =>
        Boolean(
          await db('check_run_tables')
            .where({ table_name: 'staff' })
            .where('run_id', '>', runId)
            .whereNotNull('tickets_applied_at')
            .first(),
        ),
      30_000,
      'a later run of staff',
    );

    expect((await db('check_runs').where({ id: runId }).first()).status).toBe('interrupted');
    // Each problem has one ticket, filed once — by the killed run, at its check time — and one audit row.
    const tickets = await db('tickets').orderBy('id').select('id', 'fingerprint', 'status', 'first_seen');
    expect(tickets.map((t) => [t.fingerprint, t.status])).toEqual([
      [name, 'open'],
      [mobile, 'open'],
    ]);
    const checkedAt = (await db('check_results').where({ run_id: runId, table_name: 'staff' }).first('checked_at')).checked_at;
    for (const t of tickets) expect(t.first_seen).toEqual(checkedAt);
    const filed = await db('ticket_events')
      .where({ kind: 'filed' })
      .orderBy('ticket_id')
      .select('ticket_id', db.raw(`details->>'runId' as run_id`));
    expect(filed).toEqual(tickets.map((t) => ({ ticket_id: t.id, run_id: String(runId) })));
    expect(Number((await db('audit_log').where({ action: 'ticket.file' }).count({ n: '*' }))[0].n)).toBe(2);
    expect(
      await db('tickets')
        .whereIn('status', ACTIVE_STATUSES)
        .groupBy('fingerprint')
        .havingRaw('count(*) > 1')
        .pluck('fingerprint'),
    ).toEqual([]);

    // One notice naming both new high-severity tickets: the steward's inbox, and one e-mail.
    const notices = await db('notifications').where({ kind: 'ticket.new_high' }).select('title', 'body');
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe('【数据质量】2 个高严重度问题待整改');
    expect(notices[0].body).toContain('教职工·姓名');
    expect(notices[0].body).toContain('教职工·手机号');
    const mails = [a, b]
      .flatMap((i) => {
        const outbox = path.join(i.dataDir, 'outbox');
        return fs.existsSync(outbox) ? fs.readdirSync(outbox).map((f) => path.join(outbox, f)) : [];
      })
      .map(subjectOf)
      .filter((s) => s.includes('高严重度'));
    expect(mails).toEqual(['【数据质量】2 个高严重度问题待整改']);
  });
});
