import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
  /** Policy declared by the route's authorize()/publicRoute() middleware, or null when it has none. */
  policy: string | null;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { policy?: string } }[] };
  handle: { stack?: Layer[] };
  matchers?: unknown[];
  regexp?: RegExp;
}

/** Every route of the app, found by walking Express's router (mounted routers included). */
export function listRoutes(app: Express, mountPrefixes: Record<string, string> = {}): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const policy = layer.route.stack.map((s) => s.handle.policy).find((p) => typeof p === 'string') ?? null;
        for (const method of Object.keys(layer.route.methods)) {
          out.push({ method: method.toUpperCase(), path: prefix + layer.route.path, policy });
        }
      } else if (layer.handle?.stack) {
        const known = Object.entries(mountPrefixes).find(([, p]) => layer.regexp?.test(p) || false);
        walk(layer.handle.stack, prefix + (known ? known[1] : ''));
      }
    }
  };
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  walk(router.stack, '');
  return out;
}
