import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, createBrowser } from '../../test-support/browser.ts';
import { decodeJwt, deleteClientApplication, discover, fhirGet, oauthError, putClientApplication } from '../../test-support/oauth.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';
import { INCARNATION_CLAIM } from './provider.ts';

// issue 3, "Checked by": delete a client → its next token request fails, its refresh token
// fails, and its existing access token gets 401 from the FHIR API, all within the same second.

let server: TestServer;
const SECRET = 'revocable-secret-0123456789-abcdefghijklmnop';
const REDIRECT = 'https://app.example.com/callback';

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe('deleting a client revokes it at once', () => {
  it('kills its token requests, refresh tokens and access tokens within the same second', async () => {
    await putClientApplication(server, {
      id: 'doomed',
      name: 'Doomed',
      grantType: ['client_credentials', 'authorization_code', 'refresh_token'],
      secret: SECRET,
      redirectUri: [REDIRECT],
      scope: 'openid offline_access system/ClientApplication.rs user/ClientApplication.rs',
    });
    const config = await discover(server, 'doomed', { secret: SECRET });

    const machine = await oauth.clientCredentialsGrant(config, { scope: 'system/ClientApplication.rs' });
    const verifier = oauth.randomPKCECodeVerifier();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid offline_access user/ClientApplication.rs',
      prompt: 'consent',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const result = await authorize(createBrowser(), url.href, { email: server.admin.email, password: server.admin.password, consent: 'allow' });
    if (result.kind !== 'redirect') throw new Error('expected a redirect');
    const user = await oauth.authorizationCodeGrant(config, result.location, { pkceCodeVerifier: verifier, expectedState: oauth.skipStateCheck });
    expect(user.refresh_token).toBeTruthy();
    for (const token of [machine.access_token, user.access_token]) {
      expect((await fhirGet(server, '/ClientApplication/doomed', `Bearer ${token}`)).status).toBe(200);
    }

    const deletedAt = Date.now();
    expect((await deleteClientApplication(server, 'doomed')).status).toBe(204);

    expect((await oauthError(oauth.clientCredentialsGrant(config))).error).toBe('invalid_client');
    expect((await oauthError(oauth.refreshTokenGrant(config, String(user.refresh_token)))).error).toBe('invalid_client');
    for (const token of [machine.access_token, user.access_token]) {
      const response = await fhirGet(server, '/metadata', `Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=".*", error="invalid_token"/);
    }
    expect(Date.now() - deletedAt).toBeLessThan(1000);

    // Nothing of the client is left in the provider's store.
    const left = server.app.db.prepare('SELECT COUNT(*) AS n FROM oidc_model WHERE client_id = ?').get('doomed') as { n: number };
    expect(left.n).toBe(0);
  });
});

describe('an id deleted and created again is a new client', () => {
  it("does not bring the old client's access tokens back to life, while the new client's tokens work at once", async () => {
    const client = {
      id: 'phoenix',
      name: 'Phoenix',
      grantType: ['client_credentials'],
      responseTypes: 'token',
      scope: 'system/ClientApplication.rs',
    };
    const token = async (secret: string) => {
      const response = await fetch(server.tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`phoenix:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(response.status).toBe(200);
      return `Bearer ${((await response.json()) as { access_token: string }).access_token}`;
    };
    const incarnationOf = (bearer: string) => decodeJwt(bearer.slice('Bearer '.length)).payload[INCARNATION_CLAIM];
    expect((await putClientApplication(server, { ...client, secret: SECRET })).status).toBe(201);
    const oldToken = await token(SECRET);
    // A second token of the same life, so the token endpoint has the incarnation cached (provider.ts).
    expect(incarnationOf(await token(SECRET))).toBe(incarnationOf(oldToken));
    expect((await fhirGet(server, '/ClientApplication/phoenix', oldToken)).status).toBe(200);

    expect((await deleteClientApplication(server, 'phoenix')).status).toBe(204);
    const reborn = `${SECRET}-reborn`;
    expect((await putClientApplication(server, { ...client, secret: reborn })).status).toBe(201);

    expect((await fhirGet(server, '/ClientApplication/phoenix', oldToken)).status).toBe(401);
    // The very next token carries the new life, not the one remembered for the old client.
    const newToken = await token(reborn);
    expect(incarnationOf(newToken)).not.toBe(incarnationOf(oldToken));
    expect((await fhirGet(server, '/ClientApplication/phoenix', newToken)).status).toBe(200);
  });
});
