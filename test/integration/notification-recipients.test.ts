import { departmentRecipients, officeRecipients } from '../../server/services/notifications/recipients';
import { buildDepartment, buildUser } from '../factories';
import { createMigratedTestDatabase, TestDatabase } from '../helpers/database';

/**
 * Who gets a department's e-mails: its stewards' accounts and the catalog's steward addresses, each mailbox once.
 * An address is one mailbox in any case: an account's `HR-Steward@Example.edu.cn` and the catalog's
 * `hr-steward@example.edu.cn` got every mail twice.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createMigratedTestDatabase('recipients');
});
afterAll(() => db.close());

it('sends each mailbox one e-mail, whatever the case each list writes it in', async () => {
  await buildDepartment(db.knex, { code: 'HR', stewards: ['hr-steward@example.edu.cn', 'Payroll@Example.edu.cn'] });
  const steward = await buildUser(db.knex, { department: 'HR', roles: ['steward'] });
  await db.knex('users').where({ id: steward.id }).update({ email: 'HR-Steward@Example.edu.cn' });
  const leader = await buildUser(db.knex, { department: 'HR', roles: ['dept_leader'] });
  await db.knex('users').where({ id: leader.id }).update({ email: ' payroll@example.edu.cn ' });

  expect((await departmentRecipients(db.knex, 'HR')).emails).toEqual(['HR-Steward@Example.edu.cn', 'Payroll@Example.edu.cn']);
  // The leader's address is the catalog's second one: still one mailbox, written as first seen.
  expect((await departmentRecipients(db.knex, 'HR', { leaders: true })).emails).toEqual([
    'HR-Steward@Example.edu.cn',
    'payroll@example.edu.cn',
  ]);
});

it('sends each IT office mailbox one e-mail', async () => {
  for (const email of ['office@example.edu.cn', 'OFFICE@example.edu.cn']) {
    const officer = await buildUser(db.knex, { department: 'ITC', roles: ['it_office'] });
    await db.knex('users').where({ id: officer.id }).update({ email });
  }
  expect((await officeRecipients(db.knex)).emails).toEqual(['office@example.edu.cn']);
});
