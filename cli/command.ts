import { parseArgs, ParseArgsConfig } from 'node:util';
import type { Translator } from '../server/i18n';
import type { CliIo } from './io';
import { UsageError } from './io';

export interface Command {
  /** Words that select it, e.g. `users add`. */
  name: string;
  /** One line, `中文 / English`, as `hubwatch --help` lists it. */
  summary: string;
  /** The usage line: what is typed, option names as typed (not translated). */
  usage: string;
  /**
   * What `--help`, and a usage error, say under the usage line: the Chinese lines first, then the English ones
   * (an empty string is a blank line). The operators read Chinese first (test/unit/cli-help holds every command to it).
   */
  help: { zh: string[]; en: string[] };
  options?: ParseArgsConfig['options'];
  allowPositionals?: boolean;
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** The usage line, then the help in Chinese, then in English, each an indented paragraph. */
export function usageText(command: Command): string {
  const paragraph = (lines: string[]) => lines.map((l) => (l ? `  ${l}` : '')).join('\n');
  return [`用法 / Usage: ${command.usage}`, paragraph(command.help.zh), paragraph(command.help.en)].join('\n\n');
}

export function parseCommandArgs(command: Command, argv: string[], t: Translator) {
  try {
    return parseArgs({
      args: argv,
      options: { ...(command.options ?? {}), help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (err) {
    throw new UsageError(parseErrorText(err as Error & { code?: string }, argv, t));
  }
}

/**
 * node:util's parseArgs speaks English only (`Unknown option '--tabel'`); every other diagnostic of the command
 * line is in its language (HUBWATCH_LOCALE / LANG), so are its three refusals, naming what was typed.
 */
function parseErrorText(err: Error & { code?: string }, argv: string[], t: Translator): string {
  const typed = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option = typed.replace(/ <value>$/, '');
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return t('cli.unknownOption', { option });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return t('cli.unexpectedArgument', { argument: typed });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message)) return t('cli.optionTakesNoValue', { option });
      // `--expires-in-days -1`: the value was typed, but read as an option ("needs a value" alone denied it was given).
      if (/ambiguous/.test(err.message)) {
        const value = argv[argv.indexOf(option) + 1];
        if (value !== undefined && !value.startsWith('--')) return t('cli.optionValueLooksLikeOption', { option, value });
      }
      return t('cli.optionNeedsValue', { option });
    default:
      return err.message;
  }
}
