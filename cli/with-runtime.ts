import { loadConfig } from '../server/config';
import { openRuntime, openServiceRuntime, Runtime, ServiceRuntime } from '../server/runtime';
import type { CliIo } from './io';

/** Opens the service database (applying pending migrations first) and the hub for one command, and closes them. */
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

/** The same for a command that never reads the hub: the service database alone. */
export async function withServiceRuntime<T>(io: CliIo, command: string, fn: (runtime: ServiceRuntime) => Promise<T>): Promise<T> {
  const runtime = await openServiceRuntime(loadConfig(io.env, io.cwd), command);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
