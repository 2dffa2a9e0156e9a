import type { Knex } from 'knex';

/**
 * `hub.transaction(work, options)`, rejecting with what failed inside `work`. When the connection
 * itself is lost (the hub restarts, a DBA terminates the backend), knex's ROLLBACK fails as well and
 * its error ("ROLLBACK - Client has encountered a connection error and is not queryable") would
 * replace the one that says what happened (57P01 terminating connection, FATAL), which is what
 * classifies the table's failure as the hub being unreachable.
 */
export async function hubTransaction<T>(
  hub: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  options: Knex.TransactionConfig,
): Promise<T> {
  const inside: { error?: unknown } = {};
  try {
    return await hub.transaction(async (trx) => {
      try {
        return await work(trx);
      } catch (error) {
        inside.error = error;
        throw error;
      }
    }, options);
  } catch (error) {
    throw 'error' in inside ? inside.error : error;
  }
}
