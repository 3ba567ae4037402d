import { describe, expect, inject, it } from 'vitest';
import { assertSafeTransport, createTokenProvider } from './auth.ts';
import { CliError, OAuthError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

// Against the shared reference server (src/test-support/global-setup.ts): real discovery, real
// client_credentials. The fetch wrapper only counts requests; it passes every one through.

const fhirUrl = inject('fhirBaseUrl');
const tokenEndpoint = inject('tokenEndpoint');
const issuer = tokenEndpoint.replace(/\/token$/, '');
const clientId = inject('testClientId');
const clientSecret = inject('testClientSecret');

function countingFetch() {
  const urls: string[] = [];
  const counted: typeof fetch = (input, init) => {
    urls.push(String(input));
    return fetch(input, init);
  };
  return { fetch: counted, urls, tokenRequests: () => urls.filter((u) => u === tokenEndpoint).length };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('createTokenProvider', () => {
  it("finds the token endpoint in the FHIR server's SMART configuration and gets a token the API accepts", async () => {
    const counter = countingFetch();
    const getToken = createTokenProvider({ fhirUrl, issuer: undefined, clientId, clientSecret, fetch: counter.fetch });
    const token = await getToken();
    expect(counter.urls[0]).toBe(`${fhirUrl}/.well-known/smart-configuration`);
    const response = await fetch(`${fhirUrl}/ClientApplication?_count=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it('uses OpenID discovery when an issuer is configured, and one token for the whole run', async () => {
    const counter = countingFetch();
    const getToken = createTokenProvider({ fhirUrl, issuer: `${issuer}/`, clientId, clientSecret, fetch: counter.fetch });
    const tokens = await Promise.all([getToken(), getToken(), getToken()]);
    expect(await getToken()).toBe(tokens[0]);
    expect(new Set(tokens).size).toBe(1);
    expect(counter.urls).toEqual([`${issuer}/.well-known/openid-configuration`, tokenEndpoint]);
  });

  it('asks for a new token shortly before the old one expires', async () => {
    const counter = countingFetch();
    let clock = Date.now();
    const getToken = createTokenProvider({ fhirUrl, issuer, clientId, clientSecret, fetch: counter.fetch, now: () => clock });
    await getToken();
    clock += 60_000;
    await getToken();
    expect(counter.tokenRequests()).toBe(1);
    clock += 300_000;
    await getToken();
    expect(counter.tokenRequests()).toBe(2);
  });

  it("reports the token endpoint's RFC 6749 error for a wrong secret", async () => {
    const getToken = createTokenProvider({ fhirUrl, issuer, clientId, clientSecret: 'not-the-secret' });
    const error = await rejection(getToken());
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_client' });
    expect((error as Error).message).not.toContain('not-the-secret');
  });

  it('refuses a discovery document that names another issuer (OpenID Connect Discovery §4.3)', async () => {
    // Same server under another name: its document names the 127.0.0.1 issuer.
    const alias = issuer.replace('127.0.0.1', 'localhost');
    const error = await rejection(createTokenProvider({ fhirUrl, issuer: alias, clientId, clientSecret })());
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: EXIT.usage });
    expect((error as Error).message).toContain(`is for issuer ${issuer}, not ${alias}`);
  });

  it('says when there is no discovery document at the issuer', async () => {
    const error = await rejection(createTokenProvider({ fhirUrl, issuer: `${issuer}/nowhere`, clientId, clientSecret })());
    expect(error).toMatchObject({ exitCode: EXIT.usage });
    expect((error as Error).message).toMatch(/\(HTTP 404\): check the issuer URL$/);
  });
});

describe('assertSafeTransport', () => {
  it('allows https anywhere and http only on loopback, unless --allow-http', () => {
    expect(() => assertSafeTransport('https://fhir.example.com/r4', 'the FHIR URL', false)).not.toThrow();
    expect(() => assertSafeTransport('http://127.0.0.1:8080/r4', 'the FHIR URL', false)).not.toThrow();
    expect(() => assertSafeTransport('http://localhost/r4', 'the FHIR URL', false)).not.toThrow();
    expect(() => assertSafeTransport('http://fhir.example.com/r4', 'the FHIR URL', false)).toThrow(
      /refusing to send credentials over plain http to fhir.example.com/,
    );
    expect(() => assertSafeTransport('http://fhir.example.com/r4', 'the FHIR URL', true)).not.toThrow();
    expect(() => assertSafeTransport('ftp://fhir.example.com/r4', 'the FHIR URL', true)).toThrow(/must be an http\(s\) URL/);
  });
});
