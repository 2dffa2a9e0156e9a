import express from 'express';
import request from 'supertest';
import {
  FormTooLargeError,
  MAX_FIELD_BYTES,
  MAX_TEXT_BYTES,
  multipartParser,
  uploadedFile,
} from '../../server/middleware/multipart';

/**
 * The one multipart parser of the forms that take files (middleware/multipart.ts), over HTTP on a
 * bare app: UTF-8 file names, a file over the limit read to its end (the fields after it parsed),
 * kept to limit + 1 bytes, its real size recorded.
 */
const LIMIT = 1000;

function appWith(options: Parameters<typeof multipartParser>[0]) {
  const parse = multipartParser(options);
  const app = express();
  app.post('/', (req, res) =>
    parse(req, res, (err, problems) => {
      if (err)
        return res
          .status(err instanceof FormTooLargeError ? err.status : 400)
          .json({ error: err.message, params: (err as FormTooLargeError).params });
      const file = uploadedFile(req, 'file');
      res.json({
        body: { ...req.body },
        file: file && { name: file.originalname, size: file.size, kept: file.buffer?.length ?? null },
        problems,
      });
    }),
  );
  return app;
}

const app = appWith({ files: [{ name: 'file' }], maxFileBytes: LIMIT, maxFields: 10 });

describe('multipartParser', () => {
  it('reads a file name as UTF-8 (立项批复.pdf), as browsers send it', async () => {
    const res = await request(app).post('/').attach('file', Buffer.from('%PDF-1.4'), '立项批复.pdf').expect(200);
    expect(res.body.file).toEqual({ name: '立项批复.pdf', size: 8, kept: 8 });
    expect(res.body.problems).toEqual([]);
  });

  it('takes a file of exactly the limit as it is', async () => {
    const res = await request(app).post('/').attach('file', Buffer.alloc(LIMIT, 1), 'a.bin').field('after', 'x').expect(200);
    expect(res.body.file).toEqual({ name: 'a.bin', size: LIMIT, kept: LIMIT });
    expect(res.body.problems).toEqual([]);
    expect(res.body.body).toEqual({ after: 'x' });
  });

  it('a file over the limit: its real size, limit + 1 bytes kept, a too_large problem of its input, the fields after it parsed', async () => {
    for (const size of [LIMIT + 1, 300 * LIMIT]) {
      const res = await request(app)
        .post('/')
        .field('before', '前')
        .attach('file', Buffer.alloc(size, 1), '说明.pdf')
        .field('after', '后')
        .field('action', 'submit')
        .expect(200);
      expect(res.body.file).toEqual({ name: '说明.pdf', size, kept: LIMIT + 1 });
      expect(res.body.body).toEqual({ before: '前', after: '后', action: 'submit' });
      expect(res.body.problems).toEqual([expect.objectContaining({ field: 'file', code: 'too_large', filename: '说明.pdf' })]);
    }
  });

  it('names a file sent in an input the form does not have as multer refuses it', async () => {
    const res = await request(app).post('/').attach('other', Buffer.from('x'), 'x.pdf').expect(200);
    expect(res.body.problems).toEqual([expect.objectContaining({ field: 'other', code: 'LIMIT_UNEXPECTED_FILE' })]);
  });

  it('passes on a text field containing NUL as an error (the check every other body gets)', async () => {
    const res = await request(app).post('/').field('description', 'a\u0000b').attach('file', Buffer.from('x'), 'x.pdf');
    expect(res.status).toBe(400);
  });

  it('leaves a body that is not multipart alone', async () => {
    const res = await request(app).post('/').type('form').send({ a: '1' }).expect(200);
    expect(res.body.file).toBeUndefined();
    expect(res.body.problems).toEqual([]);
  });

  it('takes a long text for its form to judge, and refuses more text in all than the form takes with a 413', async () => {
    // 100 KB of text and a file: read, for the form's own check to say "too long" with the text kept.
    const long = await request(app)
      .post('/')
      .field('purpose', 'p'.repeat(100_000))
      .attach('file', Buffer.alloc(300 * LIMIT, 1), 'big.pdf')
      .field('after', '后')
      .expect(200);
    expect(long.body.body.purpose).toHaveLength(100_000);
    expect(long.body.body.after).toBe('后');
    // More text than the budget (2 MB here), however it is cut into fields: refused while it is read.
    const crowded = request(app).post('/');
    for (let i = 0; i < 3; i++) crowded.field(`f${i}`, 'x'.repeat(MAX_FIELD_BYTES));
    const refused = await crowded.expect(413);
    expect(refused.body.error).toContain('errors.formTextTooLarge');
    expect(refused.body.params).toMatchObject({ mb: MAX_TEXT_BYTES / 1024 / 1024 });
    // Files do not count: 3 MB of file beside a little text (the budget 300 KB here) is a file too large, for its
    // input's message. (A file's bytes are counted as its storage reads them: a chunk or two later than the request's.)
    const file = await request(appWith({ files: [{ name: 'file' }], maxFileBytes: LIMIT, maxFields: 10, maxTextBytes: 300_000 }))
      .post('/')
      .field('note', 'n')
      .attach('file', Buffer.alloc(3 * 1024 * 1024, 1), 'big.pdf')
      .expect(200);
    expect(file.body.problems).toEqual([expect.objectContaining({ field: 'file', code: 'too_large' })]);
  });

  it('refuses a field over its limit, or more fields than the form has, with a 413 naming the field or the count', async () => {
    const over = await request(app)
      .post('/')
      .field('ok', '好')
      .field('purpose', 'x'.repeat(MAX_FIELD_BYTES + 1))
      .expect(413);
    expect(over.body.params).toMatchObject({ field: 'purpose', kb: 1024 });
    expect(over.body.error).toContain('errors.formFieldTooLarge');
    // More fields than the form has (10 here): refused at the eleventh, not all read first.
    const many = request(app).post('/');
    for (let i = 0; i < 11; i++) many.field(`f${i}`, 'v');
    expect((await many.expect(413)).body.params).toMatchObject({ max: 10 });
  });

  it('lets a route take a longer text and tell of it itself (the catalog’s pasted YAML)', async () => {
    const own = appWith({
      files: [{ name: 'file' }],
      maxFileBytes: LIMIT,
      maxFields: 5,
      maxFieldBytes: 100,
      ownLimitFields: ['yaml'],
    });
    const res = await request(own).post('/').field('yaml', 'x'.repeat(101)).expect(200);
    expect(res.body.problems).toEqual([expect.objectContaining({ field: 'yaml', code: 'LIMIT_FIELD_VALUE' })]);
    await request(own).post('/').field('other', 'x'.repeat(101)).expect(413);
  });
});
