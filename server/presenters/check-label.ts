import { DEFAULT_LOCALE, hasKey, type Translator } from '../i18n';
import { scrubForLog } from '../services/privacy';

/**
 * A check kind as people read it, in the user's language: the check pages' names (`checks.kinds.*`:
 * 代码标准, 维护时限, 用户纠错 for `report`…), a catalog rule as "自定义规则 <name>"; a kind this
 * version does not know stays as stored.
 */
export function checkLabel(t: Translator, kind: string): string {
  if (kind.startsWith('rule:')) return t('tickets.list.ruleCheck', { name: kind.slice('rule:'.length) });
  const key = `checks.kinds.${kind}`;
  return hasKey(DEFAULT_LOCALE, key) ? t(key) : kind;
}

/** Whether a result is one verdict on the whole table (freshness, a catalog rule): the pages' one test, the engine's. */
export { isTableVerdict } from '../../rules/types';

/**
 * What a table the run could not check means and what to do about it, in the user's language: the stored
 * message is the hub's (or the runner's bilingual) text; this sentence says it for the IT office. A code this
 * version does not know has none (null).
 */
export function tableErrorHint(t: Translator, code: string | null | undefined): string | null {
  const key = `checks.errorCodes.${code}`;
  return code && hasKey(DEFAULT_LOCALE, key) ? t(key) : null;
}

/**
 * Why a run could not check a table, as a reader may see it. The hub's raw message can tell its internals (host
 * names, schemas, a row's values): only the IT office, who can run the checks and act on it, gets it and its code,
 * with personal numbers masked as in the logs, and the hint; anyone else (a steward, a data user, a university
 * leader) is told it is the run's problem, not the data's, and no more. One rule for the catalog table page and the
 * run page.
 */
export function tableErrorView(
  t: Translator,
  outcome: { error_code: string | null; error_message: string | null },
  forOffice: boolean,
): { forOffice: boolean; code: string | null; message: string | null; hint: string | null } {
  if (!forOffice) return { forOffice, code: null, message: null, hint: null };
  return {
    forOffice,
    code: outcome.error_code,
    message: outcome.error_message === null ? null : scrubForLog(outcome.error_message),
    hint: tableErrorHint(t, outcome.error_code),
  };
}
