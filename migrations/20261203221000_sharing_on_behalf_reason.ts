import type { Knex } from 'knex';

/**
 * Why the IT office decided a stage in a department's place: 'overdue' (a source department past its 5 working
 * days) or 'no_other_reviewer' (nobody in the department but the applicant could decide it). The page and the
 * print form say which. Older on-behalf decisions have null: a unit stage had only the second reason, a source
 * stage only the first (the pages read them so).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sharing_stages', (t) => {
    t.string('on_behalf_reason', 32);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sharing_stages', (t) => {
    t.dropColumn('on_behalf_reason');
  });
}
