import dns from 'node:dns/promises';
import os from 'node:os';
import { AppError } from '../../../common/errors/app-error';
import { backoffMs } from '../webhook-dispatcher';
import { checkWebhookUrl, isPublic, postWebhook } from '../webhook-target';
import { decodeKey, encodeKey, keyAfter } from '../../changes/change-stream.query';

describe('webhook targets (SSRF)', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1', // carrier-grade NAT
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fe80::1',
    '::ffff:127.0.0.1', // IPv4-mapped loopback
    '::ffff:10.0.0.1',
  ])('%s is not public', (a) => expect(isPublic(a)).toBe(false));

  it.each(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (a) =>
    expect(isPublic(a)).toBe(true),
  );

  it('refuses other schemes, credentials, private literals and local names; allows them all with allowPrivate but the scheme and credentials', () => {
    const refused = (url: string, allow = false) => {
      try {
        checkWebhookUrl(url, allow);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        return (e as AppError).field;
      }
    };
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'https://u:p@example.com/',
      'http://127.0.0.1/',
      'http://[::1]:8080/',
      'http://[::ffff:7f00:1]/',
      'http://0x7f000001/', // parsed by URL as 127.0.0.1
      'http://localhost/',
      'http://api.localhost/',
      'http://db.internal/',
      'nonsense',
    ])
      expect([url, refused(url)]).toEqual([url, 'url']);
    expect(refused('https://hooks.example.com/in')).toBeNull();
    expect(refused('http://127.0.0.1:9/', true)).toBeNull();
    expect(refused('ftp://127.0.0.1/', true)).toBe('url');
  });

  it('a host name that resolves to no public address is blocked at delivery time, before any connection', async () => {
    const host = os.hostname();
    const found = await dns.lookup(host, { all: true }).catch(() => []);
    const r = await postWebhook(`http://${host}:9/h`, {}, '{}', { allowPrivate: false, timeoutMs: 500 });
    if (found.length && found.every((f) => !isPublic(f.address))) {
      expect(r.status).toBeNull();
      expect(r.error).toMatch(/blocked/);
    } else {
      expect(r.error ?? '').not.toMatch(/blocked/);
    }
  });
});

describe('webhook retries', () => {
  const c = { backoffBaseMs: 30_000, backoffFactor: 4, backoffMaxMs: 6 * 3_600_000 };
  it('wait min(max, base × factor^(n-1)), jittered between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, c, () => 1))).toEqual([30_000, 120_000, 480_000, 1_920_000]);
    expect([1, 2, 3].map((n) => backoffMs(n, c, () => 0))).toEqual([15_000, 60_000, 240_000]);
    expect(backoffMs(20, c, () => 1)).toBe(6 * 3_600_000);
  });
});

describe('change stream cursors', () => {
  it('round-trip, order by (tx, id), and refuse what the API did not give out', () => {
    const k = { tx: '123456789', id: '42' };
    expect(decodeKey(encodeKey(k))).toEqual(k);
    expect(keyAfter({ tx: '10', id: '1' }, { tx: '9', id: '99' })).toBe(true);
    expect(keyAfter({ tx: '10', id: '1' }, { tx: '10', id: '1' })).toBe(false);
    expect(keyAfter({ tx: '10', id: '2' }, { tx: '10', id: '1' })).toBe(true);
    for (const bad of [
      '',
      'bm9wZQ',
      Buffer.from('1.2.3').toString('base64url'),
      Buffer.from(`${2n ** 64n}.1`).toString('base64url'),
      'x'.repeat(100),
    ])
      expect(() => decodeKey(bad)).toThrow(AppError);
  });
});
