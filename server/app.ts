import crypto from 'node:crypto';
import path from 'node:path';
import express, { Express, NextFunction, Request, Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import { KnexSessionStore } from './auth/session-store';
import { cookiesAfterSession } from './auth/login';
import type { AppContext } from './context';
import { NotFoundError } from './errors';
import { publicRoute } from './middleware/authorize';
import { dropShadowingKeys, verifyJsonBody, refuseNulCharacters } from './middleware/body-safety';
import { refuseRepeatedFormValues } from './http/form-values';
import { compressResponses, precompressedFile } from './middleware/compress';
import { csrfProtection, maskedCsrfToken } from './middleware/csrf';
import { currentUser } from './middleware/current-user';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { localeMiddleware } from './middleware/locale';
import { mountRoutes } from './routes';
import { pagePath } from './http/safe-redirect';
import { installViewEngine } from './views/engine';
import { countUnreadWhenRendering, departmentNameWhenRendering, navigationFor } from './views/navigation';
import { zoneWhenRendering } from './views/time-zone';

const PUBLIC_DIR = path.resolve(__dirname, '../public');
const FAVICON = path.join(PUBLIC_DIR, 'favicon.ico');
// chart.js's package exports hide dist/; its CommonJS entry sits in the same folder.
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/** Builds the Express app without listening: `server/index.ts` listens, tests use supertest. */
export function createApp(ctx: AppContext): Express {
  const { config, db, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  installViewEngine(app, config.timezone, config.env !== 'development');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  });
  app.use(
    pinoHttp({
      logger,
      genReqId: (req) => (req as Request).id,
      // The liveness probe however it is asked (a cache-buster's query, a trailing slash: Express answers it all the same).
      autoLogging: { ignore: (req) => /^\/healthz\/?(\?|$)/i.test(req.url ?? '') },
      // Method, path and status are enough to follow a request; headers would log cookies and tokens.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Campus intranets are often plain http: do not force https on every subresource.
          upgradeInsecureRequests: config.baseUrl.startsWith('https:') ? [] : null,
        },
      },
      hsts: config.baseUrl.startsWith('https:'),
      // Our own pages learn which page a form was on (pagePath: the language switch after a rejected
      // form); other sites learn nothing, as with helmet's default no-referrer.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );

  // Pages and JSON compressed (a dashboard page 54 → 9 KB): campus networks are not all fast. The
  // CSRF token in pages is masked per response (middleware/csrf.ts), so compression leaks nothing of it.
  app.use(compressResponses);

  // Liveness and readiness come before sessions: probes must not create sessions or need a login.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  // Assets are served locally: campus intranets often have no internet, so no CDN.
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: config.env === 'production' ? '1d' : 0 }));
  // Pages name /static/favicon.svg; browsers, bookmarks and feed readers still ask the root for the .ico.
  app.get('/favicon.ico', publicRoute(), (_req, res) => {
    res.sendFile(FAVICON, { maxAge: config.env === 'production' ? '1d' : 0 });
  });
  app.get(
    '/static/vendor/chart.umd.min.js',
    precompressedFile(CHART_JS, 'text/javascript; charset=utf-8', config.env === 'production' ? 86_400 : 0),
  );

  // The API is `/api/v1/…` as written. Express matches paths in any case, and `/API/v1/…` reached the API's routes
  // without being taken for the API (bearer tokens, CSRF, JSON errors read `req.path`), `/api/V1/…` with it: one
  // spelling, others a 404 (in JSON: wantsJson). The API's own routers match the rest of the path as written (apiRouter).
  app.use((req: Request, _res: Response, next: NextFunction) =>
    next(/^\/api(\/|$)/i.test(req.path) && !/^\/api\/v1(\/|$)/.test(req.path) ? new NotFoundError() : undefined),
  );
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb', reviver: dropShadowingKeys, verify: verifyJsonBody }));
  // A body neither parser reads (text/plain; multipart, which only the upload routes parse, or sent with the
  // X-CSRF-Token header to another route) left `req.body` undefined in Express 5, and routes reading a field answered 500.
  // Read as an empty form: the route names what is missing (422) or needs nothing. Upload routes replace it (multer).
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.body === undefined) req.body = Object.create(null);
    next();
  });
  app.use(cookiesAfterSession);
  app.use(
    session({
      name: 'hubwatch.sid',
      secret: config.sessionSecret!,
      store: new KnexSessionStore(db),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.baseUrl.startsWith('https:'),
        maxAge: config.sessionIdleMinutes * 60_000,
      },
    }),
  );
  // The language twice: a refusal of the caller (a bad API token) already speaks theirs; then with their account's choice.
  app.use(localeMiddleware);
  app.use(currentUser(db, config.sessionAbsoluteMinutes, config.timezone));
  app.use(localeMiddleware);
  // Page locals before the checks that may refuse a request (CSRF, NUL characters): their error page
  // is rendered in the reader's language, with the navigation, like any other page.
  app.use((req: Request, res: Response, next: NextFunction) => {
    // What a signed-in user is shown (personal data, a generated password, exports) is not kept in the
    // browser's cache or history for the next person at that computer, nor by a proxy.
    if (req.user) res.setHeader('Cache-Control', 'no-store');
    // Taken before this request changes anything (the CSRF token below included): a redirect compares it.
    const sessionAsLoaded = sessionState(req);
    res.locals.locale = req.locale;
    res.locals.user = req.user;
    res.locals.nav = navigationFor(req.user, req.path);
    if (req.user && !req.viaApiToken) {
      countUnreadWhenRendering(db, req.user.id, res);
      departmentNameWhenRendering(db, req.user.department, res);
    }
    zoneWhenRendering(db, config.timezone, res);
    res.locals.currentPath = pagePath(req);
    // A page starts the session's token; a POST re-rendering its form only reuses one that exists.
    const page = req.method === 'GET' || req.method === 'HEAD';
    // Made when a page is rendered, not before: a request sent on elsewhere (an anonymous visitor to the sign-in
    // page, a redirect after a form) has no use for a token, and starting one would store a session row for it.
    if (req.session && !req.viaApiToken && (page || req.session.csrfToken)) {
      let masked: string | undefined;
      Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, get: () => (masked ??= maskedCsrfToken(req)) });
    }
    if (req.session?.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    // express-session sends a response's head before its save ends, so the browser can follow a
    // redirect before what this request put in the session is stored, and the next page reads the old
    // session (on PostgreSQL, under load): a flash lost, a language switch that did not stick. A redirect
    // after any change to the session stores it first; one that changed nothing creates no session row.
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (!req.session || sessionState(req) === sessionAsLoaded) return redirect(...args);
      req.session.save(() => redirect(...args));
    }) as Response['redirect'];
    next();
  });
  app.use(csrfProtection);
  app.use(refuseNulCharacters);
  app.use(refuseRepeatedFormValues);

  mountRoutes(app, ctx);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}

/** The session's data as stored, without its cookie (which every request rolls forward), to tell a change. */
function sessionState(req: Request): string | undefined {
  if (!req.session) return undefined;
  return JSON.stringify(req.session, function (key: string, value: unknown) {
    return this === req.session && key === 'cookie' ? undefined : value;
  });
}
