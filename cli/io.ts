import type { Readable, Writable } from 'node:stream';

/** Streams and environment a command uses, injectable so tests can run commands in-process. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

export function print(stream: Writable, text = ''): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * An English count that agrees with its number — "1 error", "2 errors", "1 active ticket" — for the CLI's lines
 * written beside their Chinese rather than through the i18n files (which have `{n|one|other}` for the same).
 */
export function countOf(n: number, one: string, other = `${one}s`): string {
  return `${n} ${n === 1 ? one : other}`;
}

/** Reads all of piped stdin (empty when stdin is a terminal or closed). */
export async function readStdin(io: CliIo): Promise<string> {
  if (io.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    io.stdin.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    io.stdin.once('end', done);
    io.stdin.once('error', done);
    io.stdin.resume();
  });
}

/** Exit codes: 0 done, 1 could not run, 2 bad usage or invalid input (nothing changed). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}
