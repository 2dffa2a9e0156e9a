import { parseArgs, ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import { UsageError } from './io';

export interface Command {
  /** Words that select it, e.g. `users add`. */
  name: string;
  summary: string;
  usage: string;
  options?: ParseArgsConfig['options'];
  allowPositionals?: boolean;
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

export function parseCommandArgs(command: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...(command.options ?? {}), help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    }) as { values: Record<string, unknown>; positionals: string[] };
  } catch (err) {
    throw new UsageError(parseErrorText(err as Error & { code?: string }));
  }
}

/**
 * node:util's parseArgs speaks English only (`Unknown option '--tabel'`); every other diagnostic of the command
 * line is `中文 / English`, so its three refusals are said in both, naming what was typed.
 */
function parseErrorText(err: Error & { code?: string }): string {
  const typed = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const option = typed.replace(/ <value>$/, '');
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `未知选项 ${option} / unknown option ${option}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `多余的参数 ${typed}：此命令不接受选项以外的参数 / unexpected argument ${typed}: this command takes options only`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message)
        ? `选项 ${option} 不带值 / option ${option} takes no value`
        : `选项 ${option} 需要一个值 / option ${option} needs a value`;
    default:
      return err.message;
  }
}
