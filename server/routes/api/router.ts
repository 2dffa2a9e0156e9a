import { Router } from 'express';

/**
 * A router of the API: its paths match as written, in lower case and without a trailing slash (README, API). Express
 * matches in any case and with or without a final "/" by default, and `POST /api/V1/TICKETS/11/COMMENTS` or
 * `…/comments/` wrote a comment; now any other spelling is the API's JSON 404.
 */
export function apiRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}
