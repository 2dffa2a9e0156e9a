import type { Request } from 'express';
import type { Config } from '../../config';
import { pathId } from '../../http/path-id';
import type { Actor } from '../../services/sharing/workflow';

export function actorOf(req: Request): Actor {
  return { user: req.user!, ip: req.ip, requestId: String(req.id) };
}

export function idParam(req: Request, name = 'id'): number {
  const n = pathId(req.params[name]);
  return n > 0 ? n : -1;
}

/** The university's name in the viewer's language, for the form's title and the pledge (UNIVERSITY_NAME, UNIVERSITY_NAME_EN). */
export function universityName(config: Config, req: Request): string {
  return req.locale === 'en' ? config.universityName.en : config.universityName['zh-CN'];
}
