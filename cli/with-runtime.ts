import { loadConfig } from '../server/config';
import { openRuntime, Runtime } from '../server/runtime';
import type { CliIo } from './io';

/** Opens the service database (applying pending migrations first) for one command, and closes it. */
export async function withRuntime<T>(
  io: CliIo,
  command: string,
  fn: (runtime: Runtime) => Promise<T>,
  opts: { writableHub?: boolean } = {},
): Promise<T> {
  const runtime = await openRuntime(loadConfig(io.env, io.cwd), command, opts);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
