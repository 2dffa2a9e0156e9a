import type { FetchLike } from '../../server/services/notifications';
import { postWebhook, webhookUrlProblem } from '../../server/services/notifications/webhook';

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
    expect(webhookUrlProblem('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k')).toBeNull();
    expect(webhookUrlProblem('https://oapi.dingtalk.com/robot/send?access_token=t')).toBeNull();
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
});
