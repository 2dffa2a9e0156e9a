import { NotFoundError } from '../errors';

/**
 * A record's id from the path (`/tickets/:id`): digits only, else NaN, which every look-up answers with 404.
 * Number() alone also reads "0x8", "8.0", "1e1" and " 8" as numbers, so one record answered at many addresses.
 */
export function pathId(param: string | string[] | undefined): number {
  const text = typeof param === 'string' ? param : '';
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
}

/**
 * The same for a route that only redirects to the record's page (a sent-back form's address opened again): another
 * spelling of a number is a 404 there too, as on the page itself, never a redirect to an address that does not exist.
 */
export function pathIdOr404(param: string | string[] | undefined): number {
  const id = pathId(param);
  if (!id) throw new NotFoundError();
  return id;
}
