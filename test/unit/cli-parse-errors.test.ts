import { Command, parseCommandArgs } from '../../cli/command';
import { UsageError } from '../../cli/io';
import { Translator, translator } from '../../server/i18n';

// The command line's refusals of what was typed are in its language (HUBWATCH_LOCALE / LANG), as its other
// diagnostics, naming it as typed. They were in both, Chinese first, whatever the language.
const command: Command = {
  name: 'check run',
  summary: '',
  usage: 'hubwatch check run [--table T]… [--json]',
  help: { zh: [], en: [] },
  options: { table: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  run: async () => 0,
};

function refusal(argv: string[], t: Translator = translator('zh-CN')): string {
  try {
    parseCommandArgs(command, argv, t);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseCommandArgs refusals', () => {
  it('names an unknown option, a missing value, a value where none is taken and an extra argument, in Chinese', () => {
    expect(refusal(['--tabel', 'x'])).toBe('未知选项 --tabel');
    expect(refusal(['--table'])).toBe('选项 --table 需要一个值');
    expect(refusal(['--json=yes'])).toBe('选项 --json 不带值');
    expect(refusal(['staff'])).toBe('多余的参数 staff：此命令不接受选项以外的参数');
  });

  it('and in English', () => {
    const en = translator('en');
    expect(refusal(['--tabel', 'x'], en)).toBe('unknown option --tabel');
    expect(refusal(['--table'], en)).toBe('option --table needs a value');
    expect(refusal(['--json=yes'], en)).toBe('option --json takes no value');
    expect(refusal(['staff'], en)).toBe('unexpected argument staff: this command takes options only');
  });

  it('a value starting with a dash, read as an option, is named with how to write it (it said only "needs a value")', () => {
    const days: Command = { ...command, options: { 'expires-in-days': { type: 'string' } } };
    const said = (t: Translator) => {
      try {
        parseCommandArgs(days, ['--expires-in-days', '-1'], t);
      } catch (err) {
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(said(translator('en'))).toBe(
      'option --expires-in-days needs a value (-1 was read as an option); a value starting with a dash is written --expires-in-days=-1',
    );
    expect(said(translator('zh-CN'))).toBe(
      '选项 --expires-in-days 需要一个值（-1 被当作选项）；以 - 开头的值请写成 --expires-in-days=-1',
    );
  });

  it('accepts what the command declares', () => {
    expect(parseCommandArgs(command, ['--table', 'a', '--table', 'b', '--json'], translator('en')).values).toEqual({
      table: ['a', 'b'],
      json: true,
    });
  });
});
