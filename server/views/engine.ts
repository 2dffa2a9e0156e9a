import path from 'node:path';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import type { HelperOptions } from 'handlebars';
import { isLocale, translate, translator } from '../i18n';
import { checkLabel } from '../presenters/check-label';
import { elapsedText } from '../presenters/duration';
import { formatCount } from '../services/figures';
import { formatPercent, formatScore } from '../services/scorecards/components';
import { limitHelper } from './limits';

export const VIEWS_DIR = path.resolve(__dirname, '../../views');

function rootLocale(options: HelperOptions) {
  const locale = options?.data?.root?.locale;
  return isLocale(locale) ? locale : 'zh-CN';
}

/**
 * The zone a page shows times in: the university's (the catalog calendar's), which the app puts in the page's
 * locals when it renders (`zoneWhenRendering`), so times agree with "today", due dates and overdue; the
 * service's TZ stands in before any catalog and for views rendered without it.
 */
function rootTimezone(options: HelperOptions | undefined, fallback: string): string {
  const zone = options?.data?.root?.timezone;
  return typeof zone === 'string' && zone ? zone : fallback;
}

function formatInZone(value: unknown, timezone: string, withTime: boolean): string {
  if (value == null || value === '') return '';
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(date);
  return parts;
}

/**
 * JSON for a <script type="application/json"> block; `<` escaped so data cannot close the tag.
 * The `json` helper; exported so a route can serialize once and cache the exact same text.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value ?? null).replace(/</g, '\\u003c');
}

/** An opening `<div class="…table-scroll…">` right before a table: a scroll box the page gave it itself. */
const OWN_SCROLL_BOX = /<div class="[^"]*\btable-scroll\b[^"]*">\s*$/;

/**
 * A page's HTML with each table inside a `<div class="table-scroll">` (app.css: overflow-x: auto), so a
 * table wider than the screen scrolls within its own box instead of widening the page, while tables
 * keep their full width. The layout applies it to every page body: no page template has to remember it.
 * A table a page already put in a box of its own (`<div class="sc-table-scroll">`) keeps just that one.
 * Text in templates is escaped (`&lt;table`), so only the templates' own tables match.
 */
export function scrollableTables(html: string): string {
  const wrapped: boolean[] = [];
  return html.replace(/<table\b|<\/table>/g, (tag: string, offset: number) => {
    if (tag === '</table>') return wrapped.pop() ? '</table></div>' : tag;
    const own = OWN_SCROLL_BOX.test(html.slice(Math.max(0, offset - 200), offset));
    wrapped.push(!own);
    return own ? tag : '<div class="table-scroll"><table';
  });
}

/**
 * Templates only show what presenters prepared: helpers format and translate, they never query.
 *
 * `cacheTemplates`: compile each template and partial once. Express turns its view cache on only when the process's
 * NODE_ENV is `production`; without it express-handlebars read and compiled every template and partial again on each
 * page (~20 ms of CPU per page, 2.5–4× the render). Off only in development (config.env), where an edited template
 * shows on the next page without a restart.
 */
export function installViewEngine(app: Express, timezone: string, cacheTemplates: boolean): void {
  const hbs = create({
    extname: '.hbs',
    layoutsDir: path.join(VIEWS_DIR, 'layouts'),
    partialsDir: path.join(VIEWS_DIR, 'partials'),
    defaultLayout: 'main',
    helpers: {
      t(key: string, options: HelperOptions) {
        return translate(rootLocale(options), key, options.hash ?? {});
      },
      eq: (a: unknown, b: unknown) => a === b,
      ne: (a: unknown, b: unknown) => a !== b,
      gt: (a: number, b: number) => a > b,
      or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
      and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
      not: (a: unknown) => !a,
      includes: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
      json: jsonForScript,
      /** One path segment of a link (a department code may hold `#`, `/`, `?` or `%`). */
      uri: (value: unknown) => encodeURIComponent(String(value ?? '')),
      date: (value: unknown, options: HelperOptions) => formatInZone(value, rootTimezone(options, timezone), false),
      datetime: (value: unknown, options: HelperOptions) => formatInZone(value, rootTimezone(options, timezone), true),
      /**
       * A ratio in percent with one decimal, rounded half up as the exports and charts round it (0.9805 → 98.1%),
       * never to 100.0% below 1 nor 0.0% above 0 (0.9999 → 99.9%): formatPercent.
       */
      percent: (value: number | null | undefined) => (value == null ? '—' : formatPercent(value)),
      number: (value: number | null | undefined) => (value == null ? '—' : formatCount(value)),
      /** A score (0–100) with its two decimals; — when there is none. */
      score: (value: number | null | undefined) => (value == null ? '—' : formatScore(value)),
      /** A measurement with `digits` decimals (5.579… hours → 5.6); — when there is none. */
      fixed: (value: number | null | undefined, digits: number) =>
        value == null || !Number.isFinite(Number(value)) ? '—' : Number(value).toFixed(Number(digits)),
      /** Milliseconds as people read them (820 ms, 12.3 s, 2 min 24 s; zh-CN 毫秒/秒/分): elapsedText. */
      duration: (ms: number | null | undefined, options: HelperOptions) => elapsedText(translator(rootLocale(options)), ms),
      add: (a: number, b: number) => Number(a) + Number(b),
      concat: (...args: unknown[]) => args.slice(0, -1).join(''),
      object: (options: HelperOptions) => ({ ...(options.hash ?? {}) }),
      startsWith: (value: unknown, prefix: string) => typeof value === 'string' && value.startsWith(prefix),
      /** A check kind as people read it (代码标准, 自定义规则 <name>…): the presenters' own checkLabel. */
      checkLabel: (kind: unknown, options: HelperOptions) => checkLabel(translator(rootLocale(options)), String(kind ?? '')),
      scrollableTables: (html: unknown) => scrollableTables(String(html ?? '')),
      /**
       * A text box's maxlength, the service's own limit by its name (views/limits.ts): `{{limit "ticket.comment"}}`,
       * `{{limit "sharing.box" "members.phone"}}`. A name not there throws: the page fails rather than lose the limit.
       */
      limit: limitHelper,
    },
  });
  app.engine('.hbs', hbs.engine);
  app.set('view engine', '.hbs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', cacheTemplates);
}
