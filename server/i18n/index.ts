import fs from 'node:fs';
import path from 'node:path';
import type { MessageParams } from '../errors';

/**
 * UI strings live in `locales/<locale>/<area>.json`, one file per area so that features do not
 * edit each other's files; a key is `<area>.<path>` (e.g. `auth.login.title`). zh-CN is the
 * reference: a key missing in English falls back to Chinese, a key missing everywhere shows itself.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

type Dictionary = Map<string, string>;
const dictionaries = new Map<Locale, Dictionary>();

function flatten(prefix: string, value: unknown, into: Dictionary): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, into);
  }
}

function load(locale: Locale): Dictionary {
  const cached = dictionaries.get(locale);
  if (cached) return cached;
  const dict: Dictionary = new Map();
  const dir = path.join(__dirname, 'locales', locale);
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const area = file.replace(/\.json$/, '');
    flatten(area, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), dict);
  }
  dictionaries.set(locale, dict);
  return dict;
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function hasKey(locale: Locale, key: string): boolean {
  return load(locale).has(key);
}

/**
 * Translates `key`, replacing `{name}` placeholders with `params`, and `{name|one|other}` with `one` when the number
 * `name` is 1, else `other` (English: "Acknowledged {count} {count|ticket|tickets}" — it read "1 ticket(s)").
 */
export function translate(locale: Locale, key: string, params: MessageParams = {}): string {
  const template = load(locale).get(key) ?? load(DEFAULT_LOCALE).get(key) ?? key;
  return template.replace(/\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g, (whole, name: string, one?: string, other?: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (one === undefined) return String(value);
    return Number(value) === 1 ? one : (other ?? one);
  });
}

export type Translator = (key: string, params?: MessageParams) => string;

export function translator(locale: Locale): Translator {
  return (key, params) => translate(locale, key, params);
}

/** All keys of a locale (for the test that English and Chinese have the same keys). */
export function allKeys(locale: Locale): string[] {
  return [...load(locale).keys()];
}
