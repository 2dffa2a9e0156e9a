import { daysOfSlot, run as snapshotJob } from '../../jobs/snapshot-scorecards';
import { createLogger } from '../../server/logger';
import { importCatalog } from '../../server/services/catalog/repository';
import { startInUniversityTime, ZonedService } from '../../server/services/jobs/university-time';
import { buildUser } from '../factories';
import { parseCatalog } from '../../server/services/catalog/parse';
import { buildTicket, seedCatalogDepartments } from '../factories/tickets';
import { SCORECARD_CATALOG } from '../factories/scorecards';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The university's time zone is the catalog calendar's (the service's TZ, Asia/Shanghai here, only
 * before the first catalog): the scheduled jobs run in it and are rescheduled when an import changes
 * it, the scorecard snapshot's "today" and the dashboard's periods are read in it.
 *
 * At 10:00 in Beijing on 2026-11-22 it is 16:00 on 2026-11-21 in Honolulu.
 */
const HONOLULU = SCORECARD_CATALOG.replace('timezone: Asia/Shanghai', 'timezone: Pacific/Honolulu');
const scorecardCatalog = () => parseCatalog(SCORECARD_CATALOG).catalog!;
/** A failing check both catalogs here have: staff.staff_no's required. */
const STAFF_NO_REQUIRED = { table: 'staff', field: 'staff_no', check: 'required' as const, department: 'HR' };
const BEIJING_10AM = new Date('2026-11-22T10:00:00+08:00');

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the university's time zone", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ TZ: 'Asia/Shanghai' });
    t.ctx.now = () => BEIJING_10AM;
  });
  afterAll(() => t.close());

  it('schedules the jobs in the service TZ before any catalog, then reschedules them when an import changes the zone', async () => {
    const started: string[] = [];
    const stopped: string[] = [];
    const start = (timezone: string): ZonedService[] => {
      started.push(timezone);
      return [{ name: `jobs in ${timezone}`, stop: async () => void stopped.push(timezone) }];
    };
    const jobs = await startInUniversityTime(
      { db: t.db.knex, logger: createLogger('silent'), fallbackTimezone: 'Asia/Shanghai', pollMs: 25 },
      start,
    );
    try {
      expect(started).toEqual(['Asia/Shanghai']);

      expect((await importCatalog(t.db.knex, HONOLULU)).ok).toBe(true);
      await until(() => started.length === 2, 'the jobs to be rescheduled');
      expect(started).toEqual(['Asia/Shanghai', 'Pacific/Honolulu']);
      expect(stopped).toEqual(['Asia/Shanghai']); // the old schedules stop before the new ones start

      // An import that keeps the zone changes nothing.
      expect((await importCatalog(t.db.knex, `${HONOLULU}\n# same zone, new version\n`)).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(started).toEqual(['Asia/Shanghai', 'Pacific/Honolulu']);
    } finally {
      await jobs.stop();
      expect((await importCatalog(t.db.knex, SCORECARD_CATALOG)).ok).toBe(true);
    }
    expect(stopped).toEqual(['Asia/Shanghai', 'Pacific/Honolulu']);
  });

  it("snapshots today in the catalog's zone, not the service's", async () => {
    expect((await snapshotJob(t.ctx)).day).toBe('2026-11-22');
    expect((await importCatalog(t.db.knex, HONOLULU)).ok).toBe(true);
    try {
      expect((await snapshotJob(t.ctx)).day).toBe('2026-11-21');
    } finally {
      expect((await importCatalog(t.db.knex, SCORECARD_CATALOG)).ok).toBe(true);
    }
  });

  it("counts a ticket due yesterday in Beijing as overdue on the home page only once that day is over in the catalog's zone", async () => {
    // A ticket of a check the imported catalogs have (an import closes the tickets of checks it no longer has).
    const catalog = scorecardCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    const ticket = await buildTicket(t.db.knex, catalog, new Date('2026-11-10T10:00:00+08:00'), STAFF_NO_REQUIRED);
    await t.db.knex('tickets').where({ id: ticket.id }).update({ due_at: '2026-11-21' });
    const steward = await buildUser(t.db.knex, { department: ticket.department_code, roles: ['steward'] });
    const { agent } = await signIn(t.app, steward.login, steward.password);
    expect((await agent.get('/').expect(200)).text).toContain('1 个待处理 · 1 个逾期');
    expect((await importCatalog(t.db.knex, HONOLULU)).ok).toBe(true);
    try {
      expect((await agent.get('/').expect(200)).text).toContain('1 个待处理 · 0 个逾期');
    } finally {
      expect((await importCatalog(t.db.knex, SCORECARD_CATALOG)).ok).toBe(true);
    }
  });

  it("shows times on pages in the catalog's zone, in which the ticket's due date and overdue are counted", async () => {
    const catalog = scorecardCatalog();
    await seedCatalogDepartments(t.db.knex, catalog);
    const ticket = await buildTicket(t.db.knex, catalog, new Date('2026-11-10T10:00:00+08:00'), {
      ...STAFF_NO_REQUIRED,
      check: 'pattern',
    });
    const steward = await buildUser(t.db.knex, { department: ticket.department_code, roles: ['steward'] });
    const { agent } = await signIn(t.app, steward.login, steward.password);
    const firstSeen = async () =>
      /首次发现<\/dt><dd>([^<]*)<\/dd>/.exec((await agent.get(`/tickets/${ticket.id}`).expect(200)).text)?.[1];
    expect(await firstSeen()).toBe('2026-11-10 10:00');
    // The count of sightings beside the last one, in Chinese brackets on the Chinese page (it had ASCII ones).
    expect((await agent.get(`/tickets/${ticket.id}`).expect(200)).text).toMatch(/最近发现<\/dt><dd>[^<]*（共发现 \d+ 次）<\/dd>/);
    expect((await importCatalog(t.db.knex, HONOLULU)).ok).toBe(true);
    try {
      // 10:00 in Beijing is 16:00 the day before in Honolulu (the service's TZ is still Asia/Shanghai).
      expect(await firstSeen()).toBe('2026-11-09 16:00');
    } finally {
      expect((await importCatalog(t.db.knex, SCORECARD_CATALOG)).ok).toBe(true);
    }
  });

  it("finishes yesterday in the first hour of the zone's day only", () => {
    // 00:15 in Honolulu is 18:15 in Beijing.
    expect(daysOfSlot('Pacific/Honolulu', new Date('2026-11-22T00:15:00-10:00'))).toEqual(['2026-11-21', '2026-11-22']);
    expect(daysOfSlot('Asia/Shanghai', new Date('2026-11-22T00:15:00-10:00'))).toEqual(['2026-11-22']);
    expect(daysOfSlot('Asia/Shanghai', new Date('2026-11-22T00:15:00+08:00'))).toEqual(['2026-11-21', '2026-11-22']);
  });

  it("reads the dashboard's periods around today in the catalog's zone", async () => {
    // The calendar's last semester has no next start: "this semester" runs until today.
    const office = await buildUser(t.db.knex, { department: 'ORG', roles: ['it_office'] });
    const { agent } = await signIn(t.app, office.login, office.password);
    const semester = (page: string) => /value="semester"[^>]*>([^<]*)</.exec(page)?.[1];
    expect(semester((await agent.get('/dashboard').expect(200)).text)).toContain('2026-09-07 – 2026-11-22');
    expect((await importCatalog(t.db.knex, HONOLULU)).ok).toBe(true);
    try {
      expect(semester((await agent.get('/dashboard').expect(200)).text)).toContain('2026-09-07 – 2026-11-21');
    } finally {
      expect((await importCatalog(t.db.knex, SCORECARD_CATALOG)).ok).toBe(true);
    }
  });
});
