import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { productionConfig, startTestApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';
import { Role } from '../../../src/common/graphql/enums';

describe('RS256 deployment with a JWKS file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-it-'));
  const file = path.join(dir, 'jwks.json');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(
    file,
    JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }),
  );
  let api: TestApi;
  const config = productionConfig({ JWT_JWKS_FILE: file });
  beforeAll(async () => (api = await startTestApi(config)));
  afterAll(() => api.close());

  it('accepts RS256 tokens by kid and refuses the HS256 ones (one algorithm per deployment)', async () => {
    const rs = jwt.sign({ role: 'REVOPS' }, privateKey, {
      algorithm: 'RS256',
      header: { alg: 'RS256', typ: 'at+jwt', kid: 'k1' },
      subject: 'ops@x.example',
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      expiresIn: 600,
    });
    const ok = await api.gql(`{ me { role } }`, {}, null, { authorization: `Bearer ${rs}` });
    expect(ok.body.data).toEqual({ me: { role: 'REVOPS' } });
    const hs = await api.gql(`{ me { role } }`, {}, null, { authorization: `Bearer ${tokenFor(Role.ADMIN)}` });
    expect([hs.status, hs.body.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
