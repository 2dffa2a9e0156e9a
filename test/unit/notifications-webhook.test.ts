import { createServer, type AddressInfo } from 'node:net';
import type { FetchLike } from '../../server/services/notifications';
import {
  guardedFetch,
  guardedLookup,
  postWebhook,
  robotText,
  ROBOT_TEXT_MAX_BYTES,
  webhookUrlProblem,
  WEBHOOK_URL_MAX,
  type Resolver,
} from '../../server/services/notifications/webhook';

/** A DNS that answers from a table, as a hostile or misconfigured name server would. */
function dnsAnswering(table: Record<string, string[]>): Resolver {
  return (hostname, _options, callback) =>
    callback(
      null,
      (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
}

function lookupOnce(lookup: ReturnType<typeof guardedLookup>, host: string, all: boolean) {
  return new Promise<{ err: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
    lookup(host, { all }, (err: NodeJS.ErrnoException | null, result: unknown) => resolve({ err, result })),
  );
}

describe('robot webhooks', () => {
  const sent: { url: string; init: Parameters<FetchLike>[1] }[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    sent.push({ url, init });
    return { ok: true, status: 200 };
  };
  beforeEach(() => void sent.splice(0));

  it('tells an http URL from an internal host, and passes the robots', () => {
    expect(webhookUrlProblem('http://169.254.169.254/latest/meta-data')).toBe('https');
    expect(webhookUrlProblem('not a url')).toBe('https');
    expect(webhookUrlProblem('https://[::ffff:127.0.0.1]/')).toBe('host');
    expect(webhookUrlProblem('https://017700000001/')).toBe('host');
    // NAT64 and 6to4 forms of the metadata service and of loopback
    expect(webhookUrlProblem('https://[64:ff9b::a9fe:a9fe]/')).toBe('host');
    expect(webhookUrlProblem('https://[2002:7f00:1::]/')).toBe('host');
    expect(webhookUrlProblem('https://[2002:a9fe:a9fe::1]/')).toBe('host');
    expect(webhookUrlProblem('https://[64:ff9b::cb00:7107]/')).toBeNull(); // 203.0.113.7 over NAT64
    expect(webhookUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k')).toBeNull();
    expect(webhookUrlProblem('https://oapi.dingtalk.com/robot/send?access_token=t')).toBeNull();
  });

  // `https://exa mple.com/` was told to start with https://, which it does; a URL of 5,000 characters was saved.
  it('tells a space and an address too long from a URL that does not start with https://', () => {
    expect(webhookUrlProblem('https://exa mple.com/')).toBe('space');
    expect(webhookUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a b')).toBe('space');
    expect(webhookUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a\u3000b')).toBe('space');
    expect(webhookUrlProblem('https://exa%mple.com/')).toBe('invalid');
    expect(webhookUrlProblem('https://')).toBe('invalid');
    expect(webhookUrlProblem('http://exa mple.com/')).toBe('https');
    const long = `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${'k'.repeat(WEBHOOK_URL_MAX)}`;
    expect(webhookUrlProblem(long)).toBe('length');
    expect(webhookUrlProblem(long.slice(0, WEBHOOK_URL_MAX))).toBeNull();
    expect(WEBHOOK_URL_MAX).toBe(2000);
  });

  it('posts to a robot without following redirects', async () => {
    await postWebhook(fetchImpl, 'https://oapi.dingtalk.com/robot/send?access_token=t', '工单 #1');
    expect(sent).toHaveLength(1);
    expect(sent[0].init).toMatchObject({ method: 'POST', redirect: 'error' });
    expect(JSON.parse(sent[0].init.body)).toEqual({ msgtype: 'text', text: { content: '工单 #1' } });
  });

  it('does not post to a URL stored before the rules, and says why without the URL', async () => {
    await expect(postWebhook(fetchImpl, 'http://169.254.169.254/latest/meta-data', 'x')).rejects.toThrow(
      'webhook URL refused (not https)',
    );
    await expect(postWebhook(fetchImpl, 'https://localhost:9000/hook?key=secret', 'x')).rejects.toThrow(
      /^webhook URL refused \(internal host\)$/,
    );
    expect(sent).toEqual([]);
  });

  it('refuses a robot host whose name resolves to this machine or the metadata service, and lets others through', async () => {
    const lookup = guardedLookup(
      dnsAnswering({
        'rebound.example': ['203.0.113.7', '127.0.0.1'],
        'metadata.example': ['169.254.169.254'],
        'v6loop.example': ['::1'],
        'robot.example': ['203.0.113.7'],
        'wecom.campus.example': ['10.20.30.40'],
      }),
    );
    for (const host of ['rebound.example', 'metadata.example', 'v6loop.example', 'nowhere.example']) {
      const { err } = await lookupOnce(lookup, host, true);
      expect(err?.code).toBe('EWEBHOOKINTERNAL');
    }
    expect((await lookupOnce(lookup, 'robot.example', true)).result).toEqual([{ address: '203.0.113.7', family: 4 }]);
    // the single-address shape net uses when it does not try every family
    await new Promise<void>((done) =>
      lookup('wecom.campus.example', {}, (err, address, family) => {
        expect([err, address, family]).toEqual([null, '10.20.30.40', 4]);
        done();
      }),
    );
  });

  it('never connects to a robot whose name resolves to 127.0.0.1', async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((ready) => listener.listen(0, '127.0.0.1', ready));
    const { port } = listener.address() as AddressInfo;
    try {
      const post = postWebhook(
        guardedFetch(dnsAnswering({ 'robot.example': ['127.0.0.1'] })),
        `https://robot.example:${port}/send?key=k`,
        'x',
      );
      await expect(post).rejects.toMatchObject({ code: 'EWEBHOOKINTERNAL' });
      expect(connections).toBe(0);
    } finally {
      await new Promise((closed) => listener.close(closed));
    }
  });

  describe('robotText: at most 2,048 bytes, the most a WeCom robot takes', () => {
    const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
    const line = (i: number) => `#${i} [中] 教职工基本信息·职工号：5 条在职记录的值不符合规定格式（整改期限 2026-12-14）`;

    it('leaves a notice that fits as it was: title, body, a blank line, the link', () => {
      expect(ROBOT_TEXT_MAX_BYTES).toBe(2048);
      expect(robotText('【数据质量】1 个高严重度问题待整改', line(1), 'https://h/tickets/1')).toBe(
        `【数据质量】1 个高严重度问题待整改\n${line(1)}\n\nhttps://h/tickets/1`,
      );
      expect(robotText('标题', '', 'https://h/x')).toBe('标题\nhttps://h/x');
    });

    it('keeps whole lines that fit, counts the rest (not blank lines) and keeps the link', () => {
      const body = ['共 40 个', '', '【新增】', ...Array.from({ length: 40 }, (_, i) => line(i + 1))].join('\n');
      const text = robotText('【数据质量日报】人事处', body, 'https://h/tickets?status=active');
      expect(bytes(text)).toBeLessThanOrEqual(2048);
      const lines = text.split('\n');
      expect(lines.slice(0, 4)).toEqual(['【数据质量日报】人事处', '共 40 个', '', '【新增】']);
      const shown = lines.filter((l) => l.startsWith('#'));
      expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => line(i + 1)));
      expect(lines.slice(-2)).toEqual([`……还有 ${40 - shown.length} 行未列出，完整内容见：`, 'https://h/tickets?status=active']);
      // As many as fit: one more would not.
      expect(bytes([...lines.slice(0, -2), line(shown.length + 1), ...lines.slice(-2)].join('\n'))).toBeGreaterThan(2048);
    });

    it('shows a line too long for any robot as far as it fits, and says where the rest is without a link', () => {
      const text = robotText('【改派】质量工单 #1', `#1 [中] x\n理由：${'很长的理由'.repeat(300)}`, null);
      expect(bytes(text)).toBeLessThanOrEqual(2048);
      expect(bytes(text)).toBeGreaterThan(2000);
      const lines = text.split('\n');
      expect(lines[1]).toBe('#1 [中] x');
      expect(lines[2]).toMatch(/^理由：(很长的理由)+.*…$/);
      expect(lines[3]).toBe('完整内容请登录 Hubwatch 查看');
    });
  });
});
