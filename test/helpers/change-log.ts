import type { Knex } from 'knex';

/**
 * Every insert, delete and real update of every table but the request bookkeeping (sessions; the
 * rate-limit counters, where a refused request must count too) is logged by a trigger in the same
 * transaction: a refused request that wrote and rolled back leaves no entry, a half write does.
 * A token's `last_used_at` changes on every use: no change of state.
 */
const BOOKKEEPING = ['sessions', 'rate_limit_hits'];
const VOLATILE: Record<string, string[]> = { api_tokens: ['last_used_at'] };

export async function installChangeLog(knex: Knex): Promise<void> {
  const columns: { table_name: string; column_name: string }[] = (
    await knex.raw(
      `select c.table_name, c.column_name from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.table_name not in (${BOOKKEEPING.map(() => '?').join(', ')})
        order by c.table_name, c.ordinal_position`,
      BOOKKEEPING,
    )
  ).rows;
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
  await knex.raw('create table test_changes (id bigserial primary key, table_name text not null)');
  await knex.raw(
    `create function test_changed() returns trigger language plpgsql as $$
     begin insert into test_changes (table_name) values (TG_TABLE_NAME); return null; end $$`,
  );
  for (const [table, cols] of byTable) {
    const kept = cols.filter((c) => !VOLATILE[table]?.includes(c));
    const row = (alias: string) => `row(${kept.map((c) => `${alias}."${c}"`).join(', ')})::text`;
    await knex.raw(
      `create trigger test_changed_rows after insert or delete on "${table}" for each row execute function test_changed()`,
    );
    await knex.raw(
      `create trigger test_changed_values after update on "${table}" for each row when (${row('old')} is distinct from ${row('new')}) execute function test_changed()`,
    );
  }
}

/** The last logged write: compare with `changedSince` after a request. */
export async function mark(knex: Knex): Promise<number> {
  const row = await knex('test_changes').max({ id: 'id' }).first();
  return Number(row?.id ?? 0);
}

export async function changedSince(knex: Knex, since: number): Promise<string[]> {
  const rows = await knex('test_changes').where('id', '>', since).distinct('table_name').orderBy('table_name');
  return rows.map((r: { table_name: string }) => r.table_name);
}

/**
 * Sends `request` and checks it was refused (422) and wrote nothing (installChangeLog first); its answer. Written once
 * here: the suites that refuse a form and check nothing was written each spelled out the same mark, send, 422 and
 * nothing-changed steps.
 */
export async function refusedWritingNothing<R extends { status: number }>(knex: Knex, request: () => PromiseLike<R>): Promise<R> {
  const before = await mark(knex);
  const res = await request();
  expect(res.status).toBe(422);
  expect(await changedSince(knex, before)).toEqual([]);
  return res;
}
