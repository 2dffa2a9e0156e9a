import { Utils } from 'handlebars';

/**
 * A long <select>'s <option>s rendered once and reused across requests, with `selected` spliced in per
 * request: with hundreds of options (the report form's 500 tables, the queue's table menu) iterating
 * them in the template with a helper per option was most of a page's Node time. Values and labels are
 * escaped with Handlebars' own function, so the HTML is what `{{value}}` / `{{label}}` wrote. Keep the
 * result per cached list (e.g. in a WeakMap keyed by it); it must not be changed.
 */
export interface OptionList {
  html: string;
  /** Where `selected` goes for a value; a list, since a template's `eq` marked every equal value. */
  selectAt: Map<string, number[]>;
  /** What is inserted there: the two templates this replaced differ by a space before `>`. */
  marker: string;
}

/** `<option value="V"{gap}>{label}</option>` for each item; `gap` is '' or ' ' as the page always had it. */
export function renderOptionList(items: Iterable<{ value: string; label: string }>, gap: '' | ' ' = ''): OptionList {
  let html = '';
  const selectAt = new Map<string, number[]>();
  for (const { value, label } of items) {
    html += `<option value="${Utils.escapeExpression(value)}"${gap}`;
    const at = selectAt.get(value);
    if (at) at.push(html.length);
    else selectAt.set(value, [html.length]);
    html += `>${Utils.escapeExpression(label)}</option>`;
  }
  return { html, selectAt, marker: gap ? 'selected' : ' selected' };
}

/** The list's HTML with `selected` on the options whose value is `chosen` (none when absent). */
export function withSelected(list: OptionList, chosen: string): string {
  const at = list.selectAt.get(chosen);
  if (!at) return list.html;
  let html = '';
  let from = 0;
  for (const i of at) {
    html += list.html.slice(from, i) + list.marker;
    from = i;
  }
  return html + list.html.slice(from);
}
