import { Router } from 'express';

/**
 * A router of the API: its paths match as written, in lower case (README, API). Express matches in any case by
 * default, and `POST /api/V1/TICKETS/11/COMMENTS` wrote a comment; now any other spelling is the API's JSON 404.
 */
export function apiRouter(): Router {
  return Router({ caseSensitive: true });
}
