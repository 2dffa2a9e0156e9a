import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from '../helpers/process';

/**
 * `hubwatch check run --json` as scripts and cron jobs run it, a real process: stdout holds only the JSON
 * (the logger and knex used to write their lines, with stacks, to stdout before it), and a hub that cannot
 * be reached is exit 1, "could not run", the run recorded as failed with each table's error.
 */
describe('hubwatch check run --json as a process', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubwatch-check-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the command with a hub nobody listens on (port 1). */
  function hubwatch(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      HUB_DATABASE_URL: 'postgres://127.0.0.1:1/hub',
      HUBWATCH_LOCALE: 'en',
    };
    return new Promise((resolve) =>
      execFile(process.execPath, [BIN, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  }
  const stackLine = /^\s+at .+:\d+/m;
  // Each process compiles PGlite's WebAssembly: a few seconds on an idle machine, over a minute beside other work
  // (one took 60 s in a loaded run). The limits below only stop a hang.

  it('without a catalog: exit 1, stdout is the JSON of the failed run, no stack anywhere', async () => {
    const res = await hubwatch('check', 'run', '--json');
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: 'failed', error: expect.stringContaining('no catalog') });
    expect(res.stdout + res.stderr).not.toMatch(stackLine);
  }, 150_000);

  it('with the hub unreachable: exit 1, stdout is the JSON with every table in error, stderr says why', async () => {
    const imported = await hubwatch(
      'catalog',
      'import',
      path.resolve(__dirname, '../../../shared/examples/university.catalog.yaml'),
    );
    expect(imported.code).toBe(0);
    const res = await hubwatch('check', 'run', '--json');
    expect(res.code).toBe(1);
    const run = JSON.parse(res.stdout);
    // A failed run (each table with its error, as the runs page shows); `error` says why it did not run.
    expect(run).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^数据中台无法连接 \/ the hub could not be reached: /),
    });
    expect(run.tables.length).toBeGreaterThan(0);
    expect(run.tables.every((t: { error: { code: string } | null }) => t.error?.code === 'hub_unreachable')).toBe(true);
    expect(res.stderr).toContain('the hub could not be reached');
    expect(res.stdout + res.stderr).not.toMatch(stackLine);
    // The summary for people says nothing was checked (it read "completed", then exit 1).
    const text = await hubwatch('check', 'run');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^Check run #\d+: nothing checked \(the hub could not be reached\), (?:\d+ ms|\d+\.\d s)\n/);
  }, 300_000);
});
