import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, spawnHubwatch, Spawned, waitFor } from '../helpers/process';

/**
 * The zero-setup path as a user meets it: `hubwatch serve` on the embedded database, a second
 * process refused on the same data directory, and a graceful stop on SIGTERM.
 */
describe('hubwatch serve as a process', () => {
  let dataDir: string;
  let port: number;
  let server: Spawned;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubwatch-e2e-'));
    port = await freePort();
    server = spawnHubwatch(['serve'], { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
    // A first start migrates a new embedded database and builds the demo hub before it listens: 48 s on a 2-vCPU
    // machine at a load average of 13, over 90 s in a CI run beside other sessions' work (it timed out so). The test
    // is that it serves, not how fast.
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 180_000, 'the server to listen');
  }, 210_000);

  afterAll(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the login page and the health endpoints', async () => {
    const login = await fetch(`http://127.0.0.1:${port}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('<form method="post" action="/login"');
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready' });
    const css = await fetch(`http://127.0.0.1:${port}/static/css/app.css`);
    expect(css.status).toBe(200);
    const chart = await fetch(`http://127.0.0.1:${port}/static/vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
  });

  it('on the first start, checks the demo hub and snapshots the scores: the dashboard has a ranking at once', async () => {
    // The IT office's password, as the first start printed it in the demo accounts' box.
    const password = /\|\s*itoffice\s*\|[^|]*\|[^|]*\|\s*(\S+)\s*\|/.exec(server.output())?.[1];
    expect(password).toBeDefined();
    const base = `http://127.0.0.1:${port}`;
    const form = await fetch(`${base}/login`);
    let cookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signedIn = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, login: 'itoffice', password: password! }).toString(),
    });
    expect(signedIn.status).toBe(302);
    cookie = (signedIn.headers.get('set-cookie') ?? cookie).split(';')[0];
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    let items: { department: string; score: number | null; rank: number | null }[] = [];
    await waitFor(
      async () => {
        const res = await fetch(`${base}/api/v1/scorecards?from=${today}&to=${today}`, { headers: { cookie } });
        items = res.ok ? ((await res.json()) as { items: typeof items }).items : [];
        return items.some((i) => i.score !== null);
      },
      90_000,
      "today's scores after the first check run",
    );
    expect(items.filter((i) => i.rank === 1)).not.toHaveLength(0);
  }, 120_000);

  it('keeps the embedded data and its session secret under DATA_DIR', () => {
    expect(fs.existsSync(path.join(dataDir, 'db'))).toBe(true);
    expect(fs.readFileSync(path.join(dataDir, 'session-secret'), 'utf8').length).toBeGreaterThanOrEqual(32);
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'hubwatch.lock'), 'utf8'));
    expect(lock.pid).toBe(server.child.pid);
  });

  it('refuses a second process on the same data directory, naming the first', async () => {
    const second = spawnHubwatch(['migrate'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`PID ${server.child.pid}`);
    expect(second.output()).toContain('hubwatch serve');
  });

  it('stops gracefully on SIGTERM and releases the data directory', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'hubwatch.lock'))).toBe(false);
    const again = spawnHubwatch(['migrate'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(await again.exited).toBe(0);
  });

  it('ends with status 1 when its port is taken, and releases the data directory (it hung, the directory locked)', async () => {
    const blocker = net.createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, resolve));
    try {
      const refused = spawnHubwatch(['serve'], { DATA_DIR: dataDir, PORT: String(taken), LOG_LEVEL: 'warn' });
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain('EADDRINUSE');
      expect(fs.existsSync(path.join(dataDir, 'hubwatch.lock'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);
});
