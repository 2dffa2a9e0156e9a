import fs from 'node:fs';
import path from 'node:path';
import type request from 'supertest';
import { PDF, PNG, ReportsWorld, useReportsWorld } from '../factories/reports';
import { changedSince, installChangeLog, mark } from '../helpers/change-log';
import { translator } from '../../server/i18n';

/**
 * The report form, the report answer form and the catalog import parse their files as the sharing
 * form does (middleware/multipart.ts): a Chinese file name arrives intact, and a file over the limit
 * is that input's message on the form, which comes back with what was typed after the file too (a
 * client may send the file before other fields; a button's value always comes after it). Nothing is
 * written then.
 */
const MB = 1024 * 1024;
const REASON_REQUIRED = translator('zh-CN')('reports.errors.reasonRequired');
const EXAMPLE = fs.readFileSync(
  path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml'),
  'utf8',
);

const world = useReportsWorld({
  setup: async () => {
    await installChangeLog(world.db);
  },
  timeout: 120_000,
});

type Part = [string, string] | [string, Buffer, string];
/** Posts the parts in the given order (as a browser sends a form: in the page's order), the CSRF token in the action URL. */
async function post(who: keyof ReportsWorld, url: string, parts: Part[]) {
  const s = await world.as(who);
  let req = s.agent.post(url).field('_csrf', s.csrf).set('Accept', 'text/html');
  for (const part of parts) req = part.length === 2 ? req.field(part[0], part[1]) : req.attach(part[0], part[1], part[2]);
  return req;
}

/**
 * Posts the parts as a slow network delivers a form: in two reads for the server, the first ending
 * right after the file and the next part's headers, the rest a moment later. (multer's `fileSize`
 * limit stopped reading at an oversize file's end: what came in a later read was never parsed.)
 */
async function postInTwoReads(who: keyof ReportsWorld, url: string, parts: Part[]) {
  const s = await world.as(who);
  const boundary = `----hubwatch-test-${Date.now()}`;
  const pieces: Buffer[] = [];
  let split = 0;
  let afterFile = false;
  // The CSRF token first, as the form sends it (its first field).
  for (const part of [['_csrf', s.csrf] as Part, ...parts]) {
    const name = `--${boundary}\r\nContent-Disposition: form-data; name="${part[0]}"`;
    const head =
      part.length === 2 ? `${name}\r\n\r\n` : `${name}; filename="${part[2]}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    pieces.push(Buffer.from(head));
    if (afterFile && !split) split = Buffer.concat(pieces).length;
    pieces.push(part.length === 2 ? Buffer.from(part[1]) : part[1], Buffer.from('\r\n'));
    if (part.length === 3) afterFile = true;
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(pieces);
  const req = s.agent.post(url).set('Accept', 'text/html').set('Content-Type', `multipart/form-data; boundary=${boundary}`);
  if (!req.write(body.subarray(0, split))) await new Promise((resolve) => req.req.once('drain', resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  req.write(body.subarray(split));
  return new Promise<request.Response>((resolve, reject) => req.end((err, res) => (res ? resolve(res) : reject(err))));
}

const REPORT: Part[] = [
  ['table', 'staff_basic'],
  ['field', 'political_status'],
  ['record_key[staff_no]', '20190001'],
];
/** A PNG of `bytes` bytes. */
const pngOf = (bytes: number) => Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length)]);
const download = (contentDisposition: string | undefined) =>
  decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(contentDisposition ?? '')![1]);

describe('the report form', () => {
  it('keeps a Chinese file name: stored and downloaded as 错误截图.png', async () => {
    const res = await post('reporter', '/reports', [
      ...REPORT,
      ['description', '应为中共党员'],
      ['attachment', PNG, '错误截图.png'],
      ['action', 'submit'],
    ]);
    expect(res.status).toBe(302);
    const id = Number(/\/reports\/(\d+)$/.exec(res.headers.location)![1]);
    const row = await world
      .db('reports as r')
      .join('uploads as u', 'u.id', 'r.attachment_id')
      .where('r.id', id)
      .first('u.filename');
    expect(row.filename).toBe('错误截图.png');
    const file = await (await world.as('reporter')).agent.get(`/reports/${id}/attachment`).expect(200);
    expect(download(file.headers['content-disposition'])).toBe('错误截图.png');
  });

  it('a file over 5 MB sent before the description: the attachment’s message, the description and suggestion kept; nothing written', async () => {
    await world.as('reporter'); // signing in writes
    for (const size of [5 * MB + 1, 12 * MB]) {
      const before = await mark(world.db);
      const res = await postInTwoReads('reporter', '/reports', [
        ...REPORT,
        ['attachment', pngOf(size), '截图.png'],
        ['description', '该教职工已入党，政治面貌应为中共党员'],
        ['suggested_value', '中共党员'],
        ['action', 'submit'],
      ]);
      expect({ size, status: res.status }).toEqual({ size, status: 422 });
      expect(res.text).toMatch(
        /name="attachment"[^>]*>\s*<p class="muted">[^<]*<\/p>\s*<p class="field-error" id="report-attachment-error">文件超过 5 MB<\/p>/,
      );
      expect(res.text).toContain('该教职工已入党，政治面貌应为中共党员</textarea>');
      expect(res.text).toMatch(/name="suggested_value"[^>]* value="中共党员"/);
      expect(res.text).toMatch(/name="record_key\[staff_no\]"[^>]* value="20190001"/);
      expect(await changedSince(world.db, before)).toEqual([]);
    }
  });

  it('a file over 5 MB with other fields wrong too: every message at once, each under its input; nothing written', async () => {
    await world.as('reporter');
    const before = await mark(world.db);
    const res = await post('reporter', '/reports', [
      ['table', 'staff_basic'],
      ['field', 'political_status'],
      ['record_key[staff_no]', ''],
      ['description', ''],
      ['suggested_value', '中共党员'],
      ['attachment', pngOf(5 * MB + 1), '截图.png'],
      ['action', 'submit'],
    ]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(
      /name="record_key\[staff_no\]"[^>]*>\s*<\/label>\s*<p class="field-error" id="report-key-staff_no-error">请填写职工号<\/p>/,
    );
    expect(res.text).toMatch(
      /name="description"[^>]*><\/textarea>\s*<p class="field-error" id="report-description-error">请说明哪里有误<\/p>/,
    );
    expect(res.text).toMatch(
      /name="attachment"[^>]*>\s*<p class="muted">[^<]*<\/p>\s*<p class="field-error" id="report-attachment-error">文件超过 5 MB<\/p>/,
    );
    expect(res.text).toMatch(/name="suggested_value"[^>]* value="中共党员"/);
    expect(await changedSince(world.db, before)).toEqual([]);
  });
});

describe('the report answer form', () => {
  it('a document over 5 MB sent before the comment: the document’s message, the comment kept, nothing written; a Chinese name is kept', async () => {
    const filed = await post('reporter2', '/reports', [...REPORT, ['description', '政治面貌有误'], ['action', 'submit']]);
    expect(filed.status).toBe(302);
    const id = Number(/\/reports\/(\d+)$/.exec(filed.headers.location)![1]);
    const ticketId = Number((await world.db('reports').where({ id }).first('ticket_id')).ticket_id);
    const url = `/reports/tickets/${ticketId}/answer`;

    await world.as('orgSteward'); // signing in writes
    const before = await mark(world.db);
    const big = await postInTwoReads('orgSteward', url, [
      ['answer', 'fixed'],
      ['document', Buffer.concat([PDF, Buffer.alloc(5 * MB)]), '更正说明.pdf'],
      ['comment', '已在人事系统更正为中共党员'],
    ]);
    expect(big.status).toBe(422);
    expect(big.text).toMatch(
      /name="document"[^>]*aria-describedby="answer-document-error answer-document-help" aria-invalid="true">\s*<p class="field-error" id="answer-document-error">文件超过 5 MB<\/p>/,
    );
    expect(big.text).toContain('已在人事系统更正为中共党员</textarea>');
    expect(await changedSince(world.db, before)).toEqual([]);

    // "Not an error" without its reason and with a document too large: both messages at once.
    const both = await post('orgSteward', url, [
      ['answer', 'not_error'],
      ['document', Buffer.concat([PDF, Buffer.alloc(5 * MB)]), '原始凭证.pdf'],
      ['comment', ''],
    ]);
    expect(both.status).toBe(422);
    expect(both.text).toMatch(/name="document"[^>]*>\s*<p class="field-error" id="answer-document-error">文件超过 5 MB<\/p>/);
    // Each message tied to its box: the reason's to the text box it is about.
    expect(both.text).toMatch(
      new RegExp(
        `name="comment"[^>]*aria-invalid="true" aria-describedby="answer-comment-error">[^<]*</textarea>\\s*<p class="field-error" id="answer-comment-error">${REASON_REQUIRED}</p>`,
      ),
    );
    expect(await changedSince(world.db, before)).toEqual([]);

    const ok = await post('orgSteward', url, [
      ['answer', 'fixed'],
      ['document', PDF, '更正说明.pdf'],
      ['comment', '已在人事系统更正为中共党员'],
    ]);
    expect(ok.status).toBe(302);
    const state = await world.db('report_tickets').where({ ticket_id: ticketId }).first('answer_document_id');
    expect((await world.db('uploads').where({ id: state.answer_document_id }).first('filename')).filename).toBe('更正说明.pdf');
    const doc = await (await world.as('reporter2')).agent.get(`/reports/tickets/${ticketId}/document`).expect(200);
    expect(download(doc.headers['content-disposition'])).toBe('更正说明.pdf');
  });
});

describe('the catalog import', () => {
  /** The example catalog and a comment line: `bytes` bytes of valid YAML. */
  const padded = (bytes: number) => Buffer.from(`${EXAMPLE}\n#${'#'.repeat(bytes - Buffer.byteLength(EXAMPLE) - 3)}\n`);
  const versions = async () => Number((await world.db('catalog_versions').count({ n: '*' }).first())!.n);

  it('a file over 1 MB (and over 5 MB): the file input’s message on the form, dry run and strict kept as chosen after it; nothing imported', async () => {
    await world.as('office'); // signing in writes
    for (const size of [MB + 1, 6 * MB]) {
      const before = [await mark(world.db), await versions()];
      const res = await postInTwoReads('office', '/catalog/import', [
        ['file', padded(size), '学校数据目录.yaml'],
        ['dry_run', '1'],
        ['strict', '1'],
      ]);
      expect({ size, status: res.status }).toEqual({ size, status: 422 });
      const upload = /<form method="post" action="\/catalog\/import"[\s\S]*?<\/form>/.exec(res.text)![0];
      expect(upload).toMatch(
        /name="file"[^>]*>\s*<p class="field-error" id="c-file-error">文件超过 1 MB；更大的目录请在服务器上用命令行导入：npx hubwatch catalog import 文件名<\/p>/,
      );
      expect(upload).toMatch(/name="dry_run" value="1" checked>/);
      expect(upload).toMatch(/name="strict" value="1" checked>/);
      expect(await changedSince(world.db, before[0])).toEqual([]);
      expect(await versions()).toBe(before[1]);
    }
  });

  it('a file of exactly 1 MB is read (a dry run passes)', async () => {
    const file = padded(MB);
    expect(file.length).toBe(MB);
    const before = await versions();
    const res = await post('office', '/catalog/import', [
      ['file', file, '学校数据目录.yaml'],
      ['dry_run', '1'],
    ]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('校验通过（试运行，未做更改）');
    expect(await versions()).toBe(before);
    // Passed: the box is unticked and the page says how to import (sent again as it stood, it was another dry run).
    expect(res.text).toContain('要正式导入，请再次提交：“试运行”已取消勾选，上传的文件须重新选择。');
    expect(res.text).not.toMatch(/name="dry_run" value="1" checked>/);
  });

  it('a pasted catalog that passes a dry run is not told to choose its file again: its text is still in the box', async () => {
    const res = await post('office', '/catalog/import', [
      ['yaml', EXAMPLE],
      ['dry_run', '1'],
    ]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('校验通过（试运行，未做更改）');
    expect(res.text).toContain('要正式导入，请再次提交：“试运行”已取消勾选。');
    expect(res.text).not.toContain('上传的文件须重新选择');
    expect(res.text).toMatch(/<textarea id="c-yaml" name="yaml"[^>]*>calendar:|<textarea id="c-yaml" name="yaml"[^>]*># /);
  });
});

/**
 * A file whose name holds a control character other than CR and LF (a BEL, a DEL): browsers send such a name as it
 * is (only CR, LF and `"` are escaped), and the parser refuses the part's header ("Malformed part header") — the form
 * cannot be read past it. That is the sender's form, not a fault of the service: a 400 saying so and what to do (rename
 * the file), in the reader's language, nothing written; it was a 500 logged as an unhandled error.
 */
describe('a form the parser cannot read', () => {
  it.each([
    ['a BEL', '截图\u0007.png'],
    ['a DEL', '截图\u007f.png'],
  ])('a file name with %s: 400 naming the file name, nothing written', async (_, name) => {
    await world.as('reporter'); // signing in writes
    const before = await mark(world.db);
    const res = await postInTwoReads('reporter', '/reports', [
      ...REPORT,
      ['description', '应为中共党员'],
      ['attachment', PNG, name],
      ['action', 'submit'],
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('表单无法读取');
    expect(res.text).toContain('请将文件重命名');
    expect(await changedSince(world.db, before)).toEqual([]);
  });
});
