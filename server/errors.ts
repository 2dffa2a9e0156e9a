/**
 * Errors a user can cause carry an HTTP status, a stable code (for API clients and tests) and a
 * message key (translated at the edge). Anything else is a bug: logged with its stack, shown as a
 * plain 500 page without details.
 */
export type MessageParams = Record<string, string | number>;

/** Per-field problems of a form or API body: field name → message key and params. */
export interface FieldError {
  field: string;
  key: string;
  params?: MessageParams;
}

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    public readonly messageKey: string,
    public readonly params: MessageParams = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = new.target.name;
  }
}

export class UnauthorizedError extends AppError {
  constructor(messageKey = 'errors.unauthorized') {
    super(401, 'unauthorized', messageKey);
  }
}

export class ForbiddenError extends AppError {
  constructor(messageKey = 'errors.forbidden') {
    super(403, 'forbidden', messageKey);
  }
}

export class NotFoundError extends AppError {
  constructor(messageKey = 'errors.notFound', params: MessageParams = {}) {
    super(404, 'not_found', messageKey, params);
  }
}

export class ConflictError extends AppError {
  constructor(messageKey: string, params: MessageParams = {}) {
    super(409, 'conflict', messageKey, params);
  }
}

/**
 * What was asked is already so — a ticket already acknowledged, fixed, closed, disputed or with that department; a
 * report already confirmed; a request already withdrawn; a grant already revoked; an item already marked returned:
 * a double-submitted form, or a page that was open while someone else did the same. Nothing is changed. A 409 like
 * any conflict (the API says so); the pages take it as done and say so, as information, not as a mistake.
 */
export class AlreadyDoneError extends ConflictError {}

export class ValidationError extends AppError {
  constructor(public readonly fields: FieldError[]) {
    super(422, 'validation_failed', 'errors.validation');
  }
}

export class TooManyRequestsError extends AppError {
  constructor() {
    super(429, 'rate_limited', 'errors.rateLimited');
  }
}
