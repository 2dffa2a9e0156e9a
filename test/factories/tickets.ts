import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import type { Knex } from 'knex';
import type { CheckResult } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { parseCatalog } from '../../server/services/catalog/parse';
import type { Catalog } from '../../server/services/catalog/types';
import { applyCheckResults } from '../../server/services/tickets';
import type { TicketRow } from '../../server/services/tickets';
import type { AppContext } from '../../server/context';
import type { Role } from '../../server/policies';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { buildUser } from './index';

/** The example catalog file (import it with `importCatalog` where a test needs the catalog in the database). */
export const EXAMPLE_CATALOG = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

/** The example catalog (the public contract), parsed as the service would. */
export function exampleCatalog(): Catalog {
  const { catalog, problems } = parseCatalog(fs.readFileSync(EXAMPLE_CATALOG, 'utf8'));
  if (!catalog) throw new Error(`example catalog does not parse: ${JSON.stringify(problems)}`);
  return catalog;
}

export const exampleCalendar = (catalog: Catalog) => createCalendar(catalog.calendar);

/**
 * A small catalog before and after an owner change (the catalog-import ticket tests): 教职工基本信息 (staff, HR) with
 * 职工号, 电子邮箱 and 备用邮箱; the change hands 电子邮箱 to 教务处 (ACA) and removes 备用邮箱.
 */
const ownerChangeCatalog = (opts: { emailOwner?: string; altEmail: boolean }) => `
calendar: { timezone: Asia/Shanghai }
departments: [{ code: HR, name: 人事处 }, { code: ACA, name: 教务处 }, { code: ITC, name: 信息中心 }]
tables:
  - name: staff
    title: 教职工基本信息
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
      - { name: email, title: 电子邮箱, validate: email${opts.emailOwner ? `, department: ${opts.emailOwner}` : ''} }
${opts.altEmail ? '      - { name: alt_email, title: 备用邮箱, validate: email }' : ''}
`;
export const OWNER_CHANGE_BEFORE = ownerChangeCatalog({ altEmail: true });
export const OWNER_CHANGE_AFTER = ownerChangeCatalog({ emailOwner: 'ACA', altEmail: false });

/** The catalog's departments as rows (tickets reference them). */
export async function seedCatalogDepartments(db: Knex, catalog: Catalog): Promise<void> {
  for (const d of catalog.departments) {
    await db('departments')
      .insert({ code: d.code, name: d.name, stewards: JSON.stringify(d.stewards), in_catalog: true })
      .onConflict('code')
      .ignore();
  }
}

/** A failing deadline check on 教职工基本信息·职工号 unless overridden. */
export function checkResult(over: Partial<CheckResult> = {}): CheckResult {
  const failing = over.passed !== true;
  return {
    check: 'deadline',
    department: 'HR',
    table: 'staff_basic',
    field: 'staff_no',
    passed: false,
    violations: failing ? 3 : 0,
    checkedRows: 120,
    sampleKeys: failing ? [{ staff_no: '20190001' }, { staff_no: '20190002' }, { staff_no: '20190003' }] : [],
    severity: 'medium',
    ...over,
  };
}

/** Files (or updates) the ticket of one failing result at `now` and returns it. */
export async function buildTicket(db: Knex, catalog: Catalog, now: Date, over: Partial<CheckResult> = {}): Promise<TicketRow> {
  const summary = await applyCheckResults(db, {
    runId: 'factory',
    results: [checkResult(over)],
    catalog,
    calendar: exampleCalendar(catalog),
    now,
  });
  const id = summary.filed[0] ?? summary.reopened[0] ?? summary.updated[0];
  return (await db('tickets').where({ id }).first()) as TicketRow;
}

export type TicketsPerson = Awaited<ReturnType<typeof buildUser>>;

/** What a test file using `useTicketsWorld` reads, once its beforeAll has run. */
export interface TicketsTestWorld<P extends string> {
  readonly app: Express;
  readonly ctx: AppContext;
  readonly db: Knex;
  /** The app's own DATA_DIR (a fresh temporary directory, removed in afterAll): its outbox holds the e-mails sent. */
  readonly dataDir: string;
  /** The file's people, built in beforeAll: read their fields in hooks and tests. */
  readonly people: Readonly<Record<P, TicketsPerson>>;
  /** A fresh session of one of the people (each call signs in again). */
  signIn(who: P): ReturnType<typeof signIn>;
  /** The e-mails written to the outbox so far, oldest first by file name. */
  outbox(): string[];
}

export interface TicketsWorldOptions<P extends string> {
  /** The app's clock; tests may still move it through `ctx.now`. */
  now: Date;
  /** Who the file signs in as: a department code and roles each. */
  people: Record<P, { department: string; roles: Role[] }>;
  /** More for the file's beforeAll, run once the catalog's departments and the people are there. */
  setup?: (world: TicketsTestWorld<P>) => Promise<void>;
}

/**
 * A test app on its own database and DATA_DIR with the example catalog's departments and the file's people, its
 * clock at `now` — the set-up the ticket page suites share. Registers the file's beforeAll and afterAll, so call it at
 * the top level of a test file; the answer's fields are read in hooks and tests (read sooner, they throw).
 */
export function useTicketsWorld<P extends string>(options: TicketsWorldOptions<P>): TicketsTestWorld<P> {
  let testApp: TestApp | undefined;
  let dataDir: string | undefined;
  const people = {} as Record<P, TicketsPerson>;
  const built = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the tickets world is built in beforeAll: read it in a hook or a test');
    return value;
  };
  const world: TicketsTestWorld<P> = {
    get app() {
      return built(testApp).app;
    },
    get ctx() {
      return built(testApp).ctx;
    },
    get db() {
      return built(testApp).db.knex;
    },
    get dataDir() {
      return built(dataDir);
    },
    people,
    signIn: (who) => signIn(world.app, people[who].login, people[who].password),
    outbox: () => {
      const dir = path.join(world.dataDir, 'outbox');
      return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
    },
  };
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-tickets-'));
    testApp = await createTestApp({ DATA_DIR: dataDir });
    testApp.ctx.now = () => options.now;
    await seedCatalogDepartments(testApp.db.knex, exampleCatalog());
    for (const who of Object.keys(options.people) as P[]) people[who] = await buildUser(testApp.db.knex, options.people[who]);
    await options.setup?.(world);
  });
  afterAll(async () => {
    await testApp?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return world;
}
