import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role } from '../../graphql/enums';
import { bearerToken, cachedVerifier, signToken, verifyToken } from '../jwt';
import { SignJWT } from 'jose';
import { hmacKeys, JwksAlgorithm, jwksKeys } from '../keys';

const s = { secret: 's'.repeat(40), issuer: 'iss', audience: 'aud', maxLifetimeSeconds: 3600 };
const hs = hmacKeys(s.secret);
const NOW = 1_800_000_000;
const claims = (extra: Record<string, unknown> = {}) =>
  JSON.parse(
    JSON.stringify({
      sub: 'a@b.example',
      role: 'SALES',
      iss: s.issuer,
      aud: s.audience,
      iat: NOW,
      exp: NOW + 600,
      ...extra,
    }),
  );
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Signed by hand (HMAC-SHA256), so that claims the library would refuse to sign can be tested. */
const hs256 = (payload: object, header: object = { typ: 'at+jwt' }, secret = s.secret) => {
  const input = `${b64({ alg: 'HS256', ...header })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};
const verify = (token: string, keys = hs) => verifyToken(token, s, keys, NOW);
const refused = async (token: string, keys = hs) =>
  expect(verify(token, keys)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

describe('verifyToken (RFC 8725): the tokens a verifier must refuse', () => {
  it('accepts a well-formed token, and one expired within the 30 s skew (J6)', async () => {
    await expect(verify(hs256(claims()))).resolves.toEqual({ sub: 'a@b.example', role: 'SALES' });
    await expect(verify(hs256(claims({ exp: NOW - 10, iat: NOW - 600 })))).resolves.toMatchObject({ role: 'SALES' });
    await expect(verifyToken(signToken({ sub: 'x', role: Role.ADMIN }, s), s, hs)).resolves.toEqual({
      sub: 'x',
      role: 'ADMIN',
    });
  });

  it.each([
    ['J1 alg none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`],
    ['J2 alg NONE', `${b64({ alg: 'NONE', typ: 'at+jwt' })}.${b64(claims())}.`],
    ['J5 expired beyond the skew', hs256(claims({ exp: NOW - 31, iat: NOW - 600 }))],
    ['J7 nbf in the future', hs256(claims({ nbf: NOW + 120 }))],
    ['J8 wrong issuer', hs256(claims({ iss: 'other' }))],
    ['J9 wrong audience', hs256(claims({ aud: 'other' }))],
    ['J10 missing audience', hs256(claims({ aud: undefined }))],
    ['J11 missing exp', hs256(claims({ exp: undefined }))],
    ['J11b missing iat', hs256(claims({ iat: undefined }))],
    ['J12 iat a day in the future', hs256(claims({ iat: NOW + 86_400, exp: NOW + 86_400 + 60 }))],
    ['J13 exp as a string', `${b64({ alg: 'HS256', typ: 'at+jwt' })}.${b64(claims({ exp: String(NOW + 600) }))}.x`],
    [
      'J14 payload tampered (role → ADMIN)',
      (() => {
        const [h, , sig] = hs256(claims()).split('.');
        return `${h}.${b64(claims({ role: 'ADMIN' }))}.${sig}`;
      })(),
    ],
    ['J15 signature stripped', hs256(claims()).split('.').slice(0, 2).join('.') + '.'],
    ['J16 garbage', 'a.b.c'],
    ['J16b two segments', 'a.b'],
    ['J18 typ JWT (an id token, not an access token)', hs256(claims(), { typ: 'JWT' })],
    ['J18b no typ', hs256(claims(), {})],
    ['J22 lifetime over the maximum (30 days)', hs256(claims({ exp: NOW + 30 * 86_400 }))],
    ['unknown role', hs256(claims({ role: 'ROOT' }))],
    ['no subject', hs256(claims({ sub: undefined }))],
    ['HS384', jwt.sign(claims(), s.secret, { algorithm: 'HS384', header: { alg: 'HS384', typ: 'at+jwt' } })],
    ['another secret', hs256(claims(), { typ: 'at+jwt' }, 'o'.repeat(40))],
    [
      'a critical header parameter this API does not understand (RFC 7515 §4.1.11)',
      hs256(claims(), { typ: 'at+jwt', crit: ['exp-policy'], 'exp-policy': 'x' }),
    ],
    ['an empty crit list', hs256(claims(), { typ: 'at+jwt', crit: [] })],
  ])('%s → UNAUTHENTICATED', async (_name, token) => {
    await refused(token);
  });

  it('J25/J26: reads only "Bearer <JWT>" headers, the scheme in any case (RFC 7235 §2.1)', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('BEARER a.b.c')).toBe('a.b.c');
    for (const h of [
      'Basic abc',
      'Bearer',
      'Bearer a b',
      'Bearera.b.c',
      'Bearer a.b.c, Bearer d.e.f',
      'x'.repeat(100),
    ]) {
      expect(() => bearerToken(h)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
  });
});

describe('RS256 with a JWKS (kid, rotation)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-'));
  const file = path.join(dir, 'jwks.json');
  const pair = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits });
  const a = pair();
  const b = pair();
  const weak = pair(1024);
  const publish = (...keys: [string, KeyObject][]) =>
    fs.writeFileSync(
      file,
      JSON.stringify({
        keys: keys.map(([kid, k]) => ({ ...k.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' })),
      }),
    );
  const rs256 = (key: KeyObject, kid: string, header: object = {}) =>
    jwt.sign(claims(), key, {
      algorithm: 'RS256',
      header: { alg: 'RS256', typ: 'at+jwt', kid, ...header } as jwt.JwtHeader,
    });
  let clock = 0;

  it('verifies by kid; J3 an HS256 token signed with the public key is refused; J17 another key under a known kid is refused', async () => {
    publish(['key-a', a.publicKey]);
    const keys = jwksKeys({ file }, 60, () => clock);
    await expect(verify(rs256(a.privateKey, 'key-a'), keys)).resolves.toMatchObject({ role: 'SALES' });
    const pem = a.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    await refused(hs256(claims(), { typ: 'at+jwt', kid: 'key-a' }, pem), keys);
    await refused(rs256(b.privateKey, 'key-a'), keys);
  });

  it('J19 an unknown kid reloads the set at most once per refresh period; rotation: a new key verifies once published', async () => {
    publish(['key-a', a.publicKey]);
    clock = 0;
    const inner = jwksKeys({ file }, 60, () => clock);
    await expect(verify(rs256(a.privateKey, 'key-a'), inner)).resolves.toBeTruthy();
    publish(['key-a', a.publicKey], ['key-b', b.publicKey]);
    clock = 30_000; // within the refresh period: no reload, the new kid is unknown
    await refused(rs256(b.privateKey, 'key-b'), inner);
    clock = 61_000;
    await expect(verify(rs256(b.privateKey, 'key-b'), inner)).resolves.toBeTruthy();
    publish(['key-b', b.publicKey]); // retire a
    clock = 61_000 + 600_000;
    await refused(rs256(a.privateKey, 'key-a'), inner);
  });

  it('J20 a hostile kid is never looked up; J21 jku is ignored; J24 a 1024-bit key in the set is dropped; no kid is refused', async () => {
    publish(['key-a', a.publicKey], ['weak', weak.publicKey]);
    const inner = jwksKeys({ file }, 0, () => clock);
    await refused(rs256(a.privateKey, "' OR 1=1--"), inner);
    await refused(rs256(a.privateKey, '../../dev/null'), inner);
    await expect(
      verify(rs256(a.privateKey, 'key-a', { jku: 'http://127.0.0.1:1/evil.json' }), inner),
    ).resolves.toBeTruthy();
    await refused(
      jwt.sign(claims(), weak.privateKey, {
        algorithm: 'RS256',
        allowInsecureKeySizes: true,
        header: { alg: 'RS256', typ: 'at+jwt', kid: 'weak' },
      }),
      inner,
    );
    await refused(
      jwt.sign(claims(), a.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', typ: 'at+jwt' } }),
      inner,
    );
    await refused(hs256(claims()), inner); // the deployment's one algorithm is RS256
  });
});

describe('ES256 and EdDSA deployments (jose): keys of the set by type and curve, one algorithm each', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-ec-'));
  const file = path.join(dir, 'jwks.json');
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  fs.writeFileSync(
    file,
    JSON.stringify({
      keys: [
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec', use: 'sig' },
        { ...ed.publicKey.export({ format: 'jwk' }), kid: 'ed', use: 'sig' },
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa', use: 'sig' },
        { kty: 'EC', crv: 'P-256', x: 'broken', y: 'broken', kid: 'broken' }, // does not import: skipped alone
      ],
    }),
  );
  const sign = (alg: string, kid: string, key: KeyObject) =>
    new SignJWT(claims()).setProtectedHeader({ alg, typ: 'at+jwt', kid }).sign(key);
  const store = (alg: JwksAlgorithm) => jwksKeys({ file }, 60, () => 0, alg);

  it.each([
    ['ES256', 'ec', ec.privateKey],
    ['EdDSA', 'ed', ed.privateKey],
  ] as const)(
    '%s: accepts its own tokens by kid; refuses other algorithms, keys and forged signatures',
    async (alg, kid, key) => {
      const keys = store(alg);
      await expect(verify(await sign(alg, kid, key), keys)).resolves.toMatchObject({ role: 'SALES' });
      await refused(
        await sign(alg, kid, alg === 'ES256' ? other.privateKey : generateKeyPairSync('ed25519').privateKey),
        keys,
      );
      await refused(await sign('RS256', 'rsa', rsa.privateKey), keys); // one algorithm per deployment
      await refused(hs256(claims(), { typ: 'at+jwt', kid }), keys);
      await refused(await sign(alg, 'rsa', key), keys); // a kid of another key type is not in this deployment's set
    },
  );
});

describe('cachedVerifier', () => {
  const counting = () => {
    let calls = 0;
    return { keys: { ...hs, keyFor: (kid?: string) => (calls++, hs.keyFor(kid)) }, calls: () => calls };
  };

  it('verifies a token once, then serves it until the ttl, and re-verifies after', async () => {
    const c = counting();
    const verifyCached = cachedVerifier(s, c.keys, 60);
    const token = hs256(claims());
    for (let i = 0; i < 3; i++)
      await expect(verifyCached(token, NOW + i)).resolves.toEqual({ sub: 'a@b.example', role: 'SALES' });
    expect(c.calls()).toBe(1);
    await verifyCached(token, NOW + 61);
    expect(c.calls()).toBe(2);
  });

  it('never serves a cached token past its exp (plus skew), and never caches a failure', async () => {
    const c = counting();
    const verifyCached = cachedVerifier(s, c.keys, 3600);
    const token = hs256(claims({ exp: NOW + 10 }));
    await verifyCached(token, NOW);
    await expect(verifyCached(token, NOW + 39)).resolves.toMatchObject({ role: 'SALES' });
    await expect(verifyCached(token, NOW + 41)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const forged = hs256(claims(), { typ: 'at+jwt' }, 'x'.repeat(40));
    await expect(verifyCached(forged, NOW)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verifyCached(forged, NOW)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(c.calls()).toBe(4);
  });
});
