import { isLocale, Locale, translator, Translator } from '../server/i18n';
import type { CliIo } from './io';

/** The command line speaks Chinese unless HUBWATCH_LOCALE=en, or LANG is English and HUBWATCH_LOCALE unset. */
export function cliLocale(io: CliIo): Locale {
  const explicit = io.env.HUBWATCH_LOCALE;
  if (isLocale(explicit)) return explicit;
  return /^en/i.test(io.env.LANG ?? '') && !/^zh/i.test(io.env.LANG ?? '') ? 'en' : 'zh-CN';
}

export function cliTranslator(io: CliIo): Translator {
  return translator(cliLocale(io));
}
