import pino, { Logger } from 'pino';
import type { Translator } from './i18n';
import { scrubForLog } from './services/privacy/mask';

/**
 * Structured JSON logs. Secrets and personal data are redacted at the logger too, as a safety net:
 * - by key: pino's `redact` paths below (`*.id_card`, `*.mobile`…);
 * - by value: every string of a log line — its message, the logged object's strings at any depth, an error's
 *   message, stack, `detail`, `cause`… — has the ID numbers, mobile and other phone numbers and e-mail addresses
 *   in it masked as the audit log masks them (`scrubForLog`: `410102********1234`, `138****5678`). A hub's or
 *   PostgreSQL's error message carries the offending value in free text ("Key (id_card)=(…) already exists").
 * The service logs to stdout; a test to its own `destination`. A command's logger is `createCommandLogger`'s.
 */
export function createLogger(level: string, opts: { destination?: pino.DestinationStream } = {}): Logger {
  return pino({ ...baseOptions(level), serializers: { msg: maskMessage } }, opts.destination);
}

/** One record of a command's logger, as pino wrote it (masked, redacted). */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string };

/**
 * A command's logger: the service's (the same redaction and masking), its records written to the command's stderr
 * as a line a person reads — `警告：e-mail delivery failed (kind=ticket_new): connect ECONNREFUSED …` — not as JSON,
 * and without a stack. `t`: the command line's language (cli/locale.ts), which the level's prefix is said in
 * (警告： / warning:, as the command's other lines); without it, both (警告 / warning:). `omit` leaves out the records
 * the command says itself, in its own words.
 */
export function createCommandLogger(
  level: string,
  stderr: { write(text: string): unknown },
  opts: { omit?: (record: LogRecord) => boolean; t?: Translator } = {},
): Logger {
  const errorLine = (err: unknown) =>
    err instanceof Error ? { type: err.name, message: err.message, code: (err as { code?: unknown }).code } : err;
  const destination = {
    write(line: string) {
      const record = JSON.parse(line) as LogRecord;
      if (!opts.omit?.(record)) stderr.write(`${readableLine(record, opts.t)}\n`);
    },
  };
  return pino({ ...baseOptions(level), serializers: { err: errorLine, msg: maskMessage } }, destination);
}

const LEVEL_LABELS: [number, string][] = [
  [60, '严重错误 / fatal'],
  [50, '错误 / error'],
  [40, '警告 / warning'],
  [30, '信息 / info'],
  [0, 'debug'],
];
/** The same prefixes in one language: cli.log.* (`{message}` after the prefix, as 错误：… / error: …). */
const LEVEL_KEYS: [number, string][] = [
  [60, 'cli.log.fatal'],
  [50, 'cli.log.error'],
  [40, 'cli.log.warning'],
  [30, 'cli.log.info'],
  [0, 'cli.log.debug'],
];
/** Fields every record has, not said in its line. */
const RECORD_FIELDS = new Set(['level', 'time', 'service', 'msg', 'err', 'pid', 'hostname']);

function readableLine(record: LogRecord, t?: Translator): string {
  const context = Object.entries(record)
    .filter(([key]) => !RECORD_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const err = record.err as { message?: unknown } | undefined;
  const cause = typeof err?.message === 'string' && err.message !== record.msg ? `: ${err.message.split('\n')[0]}` : '';
  const message = `${record.msg ?? ''}${context.length ? ` (${context.join(', ')})` : ''}${cause}`;
  if (t) return t(LEVEL_KEYS.find(([at]) => record.level >= at)![1], { message });
  return `${LEVEL_LABELS.find(([at]) => record.level >= at)![1]}: ${message}`;
}

/**
 * The message (`logger.error(err)` takes the error's message as its own): pino applies the message key's
 * serializer to the final message string, after any printf-style arguments are put in.
 */
function maskMessage(value: unknown): unknown {
  return maskLogValue(value, 0, new Set());
}

function baseOptions(level: string): pino.LoggerOptions {
  return {
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
    // The logged object, before the serializers: errors are masked here (as copies), not in an `err` serializer,
    // because pino-http's request logger replaces the `err` serializer with its own; formatters are inherited.
    formatters: { log: (obj) => maskLogValue(obj, 0, new Set()) as Record<string, unknown> },
  };
}

/**
 * Whether a string may hold something `scrubForLog` masks: an ID or mobile number has a run of 11 or more digits,
 * a number with separators (`138-1234-5678`, `0371-6778123`) three digits, perhaps a separator, and four more;
 * an e-mail address an `@`. Most log strings (paths, codes, times, counts) fail this one test and are kept as they
 * are, without the masking's several passes over them.
 */
const MAY_BE_PERSONAL = /\d{3}[\s-]?\d{4}|@/;

/** A string of a log line, masked as the audit log masks free text. */
export function maskLogText(text: string): string {
  return MAY_BE_PERSONAL.test(text) ? scrubForLog(text) : text;
}

/** How deep a logged object is looked into: log objects are shallow, and a deeper one is likelier a graph. */
const MAX_DEPTH = 8;

/**
 * `value` with its strings masked. A copy is made only of what changes (a plain object, an array, an error);
 * anything else (a request, a response, a Date, a Buffer) is left to its serializer or JSON, as before.
 */
function maskLogValue(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return maskLogText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || ancestors.has(value)) return value;
  const isError = value instanceof Error;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!isError && !Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  ancestors.add(value);
  try {
    // An error's message and stack are its own properties, but not enumerable.
    const keys = isError ? Object.getOwnPropertyNames(value) : Object.keys(value);
    let changed: Map<string, unknown> | null = null;
    for (const key of keys) {
      const before = (value as Record<string, unknown>)[key];
      const after = maskLogValue(before, depth + 1, ancestors);
      if (after !== before) (changed ??= new Map()).set(key, after);
    }
    if (!changed) return value;
    if (Array.isArray(value)) return value.map((item, i) => (changed.has(String(i)) ? changed.get(String(i)) : item));
    // A copy of the same class: `instanceof Error`, its type name and its cause still read as the original's.
    const copy = Object.create(proto as object) as Record<string, unknown>;
    for (const key of keys) {
      const enumerable = Object.getOwnPropertyDescriptor(value, key)?.enumerable ?? true;
      const v = changed.has(key) ? changed.get(key) : (value as Record<string, unknown>)[key];
      Object.defineProperty(copy, key, { value: v, enumerable, writable: true, configurable: true });
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}
