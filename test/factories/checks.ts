import type { Knex } from 'knex';
import type { Role } from '../../server/policies';
import { importCatalog } from '../../server/services/catalog/repository';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { buildUser } from './index';

/**
 * The check pages' tests (test/integration/checks-pages-*.test.ts, check-run-failure-links, qa-check-run-pages): a
 * test app whose hub (the test database) holds the tables a test's catalog names (most often `staffCatalog`), that
 * catalog imported, and the person who looks at the pages signed in.
 */
export type Session = Awaited<ReturnType<typeof signIn>>;

/** Hub tables by name: their text columns and the rows they hold (none unless given). */
export type HubTables = Record<string, { columns: string[]; rows?: Record<string, string | null>[] }>;

export async function buildHubTables(db: Knex, tables: HubTables): Promise<void> {
  for (const [name, { columns, rows }] of Object.entries(tables)) {
    await db.schema.createTable(name, (tb) => columns.forEach((c) => tb.string(c)));
    if (rows?.length) await db(name).insert(rows);
  }
}

/** A field of the staff table besides its key: shown by `title`, required or not. */
export interface StaffField {
  name: string;
  title: string;
  required?: boolean;
  /** A validator the field's values must pass (`validate:`). */
  validate?: string;
}

/**
 * The check pages' catalog: days in Asia/Shanghai; 人事处 (HR) and, with `office`, the IT office's department
 * 信息化办公室 (ITC); HR's table staff (教职工), keyed by its required 职工号 (staff_no), with `fields` after it;
 * with `absent`, HR's table absent (不存在的表), which no hub holds; `rules` (a YAML `rules:` block) last.
 */
export function staffCatalog(
  options: { office?: boolean; fields?: StaffField[]; absent?: boolean; rules?: string } = {},
): string {
  const field = (f: StaffField) =>
    `      - { name: ${f.name}, title: ${f.title}${f.required ? ', required: true' : ''}${f.validate ? `, validate: ${f.validate}` : ''} }`;
  const table = (name: string, title: string, key: string) => [
    `  - name: ${name}`,
    `    title: ${title}`,
    '    department: HR',
    '    sharing: conditional',
    `    key: [${key}]`,
  ];
  const lines = [
    'calendar: { timezone: Asia/Shanghai }',
    'departments:',
    '  - { code: HR, name: 人事处 }',
    ...(options.office ? ['  - { code: ITC, name: 信息化办公室 }'] : []),
    'tables:',
    ...table('staff', '教职工', 'staff_no'),
    '    fields:',
    field({ name: 'staff_no', title: '职工号', required: true }),
    ...(options.fields ?? []).map(field),
    ...(options.absent ? table('absent', '不存在的表', 'id') : []),
    ...(options.rules ? [options.rules] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Imports a test's catalog; one that does not import fails the test naming its problems. */
export async function importCheckCatalog(db: Knex, yaml: string): Promise<void> {
  const result = await importCatalog(db, yaml);
  if (!result.ok) throw new Error(`test catalog did not import: ${JSON.stringify(result.problems)}`);
}

/** Who looks at the check pages: the IT office (the runs pages) or a department's steward (its table pages). */
export const CHECK_PAGE_PEOPLE = {
  office: { department: 'ITC', roles: ['it_office'] },
  steward: { department: 'HR', roles: ['steward'] },
} satisfies Record<string, { department: string; roles: Role[] }>;
export type CheckPagePerson = keyof typeof CHECK_PAGE_PEOPLE;

/** A new account of `who` (its department, or `department`), signed in. */
export async function signInAs(t: TestApp, who: CheckPagePerson, department?: string): Promise<Session> {
  const person = CHECK_PAGE_PEOPLE[who];
  const user = await buildUser(t.db.knex, { department: department ?? person.department, roles: person.roles });
  return signIn(t.app, user.login, user.password);
}

/** The app, its hub tables, the catalog (when given; a test may import its own later), and `as` signed in. */
export async function startCheckPages(setup: {
  hub: HubTables;
  catalog?: string;
  as: CheckPagePerson;
}): Promise<{ t: TestApp; session: Session }> {
  const t = await createTestApp();
  try {
    await buildHubTables(t.db.knex, setup.hub);
    if (setup.catalog) await importCheckCatalog(t.db.knex, setup.catalog);
    return { t, session: await signInAs(t, setup.as) };
  } catch (err) {
    // The test file never gets `t` to close: its database is closed here.
    await t.close();
    throw err;
  }
}
