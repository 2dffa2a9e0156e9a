import type { AppContext } from '../../context';
import { AlreadyDoneError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../errors';
import { can, type CurrentUser } from '../../policies';
import { appendAudit, auditActorOf } from '../audit';
import { addDays } from '../calendar';
import { visibleText } from '../characters';
import { noticeApplicant } from './notices';
import { EXPIRY_REMINDER_DAYS } from './types';
import { sentText } from './sent-text';
import { clock, lockSeenRequest, type Actor } from './workflow';

/**
 * What happens after a grant: the IT office may revoke it; it is reminded 30 days before it expires;
 * returned-data items (回传, seed 001) are obligations until marked delivered.
 */

export async function revokeGrant(ctx: AppContext, actor: Actor, requestId: number, sentReason: unknown): Promise<void> {
  if (!can(actor.user, 'sharing.manage')) throw new ForbiddenError();
  const { today } = await clock(ctx);
  await ctx.db.transaction(async (trx) => {
    const grant = await trx('sharing_grants').where({ request_id: requestId }).forUpdate().first();
    if (!grant) throw new NotFoundError('sharing.errors.noGrant');
    if (grant.revoked_at) throw new AlreadyDoneError('sharing.errors.alreadyRevoked');
    // Expired, nothing is left to take back (the page offers no revoke): a form kept open past the last day, or sent by
    // hand, marked an expired grant revoked and told the applicant their system had lost the data it no longer had.
    if (grantState(grant, today) === 'expired')
      throw new ConflictError('sharing.errors.grantExpired', { date: String(grant.expires_on) });
    // The reason once there is a grant to revoke (404 and 409 first, as every action): text, at most 2000 characters.
    const errors: FieldError[] = [];
    const reason = visibleText(sentText(sentReason, 'reason', errors));
    if (!reason && !errors.length) errors.push({ field: 'reason', key: 'sharing.errors.revokeReason' });
    if (errors.length) throw new ValidationError(errors);
    await trx('sharing_grants')
      .where({ id: grant.id })
      .update({ revoked_at: ctx.now(), revoked_by: actor.user.id, revoke_reason: reason });
    // The applicant's system loses its data: they are told.
    const request = await trx('sharing_requests').where({ id: requestId }).first('id', 'applicant_id');
    await noticeApplicant(
      trx,
      { id: Number(request.id), applicant_id: Number(request.applicant_id) },
      { kind: 'revoked' },
      actor.user.id,
    );
    await appendAudit(trx, {
      actor: auditActorOf(actor.user),
      action: 'sharing.revoke',
      objectType: 'sharing_request',
      objectId: requestId,
      summary: { reason },
      ip: actor.ip,
      requestId: actor.requestId,
    });
  });
}

/**
 * Whether a grant still holds: `revoked` by the IT office, `expired` once its last day (`expires_on`, shown as
 * 授权有效期至…) is over, else `active`. The request stays `granted` (that is how it was decided); pages say which.
 */
export type GrantState = 'active' | 'expired' | 'revoked';
export function grantState(grant: { expires_on: string; revoked_at?: unknown }, today: string): GrantState {
  if (grant.revoked_at) return 'revoked';
  return grant.expires_on < today ? 'expired' : 'active';
}

/** The applicant (who sends the data back) or the IT office (who receives it) marks an item delivered. */
export function mayMarkDelivered(user: CurrentUser, applicantId: number): boolean {
  return user.id === applicantId || can(user, 'sharing.manage');
}

/** Marks a returned item delivered (mayMarkDelivered); one already marked is left as it is (AlreadyDoneError). */
export async function markReturnedDelivered(ctx: AppContext, actor: Actor, requestId: number, itemId: number): Promise<void> {
  const { today } = await clock(ctx);
  await ctx.db.transaction(async (trx) => {
    // One who may not see the request gets the 404 of a missing one; a reviewer who may, the 403.
    const { request } = await lockSeenRequest(trx, actor.user, requestId, today);
    if (!mayMarkDelivered(actor.user, request.applicant_id)) throw new ForbiddenError();
    if (request.status !== 'granted') throw new ConflictError('sharing.errors.notGranted');
    const item = await trx('sharing_returned_items').where({ id: itemId, request_id: requestId }).first();
    if (!item) throw new NotFoundError('sharing.errors.notFound');
    if (item.delivered_at) throw new AlreadyDoneError('sharing.errors.alreadyDelivered');
    await trx('sharing_returned_items').where({ id: itemId }).update({ delivered_at: ctx.now(), delivered_by: actor.user.id });
    await appendAudit(trx, {
      actor: auditActorOf(actor.user),
      action: 'sharing.returned_delivered',
      objectType: 'sharing_request',
      objectId: requestId,
      summary: { item: itemId },
      ip: actor.ip,
      requestId: actor.requestId,
    });
  });
}

export interface ExpiryReminder {
  requestId: number;
  applicantId: number;
  expiresOn: string;
}

/** Grants that expire within 30 days and were not reminded yet: marked reminded once, returned for notifying. */
export async function remindExpiringGrants(ctx: AppContext): Promise<ExpiryReminder[]> {
  const { today } = await clock(ctx);
  const horizon = addDays(today, EXPIRY_REMINDER_DAYS);
  const due = await ctx
    .db('sharing_grants as g')
    .join('sharing_requests as r', 'r.id', 'g.request_id')
    .whereNull('g.revoked_at')
    .whereNull('g.expiry_reminded_at')
    .where('g.expires_on', '<=', horizon)
    .where('g.expires_on', '>=', today)
    .select('g.id', 'g.request_id', 'g.expires_on', 'r.applicant_id');
  const out: ExpiryReminder[] = [];
  for (const g of due) {
    await ctx.db.transaction(async (trx) => {
      const n = await trx('sharing_grants')
        .where({ id: g.id })
        .whereNull('expiry_reminded_at')
        .update({ expiry_reminded_at: ctx.now() });
      if (n !== 1) return;
      await appendAudit(trx, {
        actor: null,
        action: 'sharing.expiry_reminder',
        objectType: 'sharing_request',
        objectId: Number(g.request_id),
        summary: { expiresOn: g.expires_on },
      });
      out.push({ requestId: Number(g.request_id), applicantId: Number(g.applicant_id), expiresOn: g.expires_on });
    });
  }
  return out;
}
