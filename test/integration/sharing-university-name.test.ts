import { createTestApp, signIn, TestApp } from '../helpers/app';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';

/**
 * The university's name on the sharing forms comes from the configuration (UNIVERSITY_NAME, UNIVERSITY_NAME_EN):
 * the form's title, the pledge's title and body, on the request form and the print form, in Chinese and English.
 * The defaults (郑州大学, "the University") are what the other sharing tests see.
 */
let t: TestApp;
let people: SharingPeople;
let id: number;

async function pages(login: keyof SharingPeople, locale: 'zh-CN' | 'en') {
  const s = await signIn(t.app, people[login].login, people[login].password);
  await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale, next: '/' });
  return {
    form: (await s.agent.get('/sharing/new').expect(200)).text,
    print: (await s.agent.get(`/sharing/${id}/print`).expect(200)).text,
  };
}

describe('another university: UNIVERSITY_NAME=兰州理工大学, UNIVERSITY_NAME_EN=Lanzhou University of Technology', () => {
  beforeAll(async () => {
    t = await createTestApp({ UNIVERSITY_NAME: '兰州理工大学', UNIVERSITY_NAME_EN: 'Lanzhou University of Technology' });
    people = await buildSharingWorld(t.db.knex);
    const s = await signIn(t.app, people.applicant.login, people.applicant.password);
    id = (
      await s.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', s.csrf)
        .send(apiRequest([{ table: 'org_unit', fields: ['unit_code'] }]))
    ).body.id;
  });
  afterAll(() => t.close());

  it('in Chinese: the form title, the pledge title and the pledge body name it; 郑州大学 appears nowhere', async () => {
    const { form, print } = await pages('applicant', 'zh-CN');
    expect(form).toContain('<h1>兰州理工大学信息化数据共享使用申请审批表</h1>');
    expect(form).toContain('<h2 class="in-fieldset">兰州理工大学数据安全保密承诺书</h2>');
    expect(print).toContain('<title>兰州理工大学信息化数据共享使用申请审批表');
    expect(print).toContain('<h1 class="sheet-title">兰州理工大学信息化数据共享使用申请审批表</h1>');
    expect(print).toContain('<h2 class="sheet-title">兰州理工大学数据安全保密承诺书</h2>');
    for (const html of [form, print]) {
      expect(html).toContain('遵守《兰州理工大学信息化数据管理办法》《兰州理工大学信息化建设中个人信息保护管理办法》规定');
      expect(html).not.toContain('郑州大学');
      expect(html).not.toContain('{university}');
    }
  });

  it('in English: the English name', async () => {
    const { form, print } = await pages('applicant', 'en');
    expect(form).toContain('<h1>Application and approval form for sharing the data of Lanzhou University of Technology</h1>');
    expect(print).toContain(
      '<h2 class="sheet-title">Data security and confidentiality pledge of Lanzhou University of Technology</h2>',
    );
    expect(print).toContain('the data management and personal information rules of Lanzhou University of Technology');
    for (const html of [form, print]) expect(html).not.toContain('{university}');
    // English punctuation and words in the English print form: no 附：, （…）, 、 or ；.
    expect(print).toContain('<h2 class="sheet-title small">Appendix: ');
    expect(print).not.toMatch(/附：|[（）、；]/);
  });
});
