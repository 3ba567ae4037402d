import { SigninState, type User, type UserManager } from 'oidc-client-ts';
import type { ConsoleConfig } from '../app/config.ts';

// The other half of early-sign-in.ts: takes the answer to the authorization request index.html
// sent before the entry chunk ran, and has oidc-client-ts check and redeem it as if it had sent
// the request itself — through its public API: a SigninState with the request's state, nonce and
// PKCE verifier in its state store, then its own response processing (state, iss, the code
// exchange with the verifier, the ID token's nonce, issuer and audience).

export type EarlyAnswer = {
  responseUrl: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  scope: string;
  clientId: string;
  issuer: string;
};

function isEarlyAnswer(value: unknown): value is EarlyAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return ['responseUrl', 'state', 'nonce', 'codeVerifier', 'redirectUri', 'scope', 'clientId', 'issuer'].every((key) => typeof fields[key] === 'string');
}

/**
 * The early request's answer, once, if the page sent one for this console's client and issuer;
 * undefined when it did not (the console then asks the OP itself).
 */
export function takeEarlySignIn(config: Pick<ConsoleConfig, 'clientId' | 'issuer'>, win: Window = window): Promise<EarlyAnswer | undefined> | undefined {
  const pending = win.clientAdminEarlySignIn;
  delete win.clientAdminEarlySignIn;
  if (!pending) return undefined;
  return pending.then((answer) => (isEarlyAnswer(answer) && answer.clientId === config.clientId && answer.issuer === config.issuer ? answer : undefined));
}

/** Checks and redeems the answer; rejects as oidc-client-ts does (login_required and the like). */
export async function redeemEarlySignIn(userManager: UserManager, answer: EarlyAnswer): Promise<User> {
  const state = await SigninState.create({
    id: answer.state,
    request_type: 'si:s',
    code_verifier: answer.codeVerifier,
    nonce: answer.nonce,
    authority: userManager.settings.authority,
    client_id: userManager.settings.client_id,
    redirect_uri: answer.redirectUri,
    scope: answer.scope,
    response_mode: 'query',
  });
  await userManager.settings.stateStore.set(state.id, state.toStorageString());
  return userManager.signinRedirectCallback(answer.responseUrl);
}
