import { Command, parseCommandArgs } from '../../cli/command';
import { UsageError } from '../../cli/io';

// The command line's refusals of what was typed are in both languages, as its other diagnostics, naming it.
const command: Command = {
  name: 'check run',
  summary: '',
  usage: 'hubwatch check run [--table T]… [--json]',
  help: { zh: [], en: [] },
  options: { table: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  run: async () => 0,
};

function refusal(argv: string[]): string {
  try {
    parseCommandArgs(command, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseCommandArgs refusals', () => {
  it('names an unknown option, a missing value, a value where none is taken and an extra argument, in Chinese and English', () => {
    expect(refusal(['--tabel', 'x'])).toBe('未知选项 --tabel / unknown option --tabel');
    expect(refusal(['--table'])).toBe('选项 --table 需要一个值 / option --table needs a value');
    expect(refusal(['--json=yes'])).toBe('选项 --json 不带值 / option --json takes no value');
    expect(refusal(['staff'])).toBe(
      '多余的参数 staff：此命令不接受选项以外的参数 / unexpected argument staff: this command takes options only',
    );
  });

  it('accepts what the command declares', () => {
    expect(parseCommandArgs(command, ['--table', 'a', '--table', 'b', '--json']).values).toEqual({
      table: ['a', 'b'],
      json: true,
    });
  });
});
