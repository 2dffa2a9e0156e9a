import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { importCatalog } from '../../server/services/catalog/repository';
import { signIn } from '../helpers/app';
import { buildUser } from './index';

const EXAMPLE = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

/** A PNG's 8-byte signature plus a few bytes: enough for the type check, which reads content only. */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-test')]);
export const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

/** The staff member the tests report about, as the hub holds them. */
export const STAFF = {
  staff_no: '20190001',
  name: '张三',
  id_card: '410102199001011234',
  political_status: '群众',
  mobile: '13812345678',
};

export type Person = Awaited<ReturnType<typeof buildUser>>;
export interface ReportsWorld {
  reporter: Person;
  reporter2: Person;
  hrSteward: Person;
  orgSteward: Person;
  office: Person;
}

/**
 * The example catalog (staff_basic is HR's, its political_status ORG's), a hub table staff_basic
 * in the test database (the test hub) with one staff member, and the people of a report.
 */
export async function buildReportsWorld(db: Knex): Promise<ReportsWorld> {
  const result = await importCatalog(db, fs.readFileSync(EXAMPLE, 'utf8'));
  if (!result.ok) throw new Error(`example catalog did not import: ${JSON.stringify(result.problems)}`);
  await db.schema.createTable('staff_basic', (t) => {
    t.string('staff_no', 8).primary();
    t.string('name');
    t.string('id_card');
    t.string('political_status');
    t.string('mobile');
  });
  await db('staff_basic').insert(STAFF);
  return {
    reporter: await buildUser(db, { name: '报告人甲', department: 'COL', roles: ['user'] }),
    reporter2: await buildUser(db, { name: '报告人乙', department: 'LIB', roles: ['user'] }),
    hrSteward: await buildUser(db, { name: '人事专员', department: 'HR', roles: ['steward'] }),
    orgSteward: await buildUser(db, { name: '组织部专员', department: 'ORG', roles: ['steward'] }),
    office: await buildUser(db, { name: '信息办专员', department: 'ITC', roles: ['it_office'] }),
  };
}

/** A valid API body: 教职工基本信息·政治面貌 of staff 20190001 is wrong. */
export function reportBody(over: Record<string, unknown> = {}) {
  return {
    table: 'staff_basic',
    field: 'political_status',
    record_key: { staff_no: STAFF.staff_no },
    description: '该教职工 2024 年已入党，政治面貌应为中共党员',
    suggested_value: '中共党员',
    ...over,
  };
}

type Session = Awaited<ReturnType<typeof signIn>>;

/**
 * `as(who)`: the session of one of the world's people, signed in on first use and reused after (signing
 * in writes, so a test that compares the database before and after signs in first). `app` and `people`
 * are read when first asked, after the test file's beforeAll has built them.
 */
export function reportsSessions(app: () => Express, people: () => ReportsWorld): (who: keyof ReportsWorld) => Promise<Session> {
  const sessions: Partial<Record<keyof ReportsWorld, Session>> = {};
  return async (who) => (sessions[who] ??= await signIn(app(), people()[who].login, people()[who].password));
}
