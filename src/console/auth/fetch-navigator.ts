import type { INavigator, IWindow, NavigateParams, NavigateResponse } from 'oidc-client-ts';

// A silent sign-in (prompt=none) without a frame, for an OP on the console's own origin (the
// embedded server): the authorization request is a same-origin fetch that carries the OP's session
// cookie and follows the OP's redirect to the silent redirect URI; the final URL of that redirect
// is the authorization response (code or error, state, iss), which oidc-client-ts then checks and
// redeems exactly as it would the iframe's (state, PKCE verifier, nonce). Nothing is rendered:
// no document, no script, no message between frames.
//
// oidc-client-ts takes it through its public extension point (the UserManager's iframe
// navigator); an OP on another origin keeps the hidden iframe (user-manager.ts), which a fetch
// could not use (its redirect would be cross-origin, and the final URL hidden).

/** Why a fetch-based silent sign-in gave up; session.ts falls back to the redirect sign-in. */
export class SilentSignInError extends Error {
  override name = 'SilentSignInError';
}

type PrepareParams = { silentRequestTimeoutInSeconds?: number };

function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function createFetchNavigator(fetchImpl: typeof fetch = (input, init) => fetch(input, init)): INavigator {
  return {
    async prepare(params: unknown): Promise<IWindow> {
      const timeoutSeconds = (params as PrepareParams | undefined)?.silentRequestTimeoutInSeconds ?? 10;
      const controller = new AbortController();
      return {
        async navigate({ url }: NavigateParams): Promise<NavigateResponse> {
          const request = new URL(url);
          const redirectUri = request.searchParams.get('redirect_uri');
          if (!redirectUri) throw new SilentSignInError('The authorization request has no redirect_uri.');
          const timer = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
          try {
            const response = await fetchImpl(request, {
              credentials: 'same-origin',
              redirect: 'follow',
              cache: 'no-store',
              signal: controller.signal,
            });
            // The body (the silent page, or an OP page) is not needed: the answer is in the URL.
            void response.body?.cancel().catch(() => undefined);
            const landed = new URL(response.url);
            // Anywhere else (a login or consent page) means the OP wants the admin in person.
            if (withoutQuery(landed) !== withoutQuery(new URL(redirectUri))) {
              throw new SilentSignInError('The OP did not answer the silent sign-in on the redirect URI.');
            }
            return { url: landed.href };
          } catch (error) {
            if (controller.signal.aborted) throw new SilentSignInError(`The OP did not answer within ${timeoutSeconds} s.`);
            throw error;
          } finally {
            clearTimeout(timer);
          }
        },
        close() {
          controller.abort();
        },
      };
    },
    async callback() {
      // Only a frame or popup page calls back into its opener; a fetch has no such page.
      throw new SilentSignInError('A fetch-based silent sign-in has no callback page.');
    },
  };
}

/** True when the OP's authorization endpoint is on the console's origin, where a fetch can use it. */
export function isSameOriginEndpoint(endpoint: string | undefined, origin: string): boolean {
  if (!endpoint) return false;
  try {
    return new URL(endpoint, origin).origin === origin;
  } catch {
    return false;
  }
}
