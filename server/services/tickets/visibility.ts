import { pathSegmentShown } from '../characters';
import { NotFoundError } from '../../errors';
import { Action, can, CurrentUser } from '../../policies';

/**
 * The answer to a ticket this user may not open: the 404 of a missing ticket, worded the same for both. A 403 for
 * another department's ticket told every steward which ticket numbers exist elsewhere (and, by walking the ids, how
 * many tickets each department has). Whoever reads every ticket (the IT office, university leaders) is told plainly
 * that it does not exist; everyone else that it does not exist or is not theirs to see.
 */
export function ticketNotFound(actor: CurrentUser | undefined, id: number | string): NotFoundError {
  const key = actor && can(actor, 'tickets.viewAll') ? 'tickets.errors.notFound' : 'tickets.errors.notFoundOrNotYours';
  // The number as typed in the path, an invisible character in it (a NUL, a direction override) written out.
  return new NotFoundError(key, { id: typeof id === 'string' ? pathSegmentShown(id) : String(id) });
}

/** The ticket when `actor` may open it by `action` (`tickets.view`, or `reports.ticket` for a report's answer page); else that 404. */
export function visibleTicket<T extends { department_code: string }>(
  ticket: T | undefined,
  actor: CurrentUser | undefined,
  id: number | string,
  action: Action = 'tickets.view',
): T {
  if (!ticket || !actor || !can(actor, action, { department: ticket.department_code })) throw ticketNotFound(actor, id);
  return ticket;
}
