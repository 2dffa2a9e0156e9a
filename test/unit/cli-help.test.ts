import { PassThrough, Readable } from 'node:stream';
import { COMMANDS, main } from '../../cli/main';

// The command line's operators read Chinese first: every command's --help says what it does in Chinese, then in
// English, under its usage line; so does a usage error. The commands are the registered list itself, so a command
// added without its Chinese help fails here.

const HAN = /\p{Script=Han}/u;
/** A line of English prose: three Latin words at least, and no Chinese. */
const english = (line: string) => !HAN.test(line) && (line.match(/[A-Za-z]{2,}/g) ?? []).length >= 3;

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const code = await main(argv, { stdout, stderr, stdin, env: { HUBWATCH_LOCALE: 'en' }, cwd: process.cwd() });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** The lines below the usage line (which is `用法 / Usage: …`), or a failure naming what is missing. */
function linesBelowUsage(text: string, usage: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === `用法 / Usage: ${usage.split('\n')[0]}`);
  expect({ usageLine: at >= 0 ? lines[at] : null }).toEqual({ usageLine: `用法 / Usage: ${usage.split('\n')[0]}` });
  return lines.slice(at + 1).filter((l) => l.trim() !== '');
}

/** Chinese text first, then English text. */
function expectChineseThenEnglish(body: string[]) {
  const firstChinese = body.findIndex((l) => HAN.test(l));
  const firstEnglish = body.findIndex(english);
  expect({ chinese: firstChinese >= 0, english: firstEnglish >= 0 }).toEqual({ chinese: true, english: true });
  expect(firstChinese).toBeLessThan(firstEnglish);
}

describe('hubwatch <command> --help', () => {
  it('lists commands', () => {
    expect(COMMANDS.length).toBeGreaterThan(10);
  });

  it('`check run --help` names each exit code it ends with: 0 run, 1 could not run, 2 a --table not in the catalog', async () => {
    const help = (await run(['check', 'run', '--help'])).stdout;
    expect(help).toMatch(/Exit 0 when the run completed/);
    expect(help).toMatch(/; 1 when it could not run/);
    expect(help).toMatch(/2 when a --table is not in the catalog/);
    expect(help).toMatch(/--table 指定的表不在数据目录中（或为空）时为 2/);
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '`hubwatch %s --help`: the summary, the usage line, then Chinese, then English',
    async (name, command) => {
      const help = await run([...name.split(' '), '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout.split('\n')[0]).toBe(command.summary);
      const body = linesBelowUsage(help.stdout, command.usage);
      expectChineseThenEnglish(body);
      // Every line of each language is there as written (the English as the README and the tests quote it).
      for (const line of [...command.help.zh, ...command.help.en].filter((l) => l.trim())) expect(help.stdout).toContain(line);
      expect(command.help.en.filter((l) => HAN.test(l))).toEqual([]);
      expect(command.help.zh.filter((l) => l.trim() && !HAN.test(l))).toEqual([]);
    },
  );

  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "`hubwatch %s --no-such-option`: refused in the command line's language, with the same help (exit 2)",
    async (name, command) => {
      const refused = await run([...name.split(' '), '--no-such-option']);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr.split('\n')[0]).toBe('unknown option --no-such-option');
      expectChineseThenEnglish(linesBelowUsage(refused.stderr, command.usage));
    },
  );

  it('keeps the English of a help as it was', async () => {
    const help = await run(['users', 'add', '--help']);
    expect(help.stdout).toContain(
      '  The password is read from standard input when piped (echo "…" | hubwatch users add …);\n' +
        '  otherwise one is generated and printed once.',
    );
    expect((await run(['catalog', 'import', '--help'])).stdout).toContain(
      '  On any error nothing changes and the exit status is 2.',
    );
  });
});

describe('hubwatch without a command, or a group', () => {
  // Said in both languages on each line that is not a command's own name or usage.
  it('the overview names each part in Chinese and English', async () => {
    for (const argv of [['--help'], []]) {
      const { stdout } = await run(argv);
      const lines = stdout.split('\n').filter((l) => l.trim());
      expect(lines.filter((l) => english(l) && !HAN.test(l))).toEqual([]);
      expect(stdout).toContain('用法 / Usage: hubwatch <command> [options]');
      expect(stdout).toContain('(hubwatch <command> --help for details)');
      expect(stdout).toContain('Commands that use the database apply pending migrations first.');
    }
  });

  it("a group's list, asked for or as a usage error, is headed in both languages", async () => {
    const asked = await run(['users', '--help']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toMatch(/^用法 \/ Usage:\n {2}hubwatch users add/);
    expect(asked.stdout.split('\n').filter((l) => english(l) && !HAN.test(l))).toEqual([]);
    const bare = await run(['users']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^用法 \/ Usage:\n {2}hubwatch users add/);
  });
});

describe('hubwatch users <action> LOGIN, with no account or two', () => {
  // Checked before any database is opened: said what was wrong, in the command line's language (HUBWATCH_LOCALE=en
  // here), then the usage in both (as catalog import).
  it.each(['token', 'disable', 'enable', 'password'])(
    'users %s says the account is missing, or which argument is extra',
    async (name) => {
      const missing = await run(['users', name]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`LOGIN (the account) is missing\n\n用法 / Usage: hubwatch users ${name} LOGIN\n`);
      const two = await run(['users', name, 'hr.steward', 'extra']);
      expect(two.code).toBe(2);
      expect(two.stderr.split('\n')[0]).toBe('unexpected argument extra: one account is named');
    },
  );
});
