// client_credentials tokens for suites that call the FHIR API of the shared test server
// (src/fhir, src/cli). Plain fetch, so it depends on nothing from src/server:
//
//   const getAccessToken = testTokenProvider({
//     tokenEndpoint: inject('tokenEndpoint'),
//     clientId: inject('testClientId'),
//     clientSecret: inject('testClientSecret'),
//   });
//   const client = createFhirClient({ baseUrl: inject('fhirBaseUrl'), getAccessToken });

export type TestTokenOptions = { tokenEndpoint: string; clientId: string; clientSecret: string };

/** A token getter that reuses each scope's token until 30 s before it expires (they live ≤ 300 s). */
export function testTokenProvider(options: TestTokenOptions): (scope?: string) => Promise<string> {
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
  return async (scope = 'system/*.*') => {
    const cached = cache.get(scope);
    if (cached && cached.expiresAt - Date.now() > 30_000) return cached.token;
    const response = await fetch(options.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || !body.access_token) throw new Error(`token request failed: ${response.status} ${body.error ?? ''}`);
    cache.set(scope, { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 0) * 1000 });
    return body.access_token;
  };
}
