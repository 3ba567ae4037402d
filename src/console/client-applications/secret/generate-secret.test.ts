import { describe, expect, it } from 'vitest';
import { generateClientSecret } from './generate-secret.ts';

describe('generateClientSecret', () => {
  it('gives 256 random bits as 43 base64url characters, different every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateClientSecret));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
  });
});
