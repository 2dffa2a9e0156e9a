import { Writable } from 'node:stream';
import { commandContext } from '../../cli/with-runtime';
import { createCommandLogger, createLogger } from '../../server/logger';
import type { Runtime } from '../../server/runtime';

/**
 * Log lines mask personal numbers by value, not only under personal keys: an unhandled error's message or a hub's
 * error (PostgreSQL's "Key (id_card)=(…) already exists") carries them in free text.
 */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger('info', { destination });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, records };
}

class DatabaseError extends Error {
  constructor(
    message: string,
    public code: string,
    public detail: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}

const ID = '110101199003070016';
const MOBILE = '13812345678';

describe('logger: personal numbers in free text', () => {
  it("masks an error's message, detail, stack and cause, and the line's message", () => {
    const { logger, lines, records } = capture();
    const err = new DatabaseError(
      `duplicate key value for ${ID}, contact ${MOBILE}`,
      '23505',
      `Key (id_card)=(${ID}) already exists.`,
    );
    (err as Error & { cause?: unknown }).cause = new Error(`first seen with ${MOBILE}`);
    logger.error({ err, reqId: 'r1' }, `unhandled error for ${ID}`);
    logger.error(new Error(`phone ${MOBILE}`));
    expect(lines.join('\n')).not.toContain(ID);
    expect(lines.join('\n')).not.toContain(MOBILE);
    const [first, second] = records();
    expect(first.msg).toBe('unhandled error for 110101********0016');
    const logged = first.err as Record<string, string>;
    expect(logged.type).toBe('DatabaseError');
    expect(logged.code).toBe('23505');
    expect(logged.detail).toBe('Key (id_card)=(110101********0016) already exists.');
    expect(logged.message).toContain('duplicate key value for 110101********0016, contact 138****5678');
    expect(logged.message).toContain('first seen with 138****5678');
    expect(logged.stack).toContain('DatabaseError: duplicate key value for 110101********0016');
    // The message a logged error lends the line.
    expect(second.msg).toBe('phone 138****5678');
    // The error logged is the caller's, unchanged.
    expect(err.message).toContain(ID);
  });

  it('masks nested strings and leaves numbers that are not personal as they are', () => {
    const { logger, records } = capture();
    const context = { table: 'staff', rows: 1234567890, note: `rows 1234567890 on 20261204`, sample: [{ who: `tel ${MOBILE}` }] };
    logger.info({ context, day: '20261204', count: '1234567890' }, 'checked 1234567890 rows on 20261204');
    const [line] = records();
    expect(line.msg).toBe('checked 1234567890 rows on 20261204');
    expect(line.day).toBe('20261204');
    expect(line.count).toBe('1234567890');
    expect(line.context).toEqual({
      table: 'staff',
      rows: 1234567890,
      note: 'rows 1234567890 on 20261204',
      sample: [{ who: 'tel 138****5678' }],
    });
    // The object logged is the caller's, unchanged.
    expect(context.sample[0].who).toBe(`tel ${MOBILE}`);
  });

  it("keeps redacting by key, and masks a child logger's lines and a command's error lines", () => {
    const { logger, records } = capture();
    logger.child({ job: 'check-hub' }).warn({ user: { mobile: MOBILE, note: `id ${ID}` } }, 'x');
    const [line] = records();
    expect(line.user).toEqual({ mobile: '[redacted]', note: 'id 110101********0016' });
    // A command's: a line to read on its stderr, masked too, without the stack; what it says itself left out.
    const written: string[] = [];
    const command = createCommandLogger(
      'warn',
      { write: (text: string) => written.push(text) },
      {
        omit: (record) => record.runOutcome !== undefined,
      },
    );
    command.error({ err: new Error(`hub said ${ID}`), table: 'staff_basic' }, 'check failed');
    command.warn({ err: new Error('smtp down'), runId: 3, runOutcome: 'failed' }, 'check run failed');
    command.info('not at this level');
    expect(written).toEqual(['错误 / error: check failed (table=staff_basic): hub said 110101********0016\n']);
  });

  it("a command's warning and error lines start in the command line's language (HUBWATCH_LOCALE / LANG), not both", () => {
    const linesFor = (env: NodeJS.ProcessEnv) => {
      const written: string[] = [];
      const stderr = new Writable({
        write(chunk, _enc, done) {
          written.push(String(chunk));
          done();
        },
      });
      const io = { stdout: stderr, stderr, stdin: process.stdin, env, cwd: '/' };
      const runtime = { config: { logLevel: 'info' }, db: {}, hub: {} } as unknown as Runtime;
      const { logger } = commandContext(runtime, io);
      logger.warn({ kind: 'ticket_new' }, 'e-mail delivery failed');
      logger.error({ err: new Error('connect ECONNREFUSED') }, 'check failed');
      logger.fatal('stopped');
      return written;
    };
    expect(linesFor({ HUBWATCH_LOCALE: 'en' })).toEqual([
      'warning: e-mail delivery failed (kind=ticket_new)\n',
      'error: check failed: connect ECONNREFUSED\n',
      'fatal: stopped\n',
    ]);
    expect(linesFor({ LANG: 'en_US.UTF-8' })[0]).toBe('warning: e-mail delivery failed (kind=ticket_new)\n');
    expect(linesFor({ LANG: 'zh_CN.UTF-8' })).toEqual([
      '警告：e-mail delivery failed (kind=ticket_new)\n',
      '错误：check failed: connect ECONNREFUSED\n',
      '严重错误：stopped\n',
    ]);
  });

  it('leaves request ids and digests alone, and a graph with a cycle is logged', () => {
    const { logger, records } = capture();
    const digest = 'a13812345678b'.padEnd(64, '0');
    const cyclic: Record<string, unknown> = { phone: `call ${MOBILE}` };
    cyclic.self = cyclic;
    logger.info({ digest, cyclic }, 'ok');
    const [line] = records();
    expect(line.digest).toBe(digest);
    expect((line.cyclic as Record<string, unknown>).phone).toBe('call 138****5678');
  });
});
