import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { importCatalog } from '../../server/services/catalog/repository';
import { issueApiToken } from '../../server/services/users';
import type { AppContext } from '../../server/context';
import { createTestApp, signIn, TestApp } from '../helpers/app';
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

/** The clock of the report tests: Monday 2026-03-02, 10:00 in Shanghai (March 2026 has no holidays). */
export const MONDAY = new Date('2026-03-02T02:00:00Z');

type Session = Awaited<ReturnType<typeof signIn>>;

/** What a test file using `useReportsWorld` reads, once its beforeAll has run. */
export interface ReportsTestWorld {
  readonly app: Express;
  readonly ctx: AppContext;
  readonly db: Knex;
  readonly people: ReportsWorld;
  /** An API token of each of the people, issued in beforeAll when the file asks for them (`apiTokens`). */
  readonly tokens: Readonly<Record<keyof ReportsWorld, string>>;
  /**
   * The session of one of the world's people, signed in on first use and reused after (signing in
   * writes, so a test that compares the database before and after signs in first).
   */
  as(who: keyof ReportsWorld): Promise<Session>;
  /** The IT office's setting "triage reports first", turned on or off through its form, as the office does. */
  triageFirst(on: boolean): Promise<void>;
  /** The API as one of the people, with their token (`apiTokens`): `get('/reports/mine')`, `post('/reports', body)`. */
  api(who: keyof ReportsWorld): {
    get(path: string): request.Test;
    post(path: string, body: object): request.Test;
  };
}

export interface ReportsWorldOptions {
  /** The app's clock; MONDAY unless given. Tests may still move it through `ctx.now`. */
  now?: () => Date;
  /** Configuration for createTestApp (DATA_DIR…). */
  env?: Record<string, string>;
  /** Issue every person an API token (`tokens`) once the world is built, before `setup`. */
  apiTokens?: boolean;
  /** More for the file's beforeAll, run once the world is built. */
  setup?: (world: ReportsTestWorld) => Promise<void>;
  /** The beforeAll's time limit, for a setup slower than jest's default. */
  timeout?: number;
}

/**
 * A test app on its own database with the reports world in it (buildReportsWorld), its clock at MONDAY:
 * registers the file's beforeAll and afterAll, so call it at the top level of a test file. The answer's
 * fields are read in hooks and tests, after the beforeAll has built them; read sooner, they throw.
 */
export function useReportsWorld(options: ReportsWorldOptions = {}): ReportsTestWorld {
  let testApp: TestApp | undefined;
  let people: ReportsWorld | undefined;
  let tokens: Record<keyof ReportsWorld, string> | undefined;
  const built = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the reports world is built in beforeAll: read it in a hook or a test');
    return value;
  };
  const sessions: Partial<Record<keyof ReportsWorld, Session>> = {};
  const world: ReportsTestWorld = {
    get app() {
      return built(testApp).app;
    },
    get ctx() {
      return built(testApp).ctx;
    },
    get db() {
      return built(testApp).db.knex;
    },
    get people() {
      return built(people);
    },
    get tokens() {
      if (!options.apiTokens) throw new Error('no API tokens: ask useReportsWorld for them with { apiTokens: true }');
      return built(tokens);
    },
    as: async (who) => (sessions[who] ??= await signIn(world.app, world.people[who].login, world.people[who].password)),
    triageFirst: async (on) => {
      const s = await world.as('office');
      await s.agent
        .post('/reports/settings')
        .type('form')
        .send({ _csrf: s.csrf, ...(on ? { triage: 'on' } : {}) })
        .expect(302);
    },
    api: (who) => ({
      get: (path) => request(world.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${world.tokens[who]}`),
      post: (path, body) =>
        request(world.app).post(`/api/v1${path}`).set('Authorization', `Bearer ${world.tokens[who]}`).send(body),
    }),
  };
  beforeAll(async () => {
    testApp = await createTestApp(options.env);
    testApp.ctx.now = options.now ?? (() => MONDAY);
    people = await buildReportsWorld(testApp.db.knex);
    if (options.apiTokens) {
      const issued: Partial<Record<keyof ReportsWorld, string>> = {};
      for (const who of Object.keys(people) as (keyof ReportsWorld)[])
        issued[who] = await issueApiToken(testApp.db.knex, people[who].id);
      tokens = issued as Record<keyof ReportsWorld, string>;
    }
    await options.setup?.(world);
  }, options.timeout);
  afterAll(() => testApp?.close());
  return world;
}
