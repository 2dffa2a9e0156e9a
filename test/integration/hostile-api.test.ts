import fc from 'fast-check';
import request from 'supertest';
import { AccessWorld, createAccessWorldApp, Person } from '../factories/access';
import { changedSince, hostileJson, hostileText, jsonText, mark, RawObject, runParams } from '../factories/hostile';
import { dropShadowingKeys, hasForbiddenCharacter } from '../../server/middleware/body-safety';
import { unknownBodyKeys, type BodyKeys } from '../../server/http/body-keys';
import { API_REQUEST_KEYS } from '../../server/services/sharing/input';
import { TestApp } from '../helpers/app';

/**
 * The API's public contracts under arbitrary JSON (issue 9): a refused body is a 422 naming the
 * field that is wrong, never a 500, and writes nothing; text that is not JSON is a 400 in JSON.
 */

let t: TestApp;
let w: AccessWorld;

beforeAll(async () => {
  ({ t, w } = await createAccessWorldApp());
}, 120_000);
afterAll(() => t.close());

/** Posts `body` (raw JSON text) as `who`; returns the answer and the tables it changed. */
async function post(who: Person, url: string, body: string) {
  const before = await mark(t.db.knex);
  const res = await request(t.app)
    .post(url)
    .set('Authorization', `Bearer ${who.token}`)
    .set('Content-Type', 'application/json')
    .send(body);
  return { res, changed: await changedSince(t.db.knex, before) };
}

/** A JSON object of hostile values under these keys (each present or not), plus random others. */
function bodyWith(keys: string[], values: fc.Arbitrary<unknown> = hostileJson(2)) {
  return fc
    .tuple(
      fc.subarray(keys),
      fc.array(fc.tuple(fc.constantFrom(...keys, 'extra', '__proto__', 'constructor'), values), { maxLength: 4 }),
      fc.array(values, { minLength: keys.length, maxLength: keys.length }),
    )
    .map(([present, extra, vals]) => {
      const entries: [string, unknown][] = present.map((k) => [k, vals[keys.indexOf(k)]]);
      return {
        present: new Set([...present, ...extra.map(([k]) => k)]),
        entries,
        text: jsonText(new RawObject([...entries, ...extra])),
      };
    });
}

/**
 * A body holding the NUL character where the app sees it: keys shadowing Object.prototype (and what
 * is under them) are dropped while parsing, so a NUL there never reaches the app.
 */
/** Whether a JSON text holds, in any string value, a character every body is refused for (NUL, a control, a bidi override). */
const hasNul = (text: string) => {
  const has = (v: unknown): boolean =>
    typeof v === 'string'
      ? hasForbiddenCharacter(v)
      : Array.isArray(v)
        ? v.some(has)
        : !!v && typeof v === 'object' && Object.values(v).some(has);
  return has(JSON.parse(text, dropShadowingKeys));
};
const fieldsOf = (res: request.Response) => Object.keys(res.body.fields ?? {});
/**
 * The keys of a JSON text the route's body check refuses at once, alone (the rest is not judged): keys it does not
 * read, and keys named as Object.prototype's members anywhere (`__proto__` inside a comment too), which the parser drops.
 */
const refusedKeys = (text: string, keys: BodyKeys) =>
  unknownBodyKeys(JSON.parse(text, dropShadowingKeys), keys).map((p) => p.field);

const REPORT_KEYS: BodyKeys = {
  table: true,
  field: true,
  record_key: true,
  description: true,
  suggested_value: true,
  observed_value: true,
};

describe('POST /api/v1/reports with arbitrary JSON', () => {
  it('answers 422 naming table (and description when it is missing), writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodyWith(['table', 'field', 'record_key', 'description', 'suggested_value']), async (b) => {
        const { res, changed } = await post(w.people.HR.user, '/api/v1/reports', b.text);
        expect(res.status).toBe(422);
        expect(res.body.error).toBe('validation_failed');
        if (hasNul(b.text)) {
          // Text with NUL is refused before anything else, naming where it was.
          for (const k of fieldsOf(res)) expect(b.text).toContain(JSON.stringify(k.split(/[.[]/)[0]));
        } else if (refusedKeys(b.text, REPORT_KEYS).length) {
          // A key the route does not read is refused at once, alone: the rest is not judged.
          expect(fieldsOf(res)).toEqual(refusedKeys(b.text, REPORT_KEYS));
        } else {
          // No generated text is a catalog table: the table is always named.
          expect(fieldsOf(res)).toContain('table');
          if (!b.present.has('description')) expect(fieldsOf(res)).toContain('description');
          for (const k of fieldsOf(res)) expect(k).toMatch(/^(table|field|record_key(\.\w+)?|description|suggested_value)$/);
        }
        expect(changed).toEqual([]);
      }),
      runParams(25),
    );
  }, 90_000);

  it('names record_key when it is not an object of text, on a real table and field', async () => {
    for (const recordKey of [null, 'x', 42, ['20190001'], { staff_no: { toString: 1 } }, { staff_no: ['a'] }, { staff_no: '' }]) {
      const body = { table: 'staff_basic', field: 'name', record_key: recordKey, description: '姓名有误' };
      const { res, changed } = await post(w.people.HR.user, '/api/v1/reports', JSON.stringify(body));
      expect({ recordKey, status: res.status }).toEqual({ recordKey, status: 422 });
      expect(fieldsOf(res).some((k) => k === 'record_key' || k.startsWith('record_key.'))).toBe(true);
      expect(changed).toEqual([]);
    }
  });
});

describe('POST /api/v1/sharing-requests with arbitrary JSON', () => {
  it('answers 422 naming purpose and items when they are missing, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(bodyWith(['purpose', 'items', 'method', 'pledge_accepted', 'applicant', 'system']), async (b) => {
        const { res, changed } = await post(w.people.HR.user, '/api/v1/sharing-requests', b.text);
        expect(res.status).toBe(422);
        if (hasNul(b.text)) return;
        // A key the route does not read (`extra`, a key inside `applicant`) is refused at once, alone: the rest is not judged.
        const unknown = unknownBodyKeys(JSON.parse(b.text, dropShadowingKeys), API_REQUEST_KEYS).map((p) => p.field);
        if (unknown.length) {
          expect(fieldsOf(res)).toEqual(unknown);
        } else {
          if (!b.present.has('purpose')) expect(fieldsOf(res)).toContain('purpose');
          if (!b.present.has('items')) expect(fieldsOf(res)).toContain('items');
        }
        expect(changed).toEqual([]);
      }),
      runParams(25),
    );
  }, 90_000);

  it('names each wrong item by its place: items.0.table, items.1.fields', async () => {
    const body = {
      purpose: '迎新系统需要学生基本信息',
      method: 'api',
      pledge_accepted: true,
      items: [
        { table: "x'; drop table users; --", fields: ['a'] },
        { table: 'student_status', fields: [] },
      ],
    };
    const { res, changed } = await post(w.people.HR.user, '/api/v1/sharing-requests', JSON.stringify(body));
    expect(res.status).toBe(422);
    expect(fieldsOf(res).sort()).toEqual(['items.0.table', 'items.1.fields']);
    expect(changed).toEqual([]);
  });
});

/**
 * A field key that is `name` or a place inside it: a NUL deep inside the value is named where it is
 * (`to[0].action`), by the guard that refuses NUL before the route reads the body.
 */
const namingField = (name: string) => expect.stringMatching(new RegExp(`^${name}(\\[\\d+\\]|\\.|$)`));

describe('POST /api/v1/tickets/:id/transitions with arbitrary JSON', () => {
  it('answers 422 naming `to` when it is not a transition, writing nothing', async () => {
    const notATransition = fc
      .oneof(hostileJson(2), hostileText)
      .filter((v) => !['acknowledged', 'fixed', 'closed'].includes(v as string));
    await fc.assert(
      fc.asyncProperty(notATransition, fc.option(hostileJson(1)), async (to, comment) => {
        const body = jsonText(
          new RawObject([
            ['to', to],
            ['comment', comment],
          ]),
        );
        const { res, changed } = await post(w.people.HR.steward, `/api/v1/tickets/${w.objects.HR.ticket}/transitions`, body);
        expect(res.status).toBe(422);
        // A NUL in the comment is named alone (refused before the route reads the body), so is a refused key.
        const refused = refusedKeys(body, { to: true, comment: true, version: true });
        if (refused.length && !hasNul(body)) expect(fieldsOf(res)).toEqual(refused);
        else if (!hasNul(jsonText(comment))) expect(fieldsOf(res)).toContainEqual(namingField('to'));
        expect(changed).toEqual([]);
      }),
      runParams(25),
    );
  }, 90_000);

  it('names version and comment when they are of the wrong type', async () => {
    const { res, changed } = await post(
      w.people.HR.steward,
      `/api/v1/tickets/${w.objects.HR.ticket}/transitions`,
      '{"to":"acknowledged","version":"1; drop table tickets","comment":{"a":1}}',
    );
    expect(res.status).toBe(422);
    expect(fieldsOf(res).sort()).toEqual(['comment', 'version']);
    expect(changed).toEqual([]);
  });
});

describe('POST /api/v1/sharing-requests/:id/decisions with arbitrary JSON', () => {
  it('answers 422 naming decision when it is neither approve nor reject, writing nothing', async () => {
    const notADecision = fc.oneof(hostileJson(2), hostileText).filter((v) => v !== 'approve' && v !== 'reject');
    await fc.assert(
      fc.asyncProperty(notADecision, bodyWith(['reason', 'comment', 'expires_on']), async (decision, rest) => {
        const body = jsonText(new RawObject([...rest.entries, ['decision', decision]]));
        const { res, changed } = await post(
          w.people.HR.steward,
          `/api/v1/sharing-requests/${w.objects.HR.request}/decisions`,
          body,
        );
        expect(res.status).toBe(422);
        const refused = refusedKeys(body, { decision: true, reason: true, comment: true, expires_on: true, stage_id: true });
        if (refused.length && !hasNul(body)) expect(fieldsOf(res)).toEqual(refused);
        else if (!hasNul(jsonText(new RawObject(rest.entries)))) expect(fieldsOf(res)).toContainEqual(namingField('decision'));
        expect(changed).toEqual([]);
      }),
      runParams(25),
    );
  }, 90_000);
});

describe('POST /api/v1/tickets/:id/extension with arbitrary JSON', () => {
  // Anything but a JSON number, digits in a string too (a number out of 1–20 is a 422 too, tested with the feature).
  const notDays = fc
    .oneof(hostileJson(2), hostileText, fc.integer({ min: 1, max: 20 }).map(String))
    .filter((v) => typeof v !== 'number');
  it('answers 422 naming `days` when it is not a number of working days, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(notDays, fc.option(hostileJson(1)), async (days, reason) => {
        const body = jsonText(
          new RawObject([
            ['days', days],
            ['reason', reason],
          ]),
        );
        const { res, changed } = await post(w.people.HR.steward, `/api/v1/tickets/${w.objects.HR.ticket}/extension`, body);
        expect(res.status).toBe(422);
        const refused = refusedKeys(body, { days: true, reason: true, version: true });
        if (refused.length && !hasNul(body)) expect(fieldsOf(res)).toEqual(refused);
        else if (!hasNul(jsonText(reason))) expect(fieldsOf(res)).toContainEqual(namingField('days'));
        expect(changed).toEqual([]);
      }),
      runParams(25),
    );
  }, 90_000);
});

describe('POST /api/v1/tickets/:id/reassign with arbitrary JSON', () => {
  // Anything but a department's code (letters; the ticket's own is a 409, another one a reassignment).
  const notDepartment = fc
    .oneof(hostileJson(2), hostileText)
    .filter((v) => !(typeof v === 'string' && /^\s*[A-Za-z]{2,4}\s*$/.test(v)));
  it('answers 422 naming `department` when it is not a department, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(notDepartment, fc.option(hostileJson(1)), async (department, reason) => {
        const body = jsonText(
          new RawObject([
            ['department', department],
            ['reason', reason],
          ]),
        );
        const { res, changed } = await post(w.people.HR.it_office, `/api/v1/tickets/${w.objects.HR.ticket}/reassign`, body);
        expect(res.status).toBe(422);
        const refused = refusedKeys(body, { department: true, reason: true, version: true });
        if (refused.length && !hasNul(body)) expect(fieldsOf(res)).toEqual(refused);
        else if (!hasNul(jsonText(reason))) expect(fieldsOf(res)).toContainEqual(namingField('department'));
        expect(changed).toEqual([]);
      }),
      runParams(25),
    );
  }, 90_000);
});

describe('text that is not JSON', () => {
  const ROUTES = () => [
    { who: w.people.HR.user, url: '/api/v1/reports' },
    { who: w.people.HR.user, url: '/api/v1/sharing-requests' },
    { who: w.people.HR.steward, url: `/api/v1/tickets/${w.objects.HR.ticket}/transitions` },
    { who: w.people.HR.steward, url: `/api/v1/sharing-requests/${w.objects.HR.request}/decisions` },
  ];
  const notJson = fc.oneof(
    fc.string({ minLength: 1, maxLength: 50 }).filter((s) => {
      try {
        const v = JSON.parse(s);
        return v === null || typeof v !== 'object';
      } catch {
        return s.trim() !== '';
      }
    }),
    fc.constantFrom(
      '{"to": "acknowledged"',
      "{'to': 'fixed'}",
      '{"a":1,}',
      '[1,2',
      '{"x": NaN}',
      '\u0000',
      `${'['.repeat(100)}`,
      `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ),
  );

  it('is a 400 in JSON naming the problem, writing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2, 3), notJson, async (i, text) => {
        const { who, url } = ROUTES()[i];
        const { res, changed } = await post(who, url, text);
        expect(res.status).toBe(400);
        expect(res.type).toBe('application/json');
        expect(res.body).toEqual({ error: 'bad_request', message: expect.any(String) });
        expect(changed).toEqual([]);
      }),
      runParams(30),
    );
  }, 90_000);

  it('says where the JSON is broken, in the caller\'s language (it was only 请求格式不正确, "the request is malformed")', async () => {
    const { who, url } = ROUTES()[2];
    const send = (body: string, language: string) =>
      request(t.app)
        .post(url)
        .set('Authorization', `Bearer ${who.token}`)
        .set('Content-Type', 'application/json')
        .set('Accept-Language', language)
        .send(body);
    // A trailing comma on the second line of a pretty-printed body: the } after it is line 3, character 1.
    const comma = await send('{\n  "to": "acknowledged",\n}', 'zh-CN').expect(400);
    expect(comma.body).toEqual({
      error: 'bad_request',
      message: '请求正文不是有效的 JSON：第 3 行第 1 个字符处有误（请检查引号、逗号和括号；字段名须用英文双引号）',
    });
    // Single quotes, as Python's str() of a dict writes them: the first name, character 2.
    const quotes = await send("{'to': 'fixed'}", 'en').expect(400);
    expect(quotes.body.message).toBe(
      'The request body is not valid JSON: the error is at line 1, character 2 (check its quotes, commas and brackets; names take double quotes)',
    );
    // An unexpected character, for which Node's parser names no position: a value missing before the } of line 3,
    // a value left unquoted, Python's True. The answer said "not valid JSON" without where.
    expect((await send('{\n  "to":\n}', 'zh-CN').expect(400)).body.message).toBe(
      '请求正文不是有效的 JSON：第 3 行第 1 个字符处有误（请检查引号、逗号和括号；字段名须用英文双引号）',
    );
    expect((await send('{"to": acknowledged}', 'en').expect(400)).body.message).toBe(
      'The request body is not valid JSON: the error is at line 1, character 8 (check its quotes, commas and brackets; names take double quotes)',
    );
    expect((await send('{\n  "to": "fixed",\n  "version": True\n}', 'en').expect(400)).body.message).toBe(
      'The request body is not valid JSON: the error is at line 3, character 14 (check its quotes, commas and brackets; names take double quotes)',
    );
    // Cut short (a closing brace or quote lost): said as such, in both languages.
    expect((await send('{"to": "acknowledged"', 'zh-CN').expect(400)).body.message).toBe(
      '请求正文不是有效的 JSON：内容不完整，缺少结尾的引号或括号',
    );
    expect((await send('{"to": "acknowl', 'en').expect(400)).body.message).toBe(
      'The request body is not valid JSON: it ends before the JSON does (a closing quote or bracket is missing)',
    );
    // Nested past the limit: the limit, not "malformed".
    expect((await send(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`, 'en').expect(400)).body.message).toBe(
      "The request body's JSON may be nested at most 32 levels deep",
    );
  });

  it("as an array instead of an object is a 400 that says the body must be an object, in the caller's language", async () => {
    for (const [i, body] of [
      [1, [{ purpose: '科研分析', pledge_accepted: true }]],
      [2, [{ to: 'acknowledged' }]],
    ] as const) {
      const { who, url } = ROUTES()[i];
      const before = await mark(t.db.knex);
      const zh = await request(t.app).post(url).set('Authorization', `Bearer ${who.token}`).send(body);
      expect(zh.status).toBe(400);
      expect(zh.body).toEqual({ error: 'bad_request', message: expect.stringContaining('JSON 对象') });
      const en = await request(t.app)
        .post(url)
        .set('Authorization', `Bearer ${who.token}`)
        .set('Accept-Language', 'en')
        .send(body);
      expect(en.body).toEqual({ error: 'bad_request', message: expect.stringContaining('must be a JSON object') });
      expect(await changedSince(t.db.knex, before)).toEqual([]);
    }
  });

  it('in a charset the service does not read is a 415 that says so, writing nothing', async () => {
    const { who, url } = ROUTES()[0];
    const before = await mark(t.db.knex);
    const res = await request(t.app)
      .post(url)
      .set('Authorization', `Bearer ${who.token}`)
      .set('Content-Type', 'application/json; charset=gbk')
      .set('Accept-Language', 'en')
      .send('{"table":"staff_basic"}');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: 'unsupported_media_type', message: expect.stringContaining('must be UTF-8') });
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });

  it('not in UTF-8 (GBK labelled as JSON, as Chinese Windows tools send it), or in UTF-16, is the same 415, writing nothing', async () => {
    const { who, url } = ROUTES()[0];
    const before = await mark(t.db.knex);
    // {"comment":"已核实"} in GBK: was decoded into U+FFFD and stored ("�Ѻ�ʵ") with a 200.
    const gbk = Buffer.from([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xd2, 0xd1, 0xba, 0xcb, 0xca, 0xb5, 0x22, 0x7d]);
    const utf16 = Buffer.from('{"table":"staff_basic"}', 'utf16le');
    for (const [type, body] of [
      ['application/json', gbk],
      ['application/json; charset=utf-8', gbk],
      ['application/json; charset=utf-16le', utf16],
      ['application/json; charset=utf-16', utf16],
      // Without a byte-order mark or a charset (.NET's Encoding.Unicode), ASCII only: was a 400 "not a JSON object".
      ['application/json', utf16],
      ['application/json', Buffer.from('{"table":"staff_basic"}', 'utf16le').swap16()],
    ] as const) {
      const res = await request(t.app)
        .post(url)
        .set('Authorization', `Bearer ${who.token}`)
        .set('Content-Type', type)
        // As the bytes are (superagent would send a Buffer given with a JSON type as the JSON of the Buffer object).
        .serialize(() => body as unknown as string)
        .send(body);
      expect({ type, status: res.status, body: res.body }).toEqual({
        type,
        status: 415,
        body: { error: 'unsupported_media_type', message: expect.stringContaining('UTF-8') },
      });
    }
    expect(await changedSince(t.db.knex, before)).toEqual([]);
  });
});
