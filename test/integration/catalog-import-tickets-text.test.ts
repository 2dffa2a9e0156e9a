import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { parseCatalog } from '../../server/services/catalog/parse';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { buildTicket, OWNER_CHANGE_AFTER, OWNER_CHANGE_BEFORE } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { runCli, startCliDatabase, type CliDatabase } from '../helpers/cli';

/**
 * What the IT office reads before and after a catalog import that hands 电子邮箱 to 教务处 (ACA) and removes 备用邮箱:
 * how many active tickets move to which department and how many close, on the import page (zh-CN and en) and from
 * `hubwatch catalog import` (its dry run first).
 */

/** HR's active tickets on 电子邮箱 and 备用邮箱, as a check run under OWNER_CHANGE_BEFORE files them. */
async function fileHrTickets(db: Knex): Promise<void> {
  const { catalog: v1 } = parseCatalog(OWNER_CHANGE_BEFORE);
  for (const field of ['email', 'alt_email']) {
    const ticket = await buildTicket(db, v1!, new Date(), {
      check: 'validate',
      table: 'staff',
      field,
      department: 'HR',
      violations: 1,
      checkedRows: 2,
      sampleKeys: [{ staff_no: '10000002' }],
    });
    expect([ticket.department_code, ticket.status]).toEqual(['HR', 'open']);
  }
}

const ticketsOf = (db: Knex) => db('tickets').orderBy('id').select('id', 'department_code', 'status', 'fingerprint');

describe('the import page says what the import does (or would do) to active tickets', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  const post = (yaml: string, locale: 'zh-CN' | 'en', dryRun: boolean) => {
    const req = office.agent
      .post('/catalog/import')
      .field('_csrf', office.csrf)
      .set('Accept-Language', locale)
      .field('yaml', yaml);
    return dryRun ? req.field('dry_run', '1') : req;
  };
  const changes = (html: string) => {
    const list = /<ul class="catalog-ticket-changes">([\s\S]*?)<\/ul>/.exec(html);
    return list ? [...list[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]) : [];
  };

  beforeAll(async () => {
    t = await createTestApp();
    expect((await importCatalog(t.db.knex, OWNER_CHANGE_BEFORE)).ok).toBe(true);
    await fileHrTickets(t.db.knex);
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
  });
  afterAll(() => t.close());

  it('the dry run names the department tickets would move to, with how many, and how many would close (zh-CN, en)', async () => {
    const before = await ticketsOf(t.db.knex);
    const zh = await post(OWNER_CHANGE_AFTER, 'zh-CN', true).expect(200);
    expect(changes(zh.text)).toEqual([
      '导入后 1 个未结工单将改派给新的负责部门教务处（ACA）（整改期限重新计算，双方部门收到通知）',
      '导入后 1 个未结工单将由系统关闭：数据目录已不再检查此项',
    ]);
    const en = await post(OWNER_CHANGE_AFTER, 'en', true).expect(200);
    expect(changes(en.text)).toEqual([
      'On import, 1 active ticket would move to their new responsible department 教务处 (ACA) (new due date; both departments are told)',
      'On import, 1 active ticket would be closed by the system: the catalog no longer checks them',
    ]);
    expect(await ticketsOf(t.db.knex)).toEqual(before);
  });

  it('the import says what it did, and the tickets did it', async () => {
    const res = await post(OWNER_CHANGE_AFTER, 'zh-CN', false).expect(200);
    expect(changes(res.text)).toEqual([
      '1 个未结工单已改派给新的负责部门教务处（ACA）（整改期限重新计算，双方部门已收到通知）',
      '1 个未结工单已由系统关闭：数据目录已不再检查此项',
    ]);
    expect((await ticketsOf(t.db.knex)).map((x) => [x.department_code, x.status])).toEqual([
      ['ACA', 'open'],
      ['HR', 'closed'],
    ]);
    // The same file again changes no ticket: the page lists none.
    expect(changes((await post(OWNER_CHANGE_AFTER, 'en', false).expect(200)).text)).toEqual([]);
  });

  it('in English too: the ticket handed back to 人事处 by the previous catalog', async () => {
    const res = await post(OWNER_CHANGE_BEFORE, 'en', false).expect(200);
    expect(changes(res.text)).toEqual([
      '1 active ticket moved to their new responsible department 人事处 (HR) (new due date; both departments were told)',
    ]);
  });
});

describe('hubwatch catalog import prints what the import does (or would do) to active tickets', () => {
  let cli: CliDatabase;
  const file = (name: string, text: string) => {
    const p = path.join(cli.env.DATA_DIR!, name);
    fs.writeFileSync(p, text);
    return p;
  };

  beforeAll(async () => {
    cli = await startCliDatabase();
    expect((await runCli(['catalog', 'import', file('v1.yaml', OWNER_CHANGE_BEFORE)], cli.env)).code).toBe(0);
    await cli.withDb(fileHrTickets);
  });
  afterAll(() => cli.close());

  it('--dry-run says how many move to which department and how many close (zh-CN, en), and changes nothing', async () => {
    const before = await cli.withDb(ticketsOf);
    const zh = await runCli(['catalog', 'import', file('v2.yaml', OWNER_CHANGE_AFTER), '--dry-run'], cli.env);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('将改派 1 个未结工单给新的负责部门 ACA\n');
    expect(zh.stdout).toContain('将关闭 1 个未结工单：数据目录已不再检查此项\n');
    const en = await runCli(['catalog', 'import', file('v2.yaml', OWNER_CHANGE_AFTER), '--dry-run'], {
      ...cli.env,
      HUBWATCH_LOCALE: 'en',
    });
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('would move 1 active ticket to their new responsible department ACA\n');
    expect(en.stdout).toContain('would close 1 active ticket: the catalog no longer checks them\n');
    expect(await cli.withDb(ticketsOf)).toEqual(before);
  });

  it('the import prints the same counts for what it did', async () => {
    const res = await runCli(['catalog', 'import', file('v2.yaml', OWNER_CHANGE_AFTER)], cli.env);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('已改派 1 个未结工单给新的负责部门 ACA\n');
    expect(res.stdout).toContain('已关闭 1 个未结工单：数据目录已不再检查此项\n');
    expect((await cli.withDb(ticketsOf)).map((x) => [x.department_code, x.status])).toEqual([
      ['ACA', 'open'],
      ['HR', 'closed'],
    ]);
  });
});
