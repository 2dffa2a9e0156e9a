import pino, { Logger } from 'pino';

/** Structured JSON logs. Secrets and personal data are redacted at the logger too, as a safety net. */
export function createLogger(level: string): Logger {
  return pino({
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
  });
}
