import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/**
 * Compresses what the app renders (pages, JSON, CSV) in one synchronous call when the response is
 * sent: brotli (quality 4) or gzip, whichever the browser takes. The report form's 97 KB become
 * ~5 KB for ~0.3 ms of CPU. The streaming `compression` middleware cost 1.5–3.5 ms per page here
 * (a zlib stream and thread-pool round trips per response, measured with `npm run bench:web`);
 * every body this app sends through `res.send` is complete in memory anyway.
 * Static files (streamed by express.static) are left alone: browsers cache them.
 */

/** Below this a compressed body plus its header saves nothing worth the work. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/;
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

export function compressResponses(req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = function compressedSend(body?: unknown) {
    // A string without a type is a page (express would call it text/html too).
    if (typeof body === 'string' && !res.get('Content-Type')) res.type('html');
    const type = String(res.get('Content-Type') ?? '');
    const raw = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : null;
    if (!raw || raw.length < MIN_BYTES || req.method === 'HEAD' || res.get('Content-Encoding') || !COMPRESSIBLE.test(type)) return send(body as never);
    res.vary('Accept-Encoding');
    // Brotli when taken at all (browsers list it after gzip, with the same weight), else gzip.
    const encoding = req.acceptsEncodings('br') === 'br' ? 'br' : req.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : null;
    if (!encoding) return send(body as never);
    res.setHeader('Content-Encoding', encoding);
    return send(encoding === 'br' ? zlib.brotliCompressSync(raw, BROTLI) : zlib.gzipSync(raw));
  } as Response['send'];
  next();
}
