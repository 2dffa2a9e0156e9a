import { spawn } from 'node:child_process';
import { BIN } from '../helpers/process';

/**
 * `hubwatch tickets list | head -1`: the reader closes the pipe after the lines it wanted. The command stops quietly
 * with status 0, as Unix tools do — it ended with an EPIPE stack trace and status 1.
 */
it('stops quietly when the reader of its output closes the pipe', async () => {
  const child = spawn(process.execPath, [BIN, '--help'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Closed before the command writes anything (it takes a few hundred milliseconds to start): every write fails.
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(stderr).not.toContain('EPIPE');
  expect(code).toBe(0);
});
