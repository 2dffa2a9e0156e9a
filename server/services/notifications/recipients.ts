import type { Knex } from 'knex';

export interface Recipients {
  userIds: number[];
  emails: string[];
  webhookUrl: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Each mailbox once, as first written: an address is one mailbox in any case (an account's `HR-Steward@Example.edu.cn`
 * and the catalog's `hr-steward@example.edu.cn` got every mail twice).
 */
function unique(emails: (string | null | undefined)[]): string[] {
  const byMailbox = new Map<string, string>();
  for (const e of emails) {
    const address = e?.trim();
    if (address && EMAIL.test(address) && !byMailbox.has(address.toLowerCase())) byMailbox.set(address.toLowerCase(), address);
  }
  return [...byMailbox.values()];
}

/**
 * A department's stewards: accounts with the steward role there, plus the catalog's `stewards` e-mails.
 * `leaders`: its department leaders (`dept_leader`) too, for what is the leader's business — an escalation, the
 * department's assessment result — while the day-to-day tickets stay with the stewards.
 */
export async function departmentRecipients(db: Knex, code: string, opts: { leaders?: boolean } = {}): Promise<Recipients> {
  const roles = opts.leaders ? ['steward', 'dept_leader'] : ['steward'];
  const [department, users] = await Promise.all([
    db('departments').where({ code }).first('stewards', 'webhook_url'),
    db('users')
      .where({ department_code: code, disabled: false })
      .where((q) => {
        for (const role of roles) void q.orWhereRaw('? = ANY(roles)', [role]);
      })
      .orderBy('id')
      .select('id', 'email'),
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
  const users = await db('users')
    .where({ disabled: false })
    .whereRaw(`'it_office' = ANY(roles)`)
    .orderBy('id')
    .select('id', 'email');
  return {
    userIds: users.map((u: { id: number }) => Number(u.id)),
    emails: unique(users.map((u: { email: string | null }) => u.email)),
    webhookUrl: null,
  };
}
