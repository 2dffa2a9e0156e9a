import type { Hub } from '../../server/hub';
import { readHubRecord } from '../../server/services/reports/lookup';
import type { CatalogField, CatalogTable } from '../../server/services/catalog/types';

/**
 * A look-up (the report form's, and the reporter's "hub now" line) waits for the hub at most its timeout, connection
 * included: the hub's pool is shared with check runs, which can hold every connection for minutes, and a page must
 * say "unavailable" instead of hanging.
 */
// Without the bound the promise never settles (jest's test timeout fails it).
it('answers unavailable when no hub connection comes within the timeout', async () => {
  // A hub whose pool never hands out a connection (all held by a check run).
  const hub = { dialect: 'postgres', knex: { transaction: () => new Promise(() => undefined) } } as unknown as Hub;
  const table = { name: 'staff_basic', key: ['staff_no'] } as unknown as CatalogTable;
  const field = { name: 'name' } as unknown as CatalogField;
  await expect(readHubRecord(hub, table, field, { staff_no: '20190001' }, 50)).resolves.toEqual({ status: 'unavailable' });
});
