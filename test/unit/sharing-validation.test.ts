import { translator } from '../../server/i18n';
import { parseCatalog } from '../../server/services/catalog/parse';
import { idCardCheckDigit, isSystemAddress, isValidCnIdCard, isWhitelistAddress } from '../../server/services/sharing/identity';
import { inputFromBody } from '../../server/services/sharing/input';
import { canonicalItems, quoteIdentifier, sensitiveTables, sourceParts } from '../../server/services/sharing/plan';
import { validateRequest } from '../../server/services/sharing/validate';
import { detectFileType, uploadProblem, MAX_UPLOAD_BYTES } from '../../server/services/uploads';
import { SHARING_CATALOG } from '../factories/sharing';

const catalog = parseCatalog(SHARING_CATALOG).catalog!;
const zh = translator('zh-CN');

describe('GB 11643 ID numbers', () => {
  it('computes the check character by hand-checked examples', () => {
    // 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → 'X'.
    expect(idCardCheckDigit('11010519491231002')).toBe('X');
    expect(isValidCnIdCard('11010519491231002X')).toBe(true);
    expect(isValidCnIdCard('11010519491231002x')).toBe(true);
  });
  it.each([
    ['110105194912310021', 'wrong check digit'],
    ['11010519491331002X', 'month 13'],
    ['11010519490230002X', '30 February'],
    ['1101051949123100', 'too short'],
    ['01010519491231002X', 'leading zero'],
  ])('refuses %s (%s)', (value) => {
    expect(isValidCnIdCard(value)).toBe(false);
  });
});

describe('whitelist addresses', () => {
  it.each(['10.1.2.3', '10.1.0.0/16', '0.0.0.0/0', '2001:db8::1', '2001:db8::/32', 'fe80::/128'])('accepts %s', (v) => {
    expect(isWhitelistAddress(v)).toBe(true);
  });
  it.each(['300.1.1.1', '10.0.0.0/33', '2001:db8::/129', '10.1.2', 'example.edu.cn', '10.1.2.3/', '10.1.2.3/-1', '10.1.2.3:80'])(
    'refuses %s',
    (v) => {
      expect(isWhitelistAddress(v)).toBe(false);
    },
  );
});

describe("a system's IP address and port (IP地址：端口号)", () => {
  it.each([
    '10.1.2.3:8080',
    '10.1.2.3:1',
    '10.1.2.3:65535',
    '[2001:db8::1]:8443',
    '[::1]:80',
    'yx.example.edu.cn:443',
    'app-01.zzu.edu.cn:8080',
    'intranet:8080',
    ' 10.1.2.3:8080 ',
  ])('accepts %s', (v) => {
    expect(isSystemAddress(v)).toBe(true);
  });
  it.each([
    ['abc:99999', 'port over 65535'],
    ['10.1.2.3:0', 'port 0'],
    ['10.1.2.3:', 'no port'],
    ['10.1.2.3', 'no port at all'],
    ['10.1.2.3:80a', 'port not a number'],
    ['10.1.2.3:+80', 'signed port'],
    ['300.1.1.1:80', 'no IPv4 address'],
    ['10.1.2:80', 'three numbers are no address'],
    ['2001:db8::1:8443', 'IPv6 without brackets'],
    ['[2001:db8::g]:80', 'no IPv6 address'],
    ['[10.1.2.3]:80', 'IPv4 in brackets'],
    ['-bad.example.edu.cn:80', 'label starting with a hyphen'],
    ['a..b:80', 'empty label'],
    ['exa mple.edu.cn:80', 'space in the name'],
    ['http://10.1.2.3:8080', 'a URL'],
    [`${'a'.repeat(64)}.cn:80`, 'label of 64 characters'],
  ])('refuses %s (%s)', (v) => {
    expect(isSystemAddress(v)).toBe(false);
  });
});

describe('uploads are typed by their first bytes', () => {
  it('recognises PDF, PNG and JPEG and nothing else', () => {
    expect(detectFileType(Buffer.from('%PDF-1.7 ...'))).toBe('pdf');
    expect(detectFileType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(detectFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(detectFileType(Buffer.from('GIF89a'))).toBeNull();
    expect(detectFileType(Buffer.from('<html>%PDF-'))).toBeNull();
  });
  it('refuses empty files and files over 5 MB', () => {
    expect(uploadProblem(Buffer.alloc(0))).toBe('empty');
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    big.write('%PDF-');
    expect(uploadProblem(big)).toBe('too_large');
  });
});

describe('what a request needs', () => {
  const items = inputFromBody({
    items: [
      { table: 'staff_basic', fields: ['staff_no', 'political_status', 'id_card'] },
      { table: 'org_unit', fields: ['unit_code'] },
      { table: 'student_status', fields: ['grade'] },
    ],
  }).items;

  it('asks each owner of requested conditional data for its part (field owners differ: 一数一源)', () => {
    expect(sourceParts(catalog, items)).toEqual([
      { department: 'HR', part: [{ table: 'staff_basic', fields: ['staff_no', 'id_card'] }] },
      { department: 'ORG', part: [{ table: 'staff_basic', fields: ['political_status'] }] },
      { department: 'STU', part: [{ table: 'student_status', fields: ['grade'] }] },
    ]);
  });

  it('finds sensitive requested fields', () => {
    expect(sensitiveTables(catalog, items)).toEqual([{ table: 'staff_basic', fields: ['id_card'] }]);
  });

  it('matches table names ignoring case, as field names, and names each table as the catalog spells it', () => {
    const typed = inputFromBody({
      items: [
        { table: 'STAFF_BASIC', fields: ['Staff_No', 'ID_CARD', 'political_status'] },
        { table: 'Library_Loan', fields: ['loan_id'] },
      ],
    }).items;
    expect(canonicalItems(catalog, typed).map((i) => [i.table, i.fields])).toEqual([
      ['staff_basic', ['staff_no', 'id_card', 'political_status']],
      ['library_loan', ['loan_id']],
    ]);
    // Before they are made canonical too: the plan never depends on how the name was typed.
    expect(sourceParts(catalog, typed)).toEqual([
      { department: 'HR', part: [{ table: 'staff_basic', fields: ['Staff_No', 'ID_CARD'] }] },
      { department: 'ORG', part: [{ table: 'staff_basic', fields: ['political_status'] }] },
    ]);
    expect(sensitiveTables(catalog, typed)).toEqual([
      { table: 'staff_basic', fields: ['ID_CARD'] },
      { table: 'library_loan', fields: ['loan_id'], undeclared: true },
    ]);
  });

  it('quotes identifiers for each hub dialect', () => {
    expect(quoteIdentifier('hr.staff_basic', 'postgres')).toBe('"hr"."staff_basic"');
    expect(quoteIdentifier('we"ird', 'postgres')).toBe('"we""ird"');
    expect(quoteIdentifier('hr.staff`x', 'mysql')).toBe('`hr`.`staff``x`');
  });
});

describe('validation modes', () => {
  const api = inputFromBody({
    purpose: 'p',
    method: 'api',
    items: [{ table: 'org_unit', fields: ['unit_code'] }],
    pledge_accepted: true,
  });

  it('the API needs only purpose, method, items and the pledge', () => {
    expect(validateRequest(api, catalog, zh, 'api')).toEqual([]);
  });

  it('lists every wrong whitelist address in one message, separated as the reader’s language separates a list', () => {
    const en = translator('en');
    const input = { ...api, whitelist: ['10.1.2.300', 'foo', '10.1.2.3'] };
    const [zhError] = validateRequest(input, catalog, zh, 'api').filter((e) => e.field === 'whitelist');
    expect(zh(zhError.key, zhError.params)).toContain('10.1.2.300、foo');
    const [enError] = validateRequest(input, catalog, en, 'api').filter((e) => e.field === 'whitelist');
    expect(en(enError.key, enError.params)).toContain('10.1.2.300, foo');
  });

  it.each(['yx.example.edu.cn', ' app-01.zzu.edu.cn ', 'intranet'])('takes the system domain %s', (domain) => {
    const input = inputFromBody({ ...api, system: { domain } });
    expect(validateRequest(input, catalog, zh, 'api').filter((e) => e.field === 'system.domain')).toEqual([]);
  });
  it.each(['https://yx.example.edu.cn', 'yx.example.edu.cn/app', 'yx.example.edu.cn:8443', '教务 系统', '10.1.2.3'])(
    'refuses the system domain %s, naming the box and what it takes',
    (domain) => {
      const input = inputFromBody({ ...api, system: { domain } });
      const errors = validateRequest(input, catalog, zh, 'api').filter((e) => e.field === 'system.domain');
      expect(errors.map((e) => zh(e.key, e.params))).toEqual([
        `“域名”格式不正确：${domain}（应为主机名，如 yx.example.edu.cn，不含 http://、端口和路径）`,
      ]);
    },
  );

  // An office's number is often written with its area code in brackets; it was refused as not a phone number.
  it.each(['(0371)67781505', '（0371）6778 1505', '0371-67781505', '13800001234', '+86 138 0000 1234'])(
    'takes the office phone %s',
    (phone) => {
      const input = inputFromBody({ ...api, applicant: { office_phone: phone } });
      expect(validateRequest(input, catalog, zh, 'api').filter((e) => e.field === 'applicant.office_phone')).toEqual([]);
    },
  );
  it.each(['(0371', '()67781505', '0371)67781505', '(0371)(0371)67781505', 'abc12345'])(
    'refuses the office phone %s',
    (phone) => {
      const input = inputFromBody({ ...api, applicant: { office_phone: phone } });
      expect(validateRequest(input, catalog, zh, 'api').map((e) => e.field)).toContain('applicant.office_phone');
    },
  );

  it("the web form needs every starred item of seed 000, in the form's order (the material's box before the datasets')", () => {
    const fields = validateRequest(api, catalog, zh, 'web').map((e) => e.field);
    expect(fields).toEqual([
      'applicant.name',
      'applicant.staff_no',
      'applicant.office_phone',
      'applicant.email',
      'system.name',
      'system.status',
      'system.on_campus',
      'system.campus_address',
      'material',
      'datasets',
    ]);
  });

  it("a table typed in another case is the catalog's; typed twice it is one table named twice", () => {
    const item = (table: string, fields: string[]) => ({ table, fields });
    const upper = inputFromBody({
      purpose: 'p',
      method: 'api',
      items: [item('STAFF_BASIC', ['staff_no'])],
      pledge_accepted: true,
    });
    expect(validateRequest(upper, catalog, zh, 'api')).toEqual([]);
    const twice = inputFromBody({
      purpose: 'p',
      method: 'api',
      items: [item('staff_basic', ['staff_no']), item('Staff_Basic', ['name']), item('SALARY_DETAIL', ['staff_no'])],
      pledge_accepted: true,
    });
    expect(validateRequest(twice, catalog, zh, 'api').map((e) => [e.field, zh(e.key, e.params)])).toEqual([
      ['items.1.table', '表“教职工基本信息（staff_basic）”重复出现，请合并为一行'],
      ['items.2.table', '表“工资明细（salary_detail）”属于不共享类数据，不能申请'],
    ]);
  });

  it('"other" method and dataset need their text; unknown tables are named', () => {
    const input = inputFromBody({
      purpose: 'p',
      method: 'other',
      datasets: ['other'],
      items: [{ table: 'nope', fields: ['x'] }],
      pledge_accepted: true,
    });
    const errors = validateRequest(input, catalog, zh, 'api');
    expect(errors.map((e) => [e.field, zh(e.key, e.params)])).toEqual([
      ['method_other', '请填写“其他对接方式说明”'],
      ['dataset_other', '请填写“其他数据集名称”'],
      ['items.0.table', '数据目录中没有表 nope'],
    ]);
  });
});
