import type { Knex } from 'knex';

/**
 * The IT office's arbitration conclusion (seed 002 art. 22: 研究并做出结论) is kept on the request —
 * its reason, who decided and when — to be shown on the request page, the printed form and the API.
 * It was written only to the audit log: conclusions decided before this migration are taken from
 * their audit rows (the latest `sharing.arbitration` row of each request; an empty note stays null).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sharing_requests', (t) => {
    t.text('arbitration_conclusion');
    t.bigInteger('arbitrated_by').references('users.id').onDelete('SET NULL');
    t.string('arbitrated_by_name', 200);
    t.timestamp('arbitrated_at', { useTz: true });
  });
  await knex.raw(`
    UPDATE sharing_requests AS r
       SET arbitration_conclusion = nullif(btrim(a.summary->>'note'), ''),
           arbitrated_at = a.occurred_at,
           arbitrated_by = u.id,
           arbitrated_by_name = u.name
      FROM (SELECT DISTINCT ON (object_id) object_id, summary, occurred_at, actor_user_id
              FROM audit_log
             WHERE action = 'sharing.arbitration' AND object_type = 'sharing_request'
             ORDER BY object_id, seq DESC) AS a
      LEFT JOIN users AS u ON u.id = a.actor_user_id
     WHERE a.object_id = r.id::text AND r.arbitration IN ('overturned', 'upheld')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sharing_requests', (t) => {
    t.dropColumn('arbitrated_at');
    t.dropColumn('arbitrated_by_name');
    t.dropColumn('arbitrated_by');
    t.dropColumn('arbitration_conclusion');
  });
}
