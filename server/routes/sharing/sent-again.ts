import type { Knex } from 'knex';
import type { Translator } from '../../i18n';
import { grantState } from '../../services/sharing/grants';
import { loadRequest } from '../../services/sharing/repository';
import { mayCopy } from '../../services/sharing/workflow';

/**
 * What an old form of request `id` (its edit form in another tab, the new-request form sent again) is told once the
 * request is no longer a draft: nothing was saved, and why, as the request now stands — under review it may still
 * be withdrawn; withdrawn, refused or granted (its grant perhaps expired or revoked) it is over, and a new request
 * may be started from it where the page offers that (mayCopy). One message for all said 已经提交…只能撤回 to a draft
 * that was withdrawn, never submitted.
 */
export async function sentAgainMessage(db: Knex, t: Translator, id: number, today: string): Promise<string> {
  const loaded = await loadRequest(db, id);
  const request = loaded?.request;
  if (!request || !['withdrawn', 'rejected', 'granted'].includes(request.status)) return t('sharing.flash.alreadyFiled', { id });
  const grant = loaded.grant
    ? grantState({ expires_on: loaded.grant.expires_on, revoked_at: loaded.grant.revoked_at }, today)
    : 'active';
  const state = request.status === 'granted' && grant !== 'active' ? grant : request.status;
  const text = t(`sharing.flash.sentAgain.${state}`, { id });
  // The hint is a sentence of its own after the message (the English one begins with its space).
  return mayCopy({ status: request.status, arbitration: request.arbitration })
    ? `${text}${t('sharing.flash.sentAgain.copyHint')}`
    : text;
}
