import { parseCheckError } from '../../../rules/messages';
import type { Translator } from '../../i18n';

/** A CJK character: the Chinese half of an old bilingual text has them, the English half none. */
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/**
 * A stored run or table error (check_runs.error, check_run_tables.error_message) in the reader's language only.
 *
 * The runner's and the engine's own sentences are stored bilingual ("中台中不存在表 x / hub table x does not
 * exist", rules/messages.ts): which one it is and its parameters are read back and said again from
 * `checks.errorText.*`; the words after one (the hub's or the database's own, "…: connect ECONNREFUSED") are kept,
 * and read the same way in case they are such a sentence themselves. A bilingual text no template knows — written
 * before rules/messages.ts held the sentences (e.g. "no catalog imported yet / 尚未导入数据目录") — is split at its
 * one " / " into the half in the reader's language, the Chinese one being the half with Chinese characters. Any
 * other text (the hub's own message) is shown as stored.
 */
export function localizeCheckError(t: Translator, text: string): string {
  const parsed = parseCheckError(text);
  if (parsed) {
    const params: Record<string, string> = { ...parsed.params };
    if (parsed.detail !== undefined) params.detail = localizeCheckError(t, parsed.detail);
    return t(`checks.errorText.${parsed.key}`, params);
  }
  const halves = text.split(' / ');
  if (halves.length === 2) {
    const [a, b] = halves.map((h) => h.trim());
    const chinese = CJK.test(a) && !CJK.test(b) ? a : CJK.test(b) && !CJK.test(a) ? b : null;
    if (chinese !== null) return t('checks.errorText.language') === 'zh-CN' ? chinese : chinese === a ? b : a;
  }
  return text;
}
