/**
 * "Fixed" asks for an immediate re-check of the ticket's table. The check runner (issue 4) registers
 * how to do that once at start with `onRecheckRequested`; until then (and in tests) the request is
 * only recorded as `tickets.recheck_requested_at`, which a runner may also poll.
 */
export type RecheckRequester = (table: string) => void | Promise<void>;

let requester: RecheckRequester | null = null;

export function onRecheckRequested(fn: RecheckRequester | null): void {
  requester = fn;
}

/** The registered requester, wrapped so that a failing re-check never fails the user's transition. */
export function recheckRequester(log: (err: unknown) => void): RecheckRequester {
  return async (table) => {
    try {
      await requester?.(table);
    } catch (err) {
      log(err);
    }
  };
}
