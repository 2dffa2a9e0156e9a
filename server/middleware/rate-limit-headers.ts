import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RateLimitInfo } from 'express-rate-limit';

/**
 * The draft-8 `RateLimit` and `RateLimit-Policy` headers of a limiter that counts some answers only
 * (`skipFailedRequests`), written as the answer is sent, once it is known whether the request counts.
 *
 * express-rate-limit counts every request, writes its headers, and takes the count back when the answer is one
 * that does not count: a refused report (422, the account's 429) or a replayed retry said `r=76` while 77 were
 * left, and the next report filed said 76 again. Give the limiter `standardHeaders: false` and put this before
 * it, with the same `counts` as its `requestWasSuccessful`: a request that does not count is shown with its own
 * hit already given back. Headers set earlier under the same names (another policy's) are kept after these.
 */
export function rateLimitHeadersOnAnswer(opts: {
  /** The policy's name in the headers, e.g. `100-in-1hr`. */
  name: string;
  windowMs: number;
  counts: (req: Request, res: Response) => boolean;
}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (typeof args[0] === 'number') res.statusCode = args[0];
      const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
      if (info) {
        const used = opts.counts(req, res) ? info.used : info.used - 1;
        const t = secondsToReset(info, opts.windowMs);
        prepend(res, 'RateLimit', `"${opts.name}"; r=${Math.max(info.limit - used, 0)}; t=${t}`);
        prepend(
          res,
          'RateLimit-Policy',
          `"${opts.name}"; q=${info.limit}; w=${Math.ceil(opts.windowMs / 1000)}; pk=:${partitionKey(info.key)}:`,
        );
      }
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];
    next();
  };
}

/** Whole seconds until the limiter's window ends (its `t=`; `Retry-After` of its own 429). */
export function secondsToReset(info: Pick<RateLimitInfo, 'resetTime'> | undefined, windowMs: number): number {
  return Math.max(0, Math.ceil(((info?.resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
}

function prepend(res: Response, name: string, value: string): void {
  const earlier = res.getHeader(name);
  const rest = earlier === undefined ? [] : Array.isArray(earlier) ? earlier : [String(earlier)];
  res.setHeader(name, [value, ...rest]);
}

/** The partition key as express-rate-limit writes it: the limiter's key, hashed, not the address itself. */
function partitionKey(key: string): string {
  return Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64');
}
