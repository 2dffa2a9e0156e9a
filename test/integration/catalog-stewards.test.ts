import fs from 'node:fs';
import YAML from 'yaml';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';

/**
 * Steward e-mails have one source of truth, `departments.stewards`: the department page edits it, the
 * catalog export writes it, and a re-import keeps addresses set on the web unless the file itself
 * changes that department's list (then the file wins, and the dry run warns). Before, the export
 * wrote the last imported file's list and every re-import wiped the web edits — digests and
 * reminders stopped reaching those stewards.
 */

const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
/** departments[0] is HR on line 18: `stewards: [hr-steward@example.edu.cn]`; SCI (departments[4]) lists none. */
const HR_LINE = 18;

describe('steward e-mails: department page, catalog export and re-import', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  const stewardsOf = async (code: string) =>
    (await t.db.knex('departments').where({ code }).first('stewards')).stewards as string[];

  beforeAll(async () => {
    t = await createTestApp();
    expect((await importCatalog(t.db.knex, EXAMPLE)).ok).toBe(true);
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
    await installChangeLog(t.db.knex);
  });
  afterAll(() => t.close());

  async function setOnWeb(code: string, emails: string[]) {
    await office.agent
      .post(`/departments/${code}/stewards`)
      .type('form')
      .send({ _csrf: office.csrf, stewards: emails.join('\n') })
      .expect(302);
    expect(await stewardsOf(code)).toEqual(emails);
  }

  async function exported(): Promise<string> {
    const res = await office.agent.get('/catalog/export').expect(200);
    return res.text;
  }

  it('a list with a bad address comes back as typed, the message under the list, and changes nothing', async () => {
    const before = await stewardsOf('HR');
    const since = await mark(t.db.knex);
    const typed = 'hr-steward@example.edu.cn\nnot-an-address';
    const res = await office.agent
      .post('/departments/HR/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: typed })
      .expect(422);
    expect(res.text).toMatch(
      /aria-invalid="true">hr-steward@example\.edu\.cn\nnot-an-address<\/textarea><p class="field-error" role="alert" id="stewards-error">“not-an-address”不是有效的邮箱地址<\/p>/,
    );
    expect(await stewardsOf('HR')).toEqual(before);
    expect(await changedSince(t.db.knex, since)).toEqual([]);
  });

  // It named the first bad address only: a list with two mistakes came back twice.
  it('a list with several bad addresses names each of them at once', async () => {
    const res = await office.agent
      .post('/departments/HR/stewards')
      .type('form')
      .send({ _csrf: office.csrf, stewards: 'hr-steward@example.edu.cn\nnot-an-address\nzhang@' })
      .expect(422);
    expect(res.text).toContain(
      '<p class="field-error" role="alert" id="stewards-error">以下不是有效的邮箱地址：“not-an-address”、“zhang@”</p>',
    );
  });

  it('the export lists the addresses set on the department page', async () => {
    await setOnWeb('HR', ['hr-steward@example.edu.cn', 'hr-new@example.edu.cn']);
    await setOnWeb('SCI', ['sci@example.edu.cn']);
    const departments = (YAML.parse(await exported()) as { departments: { code: string; stewards?: string[] }[] }).departments;
    expect(departments.find((d) => d.code === 'HR')?.stewards).toEqual(['hr-steward@example.edu.cn', 'hr-new@example.edu.cn']);
    expect(departments.find((d) => d.code === 'SCI')?.stewards).toEqual(['sci@example.edu.cn']);
    expect(departments.find((d) => d.code === 'FIN')).toEqual({ code: 'FIN', name: '财务处' });
  });

  it('re-importing the same file keeps them: it did not change those lists', async () => {
    const result = await importCatalog(t.db.knex, EXAMPLE);
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([]);
    expect(await stewardsOf('HR')).toEqual(['hr-steward@example.edu.cn', 'hr-new@example.edu.cn']);
    expect(await stewardsOf('SCI')).toEqual(['sci@example.edu.cn']);
  });

  it('re-importing the exported catalog changes nothing but the version, and exports the same again', async () => {
    const yaml = await exported();
    const before = await mark(t.db.knex);
    const result = await importCatalog(t.db.knex, yaml);
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(await changedSince(t.db.knex, before)).toEqual(['audit_log', 'catalog_versions']);
    expect(await exported()).toBe(yaml);
  });

  it('a file that changes a list replaces it; the dry run warns that it discards addresses set on the web', async () => {
    // The previous import (the export) listed HR's two addresses; the web now has three.
    await setOnWeb('HR', ['hr-steward@example.edu.cn', 'hr-new@example.edu.cn', 'hr-third@example.edu.cn']);
    const changed = EXAMPLE.replace('stewards: [hr-steward@example.edu.cn]', 'stewards: [hr-2027@example.edu.cn]');
    const dry = await importCatalog(t.db.knex, changed, { dryRun: true });
    expect(dry.ok).toBe(true);
    expect(dry.problems).toEqual([
      expect.objectContaining({ line: HR_LINE, path: 'departments[0].stewards', code: 'stewards_replaced', severity: 'warning' }),
    ]);
    // Each language with its own list separator.
    expect(dry.problems[0].message).toEqual({
      'zh-CN':
        '将以目录中的信息化专员邮箱（hr-2027@example.edu.cn）替换部门页面上设置的（hr-steward@example.edu.cn、hr-new@example.edu.cn、hr-third@example.edu.cn）',
      en: "replaces the steward e-mails set on the department page (hr-steward@example.edu.cn, hr-new@example.edu.cn, hr-third@example.edu.cn) with the catalog's (hr-2027@example.edu.cn)",
    });
    expect(await stewardsOf('HR')).toHaveLength(3);

    expect((await importCatalog(t.db.knex, changed)).ok).toBe(true);
    expect(await stewardsOf('HR')).toEqual(['hr-2027@example.edu.cn']);
    expect(await stewardsOf('SCI')).toEqual(['sci@example.edu.cn']);
  });

  it('`stewards: []` empties a list; a department the file gives no stewards key keeps its own', async () => {
    const text = EXAMPLE.replace('stewards: [hr-steward@example.edu.cn]', 'stewards: []');
    expect((await importCatalog(t.db.knex, text)).ok).toBe(true);
    expect(await stewardsOf('HR')).toEqual([]);
    expect(await stewardsOf('SCI')).toEqual(['sci@example.edu.cn']);
  });
});
