import { createServer, type AddressInfo } from 'node:net';
import type { FetchLike } from '../../server/services/notifications';
import {
  guardedFetch,
  guardedLookup,
  postWebhook,
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
});
