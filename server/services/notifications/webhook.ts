import type { FetchLike } from './types';

/** The text message both WeCom (企业微信) and DingTalk (钉钉) group robots accept. */
export function robotPayload(content: string): { msgtype: 'text'; text: { content: string } } {
  return { msgtype: 'text', text: { content } };
}

/** Only http(s) URLs are stored; the IT office enters them on the settings page. */
export function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export async function postWebhook(fetchImpl: FetchLike, url: string, content: string, timeoutMs = 10_000): Promise<void> {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(robotPayload(content)),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
}
