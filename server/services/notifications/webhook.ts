import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { FetchLike } from './types';
import { formVersion } from '../form-version';

/** The text message both WeCom (企业微信) and DingTalk (钉钉) group robots accept. */
export function robotPayload(content: string): { msgtype: 'text'; text: { content: string } } {
  return { msgtype: 'text', text: { content } };
}

/**
 * The most a robot's text may hold, in UTF-8 bytes: WeCom (企业微信) refuses a `text.content` longer than 2,048 bytes
 * (about 680 Chinese characters) and DingTalk's limit is not smaller, so every robot gets at most that.
 */
export const ROBOT_TEXT_MAX_BYTES = 2048;

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** `s` cut to at most `max` UTF-8 bytes, by whole characters, with "…" where it was cut. */
function cutToBytes(s: string, max: number): string {
  if (utf8Bytes(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (utf8Bytes(out + ch + '…') > max) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * A notice as a robot's text: its title, its body's lines and its link, in at most ROBOT_TEXT_MAX_BYTES. A body that
 * does not fit (a department's digest of a dozen tickets is twice as long) keeps the lines that fit, whole, and says how
 * many more there are and where to read them (the link, which is always kept); a robot refused the whole message.
 */
export function robotText(title: string, body: string, link: string | null, max = ROBOT_TEXT_MAX_BYTES): string {
  const full = `${title}\n${[body, link].filter(Boolean).join('\n\n')}`;
  if (utf8Bytes(full) <= max) return full;
  const where = link ? `完整内容见：\n${link}` : '完整内容请登录 Hubwatch 查看';
  const lines = body ? body.split('\n') : [];
  // "还有 N 行": the lines left out that say something (a digest's blank lines between its sections are not counted).
  const tailOf = (from: number) => {
    const more = lines.slice(from).filter((l) => l.trim()).length;
    return more > 0 ? `……还有 ${more} 行未列出，${where}` : where;
  };
  // The title, cut if it alone would leave no room for the tail (never in practice: titles are one line).
  const head = cutToBytes(title, Math.max(0, max - utf8Bytes(`\n${tailOf(0)}`)));
  const kept: string[] = [];
  for (const line of lines) {
    if (utf8Bytes([head, ...kept, line, tailOf(kept.length + 1)].join('\n')) <= max) {
      kept.push(line);
      continue;
    }
    // A line that could never fit beside others (a long reason someone typed) is shown as far as it fits; a
    // digest's ticket lines are left out whole.
    const room = max - utf8Bytes([head, ...kept, '', tailOf(kept.length + 1)].join('\n'));
    if (utf8Bytes(line) > max / 2 && room > 60) kept.push(cutToBytes(line, room));
    break;
  }
  return [head, ...kept, tailOf(kept.length)].join('\n');
}

/**
 * Addresses a robot webhook may not point at: Hubwatch would post from inside the university's
 * network to itself or to the cloud's metadata service (SSRF). Loopback, link-local (169.254.169.254,
 * fe80::/10), unspecified (0.0.0.0/8, ::) and the deprecated IPv4-compatible IPv6 block (::a.b.c.d),
 * and those IPv4 blocks written as NAT64 or 6to4 addresses.
 * IPv4-mapped IPv6 (::ffff:127.0.0.1) is matched by its IPv4 address (BlockList does that).
 */
const INTERNAL = new BlockList();
INTERNAL.addSubnet('0.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('169.254.0.0', 16, 'ipv4');
INTERNAL.addSubnet('::', 96, 'ipv6');
INTERNAL.addSubnet('fe80::', 10, 'ipv6');
// The same IPv4 blocks inside the IPv6 forms that carry an IPv4 address and that a NAT64 gateway or a
// 6to4 relay would forward there: 64:ff9b::a.b.c.d (RFC 6052) and 2002:aabb:ccdd:: (RFC 3056).
for (const [v4, bits] of [
  ['0.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
] as const) {
  const [a, b, c, d] = v4.split('.').map(Number);
  const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  INTERNAL.addSubnet(`64:ff9b::${hex(a, b)}:${hex(c, d)}`, 96 + bits, 'ipv6');
  INTERNAL.addSubnet(`2002:${hex(a, b)}:${hex(c, d)}::`, 16 + bits, 'ipv6');
}

/**
 * Why a webhook URL is refused: not an https:// URL, one with a space (typed or pasted in it), one starting with
 * https:// that is still no URL, one longer than WEBHOOK_URL_MAX, or a host on this machine or its link.
 */
export type WebhookUrlProblem = 'https' | 'space' | 'invalid' | 'length' | 'host';

/**
 * The longest robot address kept: the robots' own are about 100 characters (a key or token of 36–64); 2,000 is what
 * browsers and servers reliably take in a URL. A 5,000-character paste was saved.
 */
export const WEBHOOK_URL_MAX = 2000;

/**
 * A department's robot address as the ticket settings' row shows it, for its form to carry (`edited_from`,
 * form-version.ts): set otherwise since, the row's save is refused rather than putting the old one back.
 */
export function webhookUrlVersion(url: string | null | undefined): string {
  return formVersion([url || null]);
}

/**
 * Robot webhooks are https URLs on public hosts (`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`,
 * `https://oapi.dingtalk.com/robot/send?access_token=…`); the IT office enters them on the settings page.
 * Refused: any other scheme (plain http would send the robot's key in clear), and a host that is
 * `localhost` (or a name under it) or a literal loopback, link-local or unspecified address, however
 * written (the URL parser reads 0x7f.1, 2130706433 and 127.1 as 127.0.0.1).
 *
 * A DNS name that resolves to such an address is caught when the robot is posted to, by the address
 * the connection is made to (`guardedLookup`), not here: what a name resolves to can change after
 * the URL is saved. Private addresses (10/8, 172.16/12, 192.168/16) are allowed, literal or resolved:
 * a university may run its own WeCom (企业微信私有化部署) inside the campus network.
 */
export function webhookUrlProblem(value: string): WebhookUrlProblem | null {
  if (value.length > WEBHOOK_URL_MAX) return 'length';
  // What starts as https:// is told what else is wrong with it (`https://exa mple.com/` was told to start so).
  const https = /^https:\/\//i.test(value);
  if (https && /\s/.test(value)) return 'space';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return https ? 'invalid' : 'https';
  }
  if (url.protocol !== 'https:') return 'https';
  if (!url.hostname) return 'invalid';
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'host';
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(address);
  if (family && isInternal(address, family)) return 'host';
  return null;
}

function isInternal(address: string, family: number): boolean {
  return INTERNAL.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** What resolves a host name: `dns.lookup` in the service, a table in tests. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for the connection that refuses a host with any internal address among those it
 * resolves to. Checking where the socket actually connects (rather than resolving once before the
 * request) leaves no gap for a name that answers a public address first and 127.0.0.1 the second
 * time (DNS rebinding).
 */
export function guardedLookup(resolve: Resolver = dnsLookup as unknown as Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { family: options.family, hints: options.hints, all: true }, (err, addresses) => {
      const refused = err ? null : addresses.find((a) => isInternal(a.address, a.family));
      const problem =
        err ??
        (refused || !addresses.length
          ? Object.assign(new Error(`webhook host ${hostname} resolves to an internal address`), {
              code: 'EWEBHOOKINTERNAL',
            })
          : null);
      // The two shapes net asks for: every address (autoSelectFamily, Node 20's default) or the first.
      const cb = callback as (...args: unknown[]) => void;
      if (problem) cb(problem, options.all ? [] : '', 0);
      else if (options.all) cb(null, addresses);
      else cb(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * The service's way to post to a robot: node's https client with `guardedLookup`, so a robot URL whose
 * name resolves to this machine or the cloud's metadata service is never connected to. It follows no
 * redirects (node's client never does).
 */
export function guardedFetch(resolve?: Resolver): FetchLike {
  const lookup = guardedLookup(resolve);
  return (url, init) =>
    new Promise((resolvePromise, reject) => {
      const req = request(url, { method: init.method, headers: init.headers, lookup, signal: init.signal }, (res) => {
        // The answer is read to its end (so the socket is freed), and its start kept: it says whether the robot took it.
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < ROBOT_ANSWER_MAX) chunks.push(chunk.subarray(0, ROBOT_ANSWER_MAX - kept));
          kept += chunk.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolvePromise({ ok: status >= 200 && status < 300, status, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(init.body);
    });
}

/** The most of a robot's answer kept: its `{"errcode":…,"errmsg":"…"}` is a few dozen bytes. */
const ROBOT_ANSWER_MAX = 4096;

/**
 * The robot's own refusal in an HTTP 200 answer: WeCom (企业微信) and DingTalk (钉钉) answer `{"errcode":0,"errmsg":"ok"}`
 * when they took the message, and another errcode when they did not — a wrong or deleted key (WeCom 93000), a message
 * too long, a keyword or signature a DingTalk robot's security setting asks for (310000), too many messages a minute
 * (WeCom 45009). Null when the answer is no such JSON (another robot, an empty body): HTTP 2xx is then taken as sent.
 */
export function robotRefusal(body: string | undefined): string | null {
  if (!body) return null;
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return null;
  }
  if (!answer || typeof answer !== 'object') return null;
  const { errcode, errmsg } = answer as { errcode?: unknown; errmsg?: unknown };
  const code = typeof errcode === 'string' && /^-?\d+$/.test(errcode) ? Number(errcode) : errcode;
  if (typeof code !== 'number' || code === 0) return null;
  // errmsg is the robot's words, not the URL: it never carries the key. Cut short for the log.
  return `errcode ${code}${typeof errmsg === 'string' && errmsg ? `: ${errmsg.slice(0, 200)}` : ''}`;
}

/** Why postWebhook refuses a stored URL, for the service log (never the URL: it carries the robot's key). */
const REFUSED_BECAUSE: Record<WebhookUrlProblem, string> = {
  https: 'not https',
  space: 'contains a space',
  invalid: 'not a valid URL',
  length: `longer than ${WEBHOOK_URL_MAX} characters`,
  host: 'internal host',
};

/**
 * Posts the text to a robot; throws when it was not taken (an HTTP error, or the robot's errcode in a 200 answer).
 * A URL stored before the rules above (or written to the database by hand) is checked again and not posted to; redirects are not followed (a public host answering 302 to an
 * internal address would otherwise get the request there).
 */
export async function postWebhook(fetchImpl: FetchLike, url: string, content: string, timeoutMs = 10_000): Promise<void> {
  const problem = webhookUrlProblem(url);
  if (problem) throw new Error(`webhook URL refused (${REFUSED_BECAUSE[problem]})`);
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(robotPayload(content)),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error' as const,
  };
  const res = await fetchImpl(url, init);
  if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
  const refusal = robotRefusal(res.body);
  if (refusal) throw new Error(`webhook refused the message (${refusal})`);
}
