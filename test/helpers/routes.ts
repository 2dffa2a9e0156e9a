import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  /** The full path as a client sends it, mount prefixes included ("/api/v1/tickets/:id"). */
  path: string;
  /** Policy declared by the route's authorize()/publicRoute() middleware, or null when it has none. */
  policy: string | null;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: { handle: { policy?: string } }[] };
  handle: { stack?: Layer[] };
  /** Express 5 (router 2): the path given to `use()`/`route()`, as written ('/' when none). */
  rawPath?: unknown;
}

/** The prefix a mounted router adds: `app.use('/api/v1', r)` → '/api/v1'; `app.use(r)` → ''. */
function mountPath(layer: Layer): string {
  const raw = layer.rawPath;
  if (raw === undefined || raw === '/' || raw === '') return '';
  // A regexp or several paths cannot be written as one URL: the walker refuses rather than guess.
  if (typeof raw !== 'string') throw new Error(`listRoutes: cannot name the mount path ${String(raw)}`);
  return raw.replace(/\/+$/, '');
}

/** Every route of the app with its full path, found by walking Express's router (mounted routers included). */
export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const policy = layer.route.stack.map((s) => s.handle.policy).find((p) => typeof p === 'string') ?? null;
        for (const path of ([] as string[]).concat(layer.route.path)) {
          for (const method of Object.keys(layer.route.methods)) {
            if (method === '_all') continue;
            out.push({ method: method.toUpperCase(), path: prefix + path, policy });
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + mountPath(layer));
      }
    }
  };
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(router.stack, '');
  return out;
}
