import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/**
 * Compresses what the app renders (pages, JSON, CSV) in one synchronous call when the response is
 * sent: brotli (quality 4) or gzip, whichever the browser takes. The report form's 97 KB become
 * ~5 KB for ~0.3 ms of CPU. The streaming `compression` middleware cost 1.5–3.5 ms per page here
 * (a zlib stream and thread-pool round trips per response, measured with `npm run bench:web`);
 * every body this app sends through `res.send` is complete in memory anyway.
 * Static files (streamed by express.static) are left alone: they are small and browsers cache them;
 * the one big one, chart.js, is compressed once (`precompressedFile`).
 */

/** Below this a compressed body plus its header saves nothing worth the work. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/;
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };

/** Brotli when the client takes it at all (browsers list it after gzip, with the same weight), else gzip, else none. */
function preferredEncoding(req: Request): 'br' | 'gzip' | null {
  if (req.acceptsEncodings('br') === 'br') return 'br';
  return req.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : null;
}

export function compressResponses(req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = function compressedSend(body?: unknown) {
    // A string without a type is a page (express would call it text/html too).
    if (typeof body === 'string' && !res.get('Content-Type')) res.type('html');
    const type = String(res.get('Content-Type') ?? '');
    const raw = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : null;
    if (!raw || raw.length < MIN_BYTES || req.method === 'HEAD' || res.get('Content-Encoding') || !COMPRESSIBLE.test(type))
      return send(body as never);
    res.vary('Accept-Encoding');
    const encoding = preferredEncoding(req);
    if (!encoding) return send(body as never);
    res.setHeader('Content-Encoding', encoding);
    return send(encoding === 'br' ? zlib.brotliCompressSync(raw, BROTLI) : zlib.gzipSync(raw));
  } as Response['send'];
  next();
}

interface Precompressed {
  raw: Buffer;
  br: Buffer;
  gzip: Buffer;
  etag: string;
}

const brotliAsync = promisify(zlib.brotliCompress);
const gzipAsync = promisify(zlib.gzip);
/** Per file, once per process (tests build many apps): compressed on the thread pool, off the event loop. */
const precompressed = new Map<string, Promise<Precompressed>>();

function precompress(file: string): Promise<Precompressed> {
  let entry = precompressed.get(file);
  if (!entry) {
    entry = (async () => {
      const raw = await fs.readFile(file);
      const [br, gzip] = await Promise.all([
        brotliAsync(raw, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
        }),
        gzipAsync(raw, { level: 9 }),
      ]);
      return { raw, br, gzip, etag: `W/"${crypto.createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"` };
    })();
    entry.catch(() => precompressed.delete(file)); // a failed read is tried again on the next request
    precompressed.set(file, entry);
  }
  return entry;
}

/**
 * One big static file served from memory, compressed once at its best: chart.js is 205 KB plain,
 * 60 KB brotli (q11, 0.35 s once), 69 KB gzip. Compressing it per request would cost more than the
 * pages it is for. Starts compressing when the app is built, so the first page does not wait.
 */
export function precompressedFile(file: string, type: string, maxAgeSeconds: number) {
  void precompress(file).catch(() => undefined);
  return async (req: Request, res: Response): Promise<void> => {
    const f = await precompress(file);
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
    res.setHeader('ETag', f.etag);
    res.vary('Accept-Encoding');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const encoding = preferredEncoding(req);
    const body = encoding ? f[encoding] : f.raw;
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.end(body);
  };
}
