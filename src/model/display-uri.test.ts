import { describe, expect, it } from 'vitest';
import { checkDisplayUri, checkDisplayUris } from './display-uri.ts';

describe('checkDisplayUri', () => {
  it.each(['https://portal.example.com/logo.png', 'https://example.com', 'https://example.com/tos#section-2'])(
    'accepts %s',
    (uri) => {
      expect(checkDisplayUri(uri)).toBeNull();
    },
  );

  it.each([
    'http://portal.example.com/logo.png',
    'http://127.0.0.1/logo.png',
    'data:image/png;base64,AAAA',
    'javascript:alert(1)',
    '/logo.png',
    'portal.example.com/logo.png',
    'https:portal.example.com/logo.png',
  ])('rejects the non-https or relative %s', (uri) => {
    expect(checkDisplayUri(uri)).toBe('Must be an absolute https URL (https://…).');
  });

  it('rejects userinfo', () => {
    expect(checkDisplayUri('https://user:pw@portal.example.com/logo.png')).toMatch(/user name or password/);
  });

  it('rejects whitespace', () => {
    expect(checkDisplayUri('https://portal.example.com/my logo.png')).toMatch(/spaces/);
  });

  it('rejects an empty string', () => {
    expect(checkDisplayUri('')).toMatch(/empty/);
  });
});

describe('checkDisplayUris', () => {
  it('returns nothing when every display URL is https or absent', () => {
    expect(checkDisplayUris({ logoUri: 'https://a.example.com/logo.png', tosUri: 'https://a.example.com/tos' })).toEqual([]);
  });

  it('reports each bad field at its own expression, with a readable label', () => {
    const issues = checkDisplayUris({
      uri: 'http://a.example.com',
      logoUri: 'https://a.example.com/logo.png',
      tosUri: 'ftp://a.example.com/tos',
      policyUri: 'https://a.example.com/privacy',
    });
    expect(issues).toEqual([
      {
        severity: 'error',
        code: 'value',
        diagnostics: 'Home page URL must be an absolute https URL (https://…).',
        expression: ['ClientApplication.uri'],
      },
      {
        severity: 'error',
        code: 'value',
        diagnostics: 'Terms of service URL must be an absolute https URL (https://…).',
        expression: ['ClientApplication.tosUri'],
      },
    ]);
  });

  it('names logoUri and policyUri', () => {
    const issues = checkDisplayUris({ logoUri: 'http://x.example.com/l.png', policyUri: 'http://x.example.com/p' });
    expect(issues.map((i) => i.expression?.[0])).toEqual(['ClientApplication.logoUri', 'ClientApplication.policyUri']);
    expect(issues[0]?.diagnostics).toMatch(/^Logo URL must/);
    expect(issues[1]?.diagnostics).toMatch(/^Privacy policy URL must/);
  });
});
