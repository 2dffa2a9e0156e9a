import type { Translator } from '../i18n';

/** A line of a sent-back form's error summary (views/partials/error-summary.hbs): a link to the message beside a box. */
export interface SummaryLine {
  anchor: string;
  message: string;
}

/** A box's label without its parenthesised hint (意见（可选） → 意见), to name the box in a summary. */
export const boxName = (label: string): string => label.replace(/\s*[（(].*$/, '');

/**
 * The summary's line for one message: the message, naming its box where the message does not — beside the box
 * "最多 2000 个字符" says enough; at the top of the page it does not ("说明：最多 2000 个字符").
 */
export function summaryLine(t: Translator, anchor: string, box: string, message: string): SummaryLine {
  return { anchor, message: message.includes(box) ? message : `${box}${t('errors.labelColon')}${message}` };
}

/**
 * A sent-back form's summary from its boxes in page order — `[field, anchor, label key]`, the anchor the id of the
 * message beside the box — one line for each box with a message, the box named by its label without its hint.
 */
export function boxesSummary(
  t: Translator,
  boxes: readonly (readonly [field: string, anchor: string, label: string])[],
  fields: Record<string, string>,
): SummaryLine[] {
  return boxes
    .filter(([field]) => fields[field])
    .map(([field, anchor, label]) => summaryLine(t, anchor, boxName(t(label)), fields[field]));
}
