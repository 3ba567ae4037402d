import fs from 'node:fs';
import * as oauth from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { authorize, createBrowser } from '../../test-support/browser.ts';
import { discover, fhirGet } from '../../test-support/oauth.ts';
import { freePort, startTestServer, tempDataDir } from '../../test-support/test-server.ts';

// issue 3, "Checked by": the server restarts without logging anyone out or losing keys.

const dataDir = tempDataDir();
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('restart', () => {
  it('keeps signing keys, sessions, grants and refresh tokens', async () => {
    const port = await freePort();
    const env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ADMIN_PASSWORD: 'restart-password-123456',
      TEST_CLIENT_SECRET: 'restart-test-client-secret-0123456789abcdef',
    };
    const before = await startTestServer(env);
    const jwksBefore = await (await fetch(`${before.issuer}/jwks`)).json();
    const config = await discover(before, 'admin-app');
    const browser = createBrowser();
    const start = async () => {
      const verifier = oauth.randomPKCECodeVerifier();
      const url = oauth.buildAuthorizationUrl(config, {
        redirect_uri: `${before.origin}/callback`,
        scope: 'openid offline_access user/ClientApplication.cruds',
        prompt: 'consent',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { url, verifier };
    };
    const first = await start();
    const signedIn = await authorize(browser, first.url.href, { email: before.admin.email, password: before.admin.password });
    if (signedIn.kind !== 'redirect') throw new Error('expected a redirect');
    const tokens = await oauth.authorizationCodeGrant(config, signedIn.location, {
      pkceCodeVerifier: first.verifier,
      expectedState: oauth.skipStateCheck,
    });
    await before.close();

    const after = await startTestServer(env);
    try {
      expect(await (await fetch(`${after.issuer}/jwks`)).json()).toEqual(jwksBefore);
      // The access token issued before the restart still verifies.
      expect((await fhirGet(after, '/ClientApplication', `Bearer ${tokens.access_token}`)).status).toBe(200);
      // The browser session survived: a new authorization needs no login.
      const second = await start();
      const seenPages: string[] = [];
      const again = await authorize(browser, second.url.href, { email: after.admin.email, password: after.admin.password, seenPages });
      expect(seenPages).toEqual([]);
      expect(again.kind === 'redirect' && again.location.searchParams.get('code')).toBeTruthy();
      // And the refresh token still works.
      const refreshed = await oauth.refreshTokenGrant(config, String(tokens.refresh_token));
      expect((await fhirGet(after, '/ClientApplication', `Bearer ${refreshed.access_token}`)).status).toBe(200);
    } finally {
      await after.close();
    }
  });
});
