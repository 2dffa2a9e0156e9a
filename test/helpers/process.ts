import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const BIN = path.resolve(__dirname, '../../bin/hubwatch.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
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
