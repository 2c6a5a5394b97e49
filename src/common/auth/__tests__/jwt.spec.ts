import jwt from 'jsonwebtoken';
import { Role } from '../../graphql/enums';
import { AppError } from '../../errors/app-error';
import { bearerToken, signToken, verifyToken } from '../jwt';

const s = { secret: 's'.repeat(40), issuer: 'iss', audience: 'aud' };

describe('jwt', () => {
  it('verifies what it signs', () => {
    expect(verifyToken(signToken({ sub: 'a@b.example', role: Role.SALES }, s), s)).toEqual({ sub: 'a@b.example', role: 'SALES' });
  });

  it.each([
    ['wrong issuer', { ...s, issuer: 'other' }],
    ['wrong audience', { ...s, audience: 'other' }],
    ['wrong secret', { ...s, secret: 'o'.repeat(40) }],
  ])('refuses a %s', (_why, verifyWith) => {
    expect(() => verifyToken(signToken({ sub: 'a', role: Role.ADMIN }, s), verifyWith)).toThrow(AppError);
  });

  it('refuses tokens without exp, with an unknown role, or another algorithm', () => {
    const noExp = jwt.sign({ role: 'ADMIN', sub: 'a' }, s.secret, { issuer: s.issuer, audience: s.audience });
    const badRole = jwt.sign({ role: 'ROOT' }, s.secret, { subject: 'a', issuer: s.issuer, audience: s.audience, expiresIn: 60 });
    const hs384 = jwt.sign({ role: 'ADMIN' }, s.secret, { algorithm: 'HS384', subject: 'a', issuer: s.issuer, audience: s.audience, expiresIn: 60 });
    for (const t of [noExp, badRole, hs384]) expect(() => verifyToken(t, s)).toThrow(AppError);
  });

  it('reads only "Bearer <JWT>" headers', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    for (const h of ['Basic abc', 'Bearer', 'Bearer a b', 'bearer a.b.c x']) expect(() => bearerToken(h)).toThrow(AppError);
  });
});
