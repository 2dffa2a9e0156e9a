import { ConfigError } from '../server/config';
import { DataDirLockedError } from '../server/db/lock';
import { Command, parseCommandArgs, usageText } from './command';
import { auditVerifyCommand } from './commands/audit';
import { checkRunCommand } from './commands/check';
import { catalogExportCommand, catalogImportCommand } from './commands/catalog';
import { demoResetCommand } from './commands/demo';
import { jobsRunCommand } from './commands/jobs';
import { migrateCommand } from './commands/migrate';
import { serveCommand } from './commands/serve';
import { ticketsListCommand } from './commands/tickets';
import {
  usersAddCommand,
  usersDisableCommand,
  usersEnableCommand,
  usersPasswordCommand,
  usersTokenCommand,
} from './commands/users';
import { CliIo, EXIT, print, processIo, UsageError } from './io';
import { cliTranslator } from './locale';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: Command[] = [
  serveCommand,
  migrateCommand,
  usersAddCommand,
  usersTokenCommand,
  usersDisableCommand,
  usersEnableCommand,
  usersPasswordCommand,
  auditVerifyCommand,
  catalogImportCommand,
  catalogExportCommand,
  demoResetCommand,
  checkRunCommand,
  ticketsListCommand,
  jobsRunCommand,
];

/** Where a command's own help is, as the overview and a group's list say it. */
const DETAILS = '（各命令的说明：hubwatch <command> --help）/ (hubwatch <command> --help for details)';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Hubwatch 数据中台质量监测 — 命令行 / command line',
    '',
    '用法 / Usage: hubwatch <command> [options]',
    DETAILS,
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    '使用数据库的命令会先执行尚未执行的迁移。/ Commands that use the database apply pending migrations first.',
  ].join('\n');
}

/** Longest match of the words of argv against command names (`users add` before `users`). */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (let words = Math.min(3, argv.length); words >= 1; words--) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  // What went wrong is said in the command line's language (HUBWATCH_LOCALE / LANG); help and usage stay in both.
  const t = cliTranslator(io);
  // `hubwatch help users` is `hubwatch users --help` (it printed the whole overview).
  if (argv[0] === 'help' && argv.length > 1) return main([...argv.slice(1), '--help'], io);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    print(io.stdout, overview());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length) {
      const usage = `用法 / Usage:\n${group.map((c) => `  hubwatch ${c.name.padEnd(16)} ${c.summary}`).join('\n')}`;
      // `hubwatch users --help` asks for this list: an answer, not a usage error.
      if (argv.length === 2 && (argv[1] === '--help' || argv[1] === '-h')) {
        print(io.stdout, `${usage}\n\n${DETAILS}`);
        return EXIT.ok;
      }
      // `hubwatch users frob`: what was not understood first (the list alone left it to be guessed).
      if (argv.length > 1) print(io.stderr, t('cli.unknownCommand', { command: `hubwatch ${argv[0]} ${argv[1]}` }));
      print(io.stderr, usage);
    } else {
      print(io.stderr, `${t('cli.unknownCommand', { command: argv.join(' ') })}\n\n${overview()}`);
    }
    return EXIT.usage;
  }
  const { command, rest } = found;
  try {
    const args = parseCommandArgs(command, rest, t);
    if (args.values.help) {
      print(io.stdout, `${command.summary}\n\n${usageText(command)}`);
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      print(io.stderr, `${err.message}\n\n${usageText(command)}`);
      return EXIT.usage;
    }
    if (err instanceof DataDirLockedError) {
      const { pid, command: holder, startedAt } = err.holder;
      print(io.stderr, t('cli.dataDirLocked', { dir: err.dir, pid, command: holder, startedAt }));
      return EXIT.failed;
    }
    if (err instanceof ConfigError) {
      print(io.stderr, err.describe(t));
      return EXIT.failed;
    }
    print(io.stderr, t('cli.error', { message: (err as Error).message }));
    return EXIT.failed;
  }
}
