import fs from 'node:fs';
import path from 'node:path';
import { COMMANDS } from '../../cli/main';
import { loadConfig } from '../../server/config';

/**
 * The README's two tables a newcomer acts on first — the environment variables and the commands — stay true:
 * every variable the configuration reads is in the table and every row is one it reads, with its documented
 * default really the default; every registered command has its row, with exactly its options.
 */
const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The table rows (`| … |`) of the README section headed `## <heading>`, split into cells. */
function tableRows(heading: string): string[][] {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| variable') && !line.startsWith('| command'))
    .map((line) =>
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe('README: Configuration', () => {
  const rows = tableRows('Configuration').map(([names, defaults]) => ({
    // `SESSION_IDLE_MINUTES` / `SESSION_ABSOLUTE_MINUTES` share a row, and so do their defaults.
    names: [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]),
    defaults: defaults.split(' / ').map((d) => /^`([^`]*)`$/.exec(d.trim())?.[1]),
  }));
  const documented = rows.flatMap((r) => r.names);

  /** Every variable loadConfig reads: those it asks an empty environment for, and any `env.NAME` in its source. */
  function variablesRead(): string[] {
    const asked = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_target, key) => {
        if (typeof key === 'string') asked.add(key);
        return undefined;
      },
    });
    loadConfig(env, '/srv/hubwatch');
    const source = fs.readFileSync(path.join(ROOT, 'server', 'config.ts'), 'utf8');
    for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) asked.add(m[1]);
    return [...asked];
  }

  it('lists every variable server/config.ts reads, and only those', () => {
    const read = variablesRead();
    expect(read.filter((v) => !documented.includes(v))).toEqual([]);
    expect(documented.filter((v) => !read.includes(v))).toEqual([]);
  });

  it('gives defaults that are the defaults: setting a variable to its documented default changes nothing', () => {
    const unset = loadConfig({}, '/srv/hubwatch');
    const checked: string[] = [];
    for (const { names, defaults } of rows) {
      names.forEach((name, i) => {
        const value = defaults.length === names.length ? defaults[i] : undefined;
        // Literal defaults only: `http://localhost:$PORT`, "generated" or "—" are explained, not typed.
        if (value === undefined || value.includes('$')) return;
        expect({ [name]: loadConfig({ [name]: value }, '/srv/hubwatch') }).toEqual({ [name]: unset });
        checked.push(name);
      });
    }
    expect(checked).toEqual(
      expect.arrayContaining(['PORT', 'DATA_DIR', 'LOG_LEVEL', 'TZ', 'CHECK_SCHEDULE', 'CHECK_SCAN_PARTS']),
    );
  });
});

describe('README: Command line', () => {
  const rows = tableRows('Command line').map(([usage, what]) => ({
    usage,
    name: /^`hubwatch ([a-z]+(?: [a-z]+)?)/.exec(usage)?.[1],
    flags: [...`${usage} ${what}`.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]),
  }));

  it('has one row for every registered command, and no other', () => {
    expect(rows.map((r) => r.name).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('names exactly the options of `hubwatch %s`', (name, command) => {
    const row = rows.find((r) => r.name === name)!;
    const options = Object.keys(command.options ?? {}).sort();
    expect([...new Set(row.flags)].sort()).toEqual(options);
  });
});
