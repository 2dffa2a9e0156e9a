import { DEFAULT_LOCALE, hasKey, type Translator } from '../i18n';

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

/**
 * What a table the run could not check means and what to do about it, in the user's language: the stored
 * message is the hub's (or the runner's bilingual) text; this sentence says it for the IT office. A code this
 * version does not know has none (null).
 */
export function tableErrorHint(t: Translator, code: string | null | undefined): string | null {
  const key = `checks.errorCodes.${code}`;
  return code && hasKey(DEFAULT_LOCALE, key) ? t(key) : null;
}
