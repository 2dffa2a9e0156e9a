import type { Request } from 'express';
import type { Actor } from '../../services/sharing/workflow';

export function actorOf(req: Request): Actor {
  return { user: req.user!, ip: req.ip, requestId: String(req.id) };
}

export function idParam(req: Request, name = 'id'): number {
  const n = Number(req.params[name]);
  return Number.isSafeInteger(n) && n > 0 ? n : -1;
}
