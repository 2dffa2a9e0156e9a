import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BIN = path.resolve(__dirname, '../../bin/hubwatch.js');

/** Ports handed out by this test process: a test that starts several servers asks before any of them listens. */
const handedOut = new Set<number>();

/**
 * A free port for a server a test starts, chosen from a block of its own below the system's ephemeral range
 * (32768–60999). A port the system picked by itself (listen on 0) was free only for the moment it was checked: the
 * other test workers' servers (supertest listens on port 0 for each request) and their outgoing connections draw from
 * that very range, so one of them could take it while the spawned server was still starting, answer its `/healthz`
 * and then go away (CI saw a first start "listening" and then refusing connections). Each jest worker has its own
 * block of 2,000 ports, so two workers never choose the same one; a port something else holds (a RabbitMQ node's
 * 25672) fails the check and another is tried.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  const block = 20_000 + ((Math.max(1, worker) - 1) % 6) * 2_000;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = block + Math.floor(Math.random() * 2_000);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${block}–${block + 1_999}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `hubwatch …` as a real process (the way users run it), collecting its output. */
export function spawnHubwatch(args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (out += String(c)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Waits until a spawned `hubwatch serve` answers `/healthz`. A server that exits first fails at once, and either
 * failure says what the server printed: "timed out waiting for the server" alone left a slow start and a crash
 * looking the same. The limit only stops a hung start (a PGlite start on a loaded 2-CPU machine takes a while).
 */
export async function waitForListening(server: Spawned, baseUrl: string, timeoutMs = 120_000): Promise<void> {
  let exit: number | null | undefined;
  void server.exited.then((code) => (exit = code));
  const tail = () => server.output().split('\n').slice(-30).join('\n');
  await waitFor(
    async () => {
      if (exit !== undefined) throw new Error(`the server exited (${exit}) before listening:\n${tail()}`);
      return (await fetch(`${baseUrl}/healthz`)).ok;
    },
    timeoutMs,
    'the server',
  ).catch((err: Error) => {
    throw exit !== undefined
      ? new Error(`the server exited (${exit}) before listening:\n${tail()}`)
      : new Error(`${err.message} (${timeoutMs / 1000} s); it printed:\n${tail()}`);
  });
}

/** A `hubwatch serve` started on an empty data directory: the first start's demo, as a new user gets it. */
export interface FirstStart {
  base: string;
  server: Spawned;
  /** The demo accounts' passwords, by login, from the box the first start printed. */
  passwords: Map<string, string>;
  /** Kills the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts `hubwatch serve` on a new data directory (embedded PGlite, demo hub and accounts) and waits until it
 * listens. `label` names the temporary directory (hubwatch-<label>-…).
 */
export async function startFirstStart(label: string, timeoutMs = 150_000): Promise<FirstStart> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hubwatch-${label}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawnHubwatch(['serve'], { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
  const stop = async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForListening(server, base, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  // The demo accounts' box: | login | role | dept | password |
  const passwords = new Map<string, string>();
  for (const [, login, password] of server.output().matchAll(/^\|\s*(\S+)\s*\|[^|]*\|[^|]*\|\s*(\S+)\s*\|$/gm))
    passwords.set(login, password);
  return { base, server, passwords, stop };
}
