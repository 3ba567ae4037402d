import { describe, expect, it } from 'vitest';
import {
  LOOPBACK_HOSTS,
  MAX_REDIRECT_URIS,
  checkRedirectUri,
  checkRedirectUris,
  isLoopbackUri,
  redirectUriMatches,
} from './redirect-uri.ts';

describe('checkRedirectUri', () => {
  it.each([
    'https://portal.example.com/callback',
    'https://portal.example.com:8443/oauth/callback?tenant=a',
    'http://127.0.0.1:5555/cb',
    'http://127.0.0.1/cb',
    'http://[::1]/cb',
    'http://[::1]:8080/cb',
    'http://localhost:3000/callback',
    'com.example.app:/cb',
    'com.example.app:/oauth2redirect/example-provider',
    'com.example.app://callback',
  ])('accepts %s', (uri) => {
    expect(checkRedirectUri(uri)).toBeNull();
  });

  it('rejects a fragment', () => {
    expect(checkRedirectUri('https://app.example.com/cb#state')).toMatch(/fragment/);
  });

  it('rejects a bare trailing #', () => {
    expect(checkRedirectUri('https://app.example.com/cb#')).toMatch(/fragment/);
  });

  it('rejects http on a non-loopback host', () => {
    expect(checkRedirectUri('http://app.example.com/cb')).toMatch(/http is only allowed on loopback.*use https/);
  });

  it('rejects http on a host that merely starts with a loopback name', () => {
    expect(checkRedirectUri('http://localhost.evil.example/cb')).toMatch(/loopback/);
    expect(checkRedirectUri('http://127.0.0.1.nip.io/cb')).toMatch(/loopback/);
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'blob:https://a.example/x', 'vbscript:msgbox', 'about:blank'])(
    'never allows the dangerous scheme of %s',
    (uri) => {
      const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
      expect(checkRedirectUri(uri)).toBe(`The ${scheme}: scheme is never allowed for redirect URIs.`);
    },
  );

  it.each(['https://*.example.com/cb', 'https://app.example.com/*', 'https://app.example.com/cb?x=*'])(
    'rejects the wildcard in %s',
    (uri) => {
      expect(checkRedirectUri(uri)).toMatch(/Wildcards/);
    },
  );

  it.each(['/callback', 'callback', '//app.example.com/cb', ''])('rejects the relative URI %j', (uri) => {
    expect(checkRedirectUri(uri)).toMatch(/absolute|empty/);
  });

  it('explains a missing scheme before host:port', () => {
    expect(checkRedirectUri('localhost:3000/cb')).toMatch(/host:port without a scheme/);
  });

  it('rejects a private-use scheme without a dot', () => {
    expect(checkRedirectUri('myapp://cb')).toMatch(/Private-use URI schemes must contain a dot/);
  });

  it('rejects other dotless schemes such as ftp', () => {
    expect(checkRedirectUri('ftp://files.example.com/cb')).toMatch(/must contain a dot/);
  });

  it('rejects userinfo without echoing the password', () => {
    const problem = checkRedirectUri('https://admin:hunter2@app.example.com/cb');
    expect(problem).toMatch(/user name or password/);
    expect(problem).not.toContain('hunter2');
  });

  it('rejects an empty userinfo too', () => {
    expect(checkRedirectUri('https://@app.example.com/cb')).toMatch(/user name or password/);
  });

  it.each(['https://app.example.com/c b', ' https://app.example.com/cb', 'https://app.example.com/cb\n', 'https://app.example.com/\u0000'])(
    'rejects whitespace or control characters in %j',
    (uri) => {
      expect(checkRedirectUri(uri)).toMatch(/spaces, line breaks or other control characters/);
    },
  );

  it('rejects an https URI not written out with //', () => {
    expect(checkRedirectUri('https:app.example.com/cb')).toMatch(/in full/);
  });

  it('rejects over-long URIs', () => {
    expect(checkRedirectUri(`https://app.example.com/${'a'.repeat(2100)}`)).toMatch(/at most 2048/);
  });
});

describe('checkRedirectUris', () => {
  it('returns nothing for a valid list', () => {
    expect(checkRedirectUris(['https://a.example.com/cb', 'http://127.0.0.1/cb'])).toEqual([]);
  });

  it('names the offending entry by index', () => {
    const issues = checkRedirectUris(['https://a.example.com/cb', 'https://b.example.com/cb', 'http://c.example.com/cb']);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'value', expression: ['ClientApplication.redirectUri[2]'] });
  });

  it('reports more than five URIs once, on the list', () => {
    const six = Array.from({ length: 6 }, (_, i) => `https://app.example.com/cb${i}`);
    const issues = checkRedirectUris(six);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'value', expression: ['ClientApplication.redirectUri'] }),
    ]);
    expect(issues[0]?.diagnostics).toMatch(/At most 5 redirect URIs/);
  });

  it('accepts exactly five URIs', () => {
    const five = Array.from({ length: MAX_REDIRECT_URIS }, (_, i) => `https://app.example.com/cb${i}`);
    expect(checkRedirectUris(five)).toEqual([]);
  });

  it('reports a duplicate on the later index only', () => {
    const issues = checkRedirectUris(['https://a.example.com/cb', 'https://b.example.com/cb', 'https://a.example.com/cb']);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.expression).toEqual(['ClientApplication.redirectUri[2]']);
    expect(issues[0]?.diagnostics).toMatch(/Duplicate redirect URI.*position 1/);
  });

  it('treats URIs that differ only in case as different (exact string equality)', () => {
    expect(checkRedirectUris(['https://a.example.com/CB', 'https://a.example.com/cb'])).toEqual([]);
  });

  it('uses the given root', () => {
    const issues = checkRedirectUris(['myapp://cb'], 'redirect_uris');
    expect(issues[0]?.expression).toEqual(['redirect_uris[0]']);
  });
});

describe('isLoopbackUri', () => {
  it.each(LOOPBACK_HOSTS.map((host) => `http://${host}:1234/cb`))('is true for %s', (uri) => {
    expect(isLoopbackUri(uri)).toBe(true);
  });

  it.each(['https://app.example.com/cb', 'http://localhost.evil.example/cb', 'com.example.app:/cb', 'not a uri'])(
    'is false for %s',
    (uri) => {
      expect(isLoopbackUri(uri)).toBe(false);
    },
  );
});

describe('redirectUriMatches', () => {
  it('matches identical strings', () => {
    expect(redirectUriMatches('https://a.example.com/cb', 'https://a.example.com/cb')).toBe(true);
  });

  it.each([
    ['https://a.example.com/cb', 'https://a.example.com/cb/'],
    ['https://a.example.com/cb', 'https://A.example.com/cb'],
    ['https://a.example.com/cb', 'https://a.example.com:443/cb'],
    ['https://a.example.com/cb', 'https://a.example.com/cb?x=1'],
    ['https://a.example.com:8443/cb', 'https://a.example.com:9443/cb'],
  ])('does not match %s against %s (no normalisation, port fixed for https)', (registered, presented) => {
    expect(redirectUriMatches(registered, presented)).toBe(false);
  });

  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:51004/cb'],
    ['http://127.0.0.1:5555/cb', 'http://127.0.0.1:6666/cb'],
    ['http://[::1]/cb?x=1', 'http://[::1]:8080/cb?x=1'],
    ['http://localhost:3000/callback', 'http://localhost:4000/callback'],
  ])('lets the loopback port vary: %s vs %s', (registered, presented) => {
    expect(redirectUriMatches(registered, presented)).toBe(true);
  });

  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:5000/other'],
    ['http://127.0.0.1/cb', 'http://localhost:5000/cb'],
    ['http://127.0.0.1/cb?x=1', 'http://127.0.0.1:5000/cb?x=2'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb#frag'],
    ['http://127.0.0.1/cb', 'https://127.0.0.1:5000/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:99999/cb'],
    ['http://127.0.0.1/cb', 'http://evil@127.0.0.1:5000/cb'],
  ])('still compares everything but the port on loopback: %s vs %s', (registered, presented) => {
    expect(redirectUriMatches(registered, presented)).toBe(false);
  });
});
