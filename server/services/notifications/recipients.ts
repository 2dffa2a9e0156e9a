import type { Knex } from 'knex';

export interface Recipients {
  userIds: number[];
  emails: string[];
  webhookUrl: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function unique(emails: (string | null | undefined)[]): string[] {
  return [...new Set(emails.filter((e): e is string => !!e && EMAIL.test(e)).map((e) => e.trim()))];
}

/** A department's stewards: accounts with the steward role there, plus the catalog's `stewards` e-mails. */
export async function departmentRecipients(db: Knex, code: string): Promise<Recipients> {
  const [department, users] = await Promise.all([
    db('departments').where({ code }).first('stewards', 'webhook_url'),
    db('users').where({ department_code: code, disabled: false }).whereRaw(`'steward' = ANY(roles)`).select('id', 'email'),
  ]);
  const listed = (department?.stewards ?? []) as string[];
  return {
    userIds: users.map((u: { id: number }) => Number(u.id)),
    emails: unique([...users.map((u: { email: string | null }) => u.email), ...listed]),
    webhookUrl: department?.webhook_url ?? null,
  };
}

/** The IT office: accounts with the it_office role. */
export async function officeRecipients(db: Knex): Promise<Recipients> {
  const users = await db('users').where({ disabled: false }).whereRaw(`'it_office' = ANY(roles)`).select('id', 'email');
  return {
    userIds: users.map((u: { id: number }) => Number(u.id)),
    emails: unique(users.map((u: { email: string | null }) => u.email)),
    webhookUrl: null,
  };
}
