import { ConfigError, loadConfig } from '../../server/config';
import { senderFor } from '../../server/services/notifications';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../cli/main';

/** `hubwatch serve` in-process with `env`: the configuration is refused before anything is opened. */
async function serve(env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const stderr = new PassThrough();
  const err: string[] = [];
  stderr.on('data', (c) => err.push(String(c)));
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const code = await main(['serve'], { stdout: new PassThrough(), stderr, stdin, env, cwd: '/nonexistent' });
  return { code, stderr: err.join('') };
}

describe('hubwatch serve with invalid variables', () => {
  // Listed in the command line's language (HUBWATCH_LOCALE, else LANG), a line each naming the variable as set;
  // they were listed in both languages, Chinese first, whatever the language.
  const bad = { PORT: 'abc', SESSION_SECRET: 'short', CHECK_SCHEDULE: 'every hour' };

  it('in English', async () => {
    expect(await serve({ ...bad, LANG: 'en_US.UTF-8' })).toEqual({
      code: 1,
      stderr:
        'invalid configuration:\n' +
        '  - PORT: must be an integer from 0 to 65535, got "abc"\n' +
        '  - SESSION_SECRET: must be at least 32 characters long\n' +
        '  - CHECK_SCHEDULE: not a valid cron expression: "every hour" (e.g. "0 * * * *")\n',
    });
  });

  it('in Chinese', async () => {
    expect(await serve({ ...bad, HUBWATCH_LOCALE: 'zh-CN', LANG: 'en_US.UTF-8' })).toEqual({
      code: 1,
      stderr:
        '配置错误：\n' +
        '  - PORT: 应为 0–65535 之间的整数，收到 "abc"\n' +
        '  - SESSION_SECRET: 至少 32 个字符\n' +
        '  - CHECK_SCHEDULE: 不是有效的 cron 表达式："every hour"（如 "0 * * * *"）\n',
    });
  });
});

describe('configuration from the environment', () => {
  it('has working defaults: embedded database under ./data, port 3000, Asia/Shanghai', () => {
    const c = loadConfig({}, '/srv/hubwatch');
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      dataDir: '/srv/hubwatch/data',
      hubDatabaseUrl: null,
      timezone: 'Asia/Shanghai',
      baseUrl: 'http://localhost:3000',
      sessionSecret: null,
    });
  });

  it('reports every problem at once, each naming its variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'abc',
        DATABASE_URL: 'mysql://x',
        HUB_DATABASE_URL: 'ftp://x',
        SMTP_URL: 'http://x',
        MAIL_FROM: 'Hubwatch',
        LOG_LEVEL: 'loud',
        HUBWATCH_LOCALE: 'fr',
        TZ: 'Mars/Base',
        SESSION_SECRET: 'short',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = error!.problems.map((p) => p.split(':')[0]);
    expect(names).toEqual([
      'PORT',
      'DATABASE_URL',
      'HUB_DATABASE_URL',
      'SESSION_SECRET',
      'SMTP_URL',
      'MAIL_FROM',
      'HUBWATCH_LOCALE',
      'LOG_LEVEL',
      'TZ',
    ]);
  });

  it('takes PORT 0 (any free port) only with BASE_URL: links would name port 0', () => {
    expect(() => loadConfig({ PORT: '0' })).toThrow(/PORT: .*BASE_URL/);
    expect(loadConfig({ PORT: '0', BASE_URL: 'https://hub.example.edu.cn' })).toMatchObject({
      port: 0,
      baseUrl: 'https://hub.example.edu.cn',
    });
  });

  it('sends e-mail from MAIL_FROM when set (a relay refuses hubwatch@localhost), else from hubwatch@<host of BASE_URL>', () => {
    const from = (env: Record<string, string>) => {
      const c = loadConfig(env);
      return senderFor(c.baseUrl, c.mailFrom);
    };
    expect(from({})).toBe('Hubwatch 数据质量 <hubwatch@localhost>');
    expect(from({ BASE_URL: 'https://hub.example.edu.cn' })).toBe('Hubwatch 数据质量 <hubwatch@hub.example.edu.cn>');
    expect(from({ MAIL_FROM: ' data@zzu.edu.cn ', BASE_URL: 'https://hub.example.edu.cn' })).toBe(
      'Hubwatch 数据质量 <data@zzu.edu.cn>',
    );
    for (const bad of ['Hubwatch <data@zzu.edu.cn>', 'a@b@c.cn', 'data@localhost', 'x'])
      expect(() => loadConfig({ MAIL_FROM: bad })).toThrow(/MAIL_FROM: 应为一个电子邮箱地址.*must be one e-mail address/);
  });

  it('requires SESSION_SECRET in production only', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(32) }).sessionSecret).toHaveLength(32);
  });

  it('accepts PostgreSQL and MySQL hubs', () => {
    expect(loadConfig({ HUB_DATABASE_URL: 'mysql://root@127.0.0.1/hub' }).hubDatabaseUrl).toBe('mysql://root@127.0.0.1/hub');
    expect(loadConfig({ DATA_DIR: '/var/lib/hw' }).dataDir).toBe('/var/lib/hw');
  });

  it('reads a big hub table on CHECK_SCAN_PARTS connections: 2 by default, 1 to 8 accepted', () => {
    expect(loadConfig({}).checkScanParts).toBe(2);
    expect(loadConfig({ CHECK_SCAN_PARTS: '1' }).checkScanParts).toBe(1);
    for (const bad of ['0', '9', '1.5', 'two'])
      expect(() => loadConfig({ CHECK_SCAN_PARTS: bad })).toThrow(/CHECK_SCAN_PARTS: .*1 到 8.*1 to 8/);
  });

  it('names the university on the sharing forms: 郑州大学 and "the University" by default, UNIVERSITY_NAME / UNIVERSITY_NAME_EN otherwise', () => {
    expect(loadConfig({}).universityName).toEqual({ 'zh-CN': '郑州大学', en: 'the University' });
    expect(loadConfig({ UNIVERSITY_NAME: '', UNIVERSITY_NAME_EN: '' }).universityName).toEqual({
      'zh-CN': '郑州大学',
      en: 'the University',
    });
    expect(loadConfig({ UNIVERSITY_NAME: ' 兰州理工大学 ' }).universityName).toEqual({
      'zh-CN': '兰州理工大学',
      en: 'the University',
    });
    expect(loadConfig({ UNIVERSITY_NAME_EN: 'Lanzhou University of Technology' }).universityName.en).toBe(
      'Lanzhou University of Technology',
    );
    expect(loadConfig({ UNIVERSITY_NAME: '大'.repeat(60) }).universityName['zh-CN']).toHaveLength(60);
    let error: ConfigError | undefined;
    try {
      loadConfig({ UNIVERSITY_NAME: '   ', UNIVERSITY_NAME_EN: 'Line one\nline two' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.split(':')[0])).toEqual(['UNIVERSITY_NAME', 'UNIVERSITY_NAME_EN']);
    expect(() => loadConfig({ UNIVERSITY_NAME: '大'.repeat(61) })).toThrow(/UNIVERSITY_NAME: .*60 个字符.*60 characters/);
  });
  it('trusts X-Forwarded-For from a proxy on the same machine by default; TRUST_PROXY names others or none', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'none' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.5 ,fd00::/8,uniquelocal' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
      'uniquelocal',
    ]);
    for (const bad of ['10.0.0.0/33', 'proxy.example.edu', '10.0.0', 'true', '2', ',', '::1/129', '10.0.0.1/8/8'])
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY: .*代理地址.*proxy addresses/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1, gateway' })).toThrow(/not understood: "gateway"/);
  });
});
