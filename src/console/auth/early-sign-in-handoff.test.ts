import { describe, expect, it } from 'vitest';
import { takeEarlySignIn, type EarlyAnswer } from './early-sign-in-handoff.ts';

// What the console accepts from the page's early request (a global anything on the page could
// have set): only a complete answer for its own client and issuer, and only once. The answer's
// checking and redemption by oidc-client-ts run end to end in e2e/sign-in.spec.ts.

const CONFIG = { clientId: 'admin-app', issuer: 'https://console.example/oidc' };
const ANSWER: EarlyAnswer = {
  responseUrl: 'https://console.example/silent-callback.html?code=c&state=s',
  state: 's',
  nonce: 'n',
  codeVerifier: 'v'.repeat(43),
  redirectUri: 'https://console.example/silent-callback.html',
  scope: 'openid',
  clientId: 'admin-app',
  issuer: 'https://console.example/oidc',
};

const pageWith = (answer: unknown) => ({ clientAdminEarlySignIn: Promise.resolve(answer) }) as unknown as Window;

describe('takeEarlySignIn', () => {
  it('hands over a complete answer for this client and issuer, once', async () => {
    const page = pageWith(ANSWER);
    expect(await takeEarlySignIn(CONFIG, page)).toEqual(ANSWER);
    expect(takeEarlySignIn(CONFIG, page)).toBeUndefined();
  });

  it('is undefined when the page sent no request', () => {
    expect(takeEarlySignIn(CONFIG, {} as Window)).toBeUndefined();
  });

  it('ignores an answer for another client or issuer, or an incomplete one', async () => {
    expect(await takeEarlySignIn(CONFIG, pageWith({ ...ANSWER, clientId: 'other' }))).toBeUndefined();
    expect(await takeEarlySignIn(CONFIG, pageWith({ ...ANSWER, issuer: 'https://op.example' }))).toBeUndefined();
    expect(await takeEarlySignIn(CONFIG, pageWith({ ...ANSWER, codeVerifier: undefined }))).toBeUndefined();
    expect(await takeEarlySignIn(CONFIG, pageWith(undefined))).toBeUndefined();
  });
});
