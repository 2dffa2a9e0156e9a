/**
 * A record's id from the path (`/tickets/:id`): digits only, else NaN, which every look-up answers with 404.
 * Number() alone also reads "0x8", "8.0", "1e1" and " 8" as numbers, so one record answered at many addresses.
 */
export function pathId(param: string | string[] | undefined): number {
  const text = typeof param === 'string' ? param : '';
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
}
