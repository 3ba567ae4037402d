import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateRsaPrivateJwk } from './keys.ts';

describe('generateRsaPrivateJwk', () => {
  it('gives a whole RSA private JWK of the size asked for, whose public half verifies what it signs', () => {
    const jwk = generateRsaPrivateJwk();
    expect(Object.keys(jwk).sort()).toEqual(['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
    expect(jwk.kty).toBe('RSA');
    expect(Buffer.from(jwk.n ?? '', 'base64url').length * 8).toBe(2048);
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const signature = sign('sha256', Buffer.from('token'), privateKey);
    expect(verify('sha256', Buffer.from('token'), createPublicKey({ key: publicJwk, format: 'jwk' }), signature)).toBe(true);
  });
});
