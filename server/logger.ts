import pino, { Logger } from 'pino';

/**
 * Structured JSON logs. Secrets and personal data are redacted at the logger too, as a safety net.
 * The service logs to stdout; a command (`forTerminal`) to stderr.
 */
export function createLogger(level: string, opts: { forTerminal?: boolean } = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'hubwatch' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.id_card',
        '*.idCard',
        '*.mobile',
      ],
      censor: '[redacted]',
    },
  };
  if (!opts.forTerminal) return pino(options);
  // A command's diagnostics: on stderr (stdout is the command's output, e.g. `--json`), errors without their stack.
  const errorLine = (err: unknown) =>
    err instanceof Error ? { type: err.name, message: err.message, code: (err as { code?: unknown }).code } : err;
  return pino({ ...options, serializers: { err: errorLine } }, pino.destination(2));
}
