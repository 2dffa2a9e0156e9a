import type { Knex } from 'knex';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { AppContext } from '../../server/context';
import { openPostgres } from '../../server/db/connect';
import { migrateToLatest } from '../../server/db/migrate';
import type { Hub } from '../../server/hub';
import { createLogger } from '../../server/logger';
import { AUDIT_LOCK_KEY } from '../../server/services/audit/append';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { signIn } from '../helpers/app';
import { waitFor } from '../helpers/process';
import { PrivateCluster, startPrivateCluster } from './cluster';

/**
 * PostgreSQL (a private cluster) restarted while an approval is half-way through its transaction:
 * the stage is already updated and the request moved on, only the audit row is still to come. The
 * decision must not be half-applied — the stage and the request stay as they were and there is no
 * audit row — and once the database is back, the same decision goes through whole, with its audit row.
 *
 * To stop the decision at that point, a test session holds the audit log's append lock (every change
 * appends its audit row last, under that lock); the restart then terminates the waiting transaction.
 */
describe('PostgreSQL restarted in the middle of an approval', () => {
  let cluster: PrivateCluster;
  let db: Knex;
  let people: SharingPeople;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    cluster.createDatabase('service');
    db = openPostgres({ url: cluster.url('service') }).knex;
    await migrateToLatest(db);
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(40), DATA_DIR: cluster.dir });
    // As in the HTTP tests, the hub is the service database (hub tables do not collide with ours).
    const hub: Hub = { knex: db, dialect: 'postgres', kind: 'postgres', label: 'test database', close: async () => {} };
    const ctx: AppContext = { config, db, hub, logger: createLogger('silent'), now: () => new Date('2026-03-02T02:00:00Z') };
    app = createApp(ctx);
    people = await buildSharingWorld(db);
    await buildHubTable(db, 'staff_basic', 10);
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    cluster?.destroy();
  });

  const stateOf = async (id: number) => {
    const request = await db('sharing_requests').where({ id }).first('status', 'version');
    const stages = (
      await db('sharing_stages').where({ request_id: id }).orderBy(['stage', 'id']).select('stage', 'status', 'decided_by')
    ).map((s) => `${s.stage}:${s.status}:${s.decided_by ?? '-'}`);
    const audit = await db('audit_log')
      .where({ object_type: 'sharing_request', object_id: String(id) })
      .orderBy('seq')
      .pluck('action');
    return { status: request.status as string, version: Number(request.version), stages, audit };
  };

  it('leaves the request, its stages and the audit log as they were, then takes the same decision whole', async () => {
    const applicant = await signIn(app, people.applicant.login, people.applicant.password);
    const submitted = await applicant.agent
      .post('/api/v1/sharing-requests')
      .set('X-CSRF-Token', applicant.csrf)
      .send(apiRequest([{ table: 'org_unit', fields: ['unit_code', 'unit_name'], range: '全部' }]));
    expect(submitted.status).toBe(201);
    const id = submitted.body.id as number;
    const steward = await signIn(app, people.csSteward.login, people.csSteward.password);
    const before = await stateOf(id);
    expect(before).toMatchObject({
      status: 'submitted',
      stages: ['1:pending:-', '2:waiting:-', '5:waiting:-'],
      audit: ['sharing.submit'],
    });

    const locker = openPostgres({ url: cluster.url('service'), poolMax: 1 }).knex;
    let response: { status: number };
    try {
      const held = locker.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?)', [AUDIT_LOCK_KEY]);
        await trx.raw('select pg_sleep(600)');
      });
      held.catch(() => undefined);
      await waitFor(
        async () => (await db.raw(`select 1 from pg_locks where locktype = 'advisory' and granted`)).rows.length > 0,
        10_000,
        'the audit lock',
      );

      const decision = steward.agent
        .post(`/api/v1/sharing-requests/${id}/decisions`)
        .set('X-CSRF-Token', steward.csrf)
        .send({ decision: 'approve' });
      const pending = decision.then((r) => r);
      // The decision's transaction has updated the stage and the request and now waits for the lock.
      await waitFor(
        async () => (await db.raw(`select 1 from pg_locks where locktype = 'advisory' and not granted`)).rows.length > 0,
        10_000,
        'the decision to wait on the audit lock',
      );
      cluster.restart();
      response = await pending;
    } finally {
      await locker.destroy().catch(() => undefined);
    }
    // The user is told it failed; nothing of it stayed.
    expect(response.status).toBeGreaterThanOrEqual(500);
    await waitFor(async () => Boolean(await db.raw('select 1')), 30_000, 'the database after the restart');
    expect(await stateOf(id)).toEqual(before);

    // Same decision again, database back: applied whole, audit row included.
    const again = await steward.agent
      .post(`/api/v1/sharing-requests/${id}/decisions`)
      .set('X-CSRF-Token', steward.csrf)
      .send({ decision: 'approve' });
    expect(again.status).toBe(200);
    const after = await stateOf(id);
    expect(after).toEqual({
      status: 'in_review',
      version: before.version + 1,
      stages: [`1:approved:${people.csSteward.id}`, '2:pending:-', '5:waiting:-'],
      audit: ['sharing.submit', 'sharing.decision'],
    });
  });
});
