import type { User, UserManager } from 'oidc-client-ts';
import { isSafeReturnPath, paths } from '../app/paths.ts';
import { redeemEarlySignIn, type EarlyAnswer } from './early-sign-in-handoff.ts';

// The admin's session, outside React so the FHIR connection can use it too. The access token
// lives here (and in oidc-client-ts' in-memory store), nowhere else.

export type SessionStatus =
  /** No user yet: a protected page will start sign-in. */
  | 'anonymous'
  /** A page load signing in silently (prompt=none, without leaving the page) on the OP's session. */
  | 'resuming'
  /** On the way to (or back from) the OP. */
  | 'redirecting'
  | 'signed-in'
  /** The session ended under us: a 401 a refresh could not fix, or renewal failed. */
  | 'expired'
  | 'signed-out'
  | 'error';

export interface SessionState {
  status: SessionStatus;
  user: User | null;
  error: string | undefined;
}

export interface Session {
  readonly userManager: UserManager;
  getState: () => SessionState;
  subscribe: (listener: () => void) => () => void;
  signIn: (returnTo: string) => Promise<void>;
  /**
   * Signs in without leaving the page while the OP session lasts (a full page load has no token:
   * they live in memory only). Resolves once signed in, or back to `anonymous` when the OP wants
   * the admin (login_required, consent_required, interaction_required), does not answer in time
   * or cannot be reached: the protected layout then starts the redirect sign-in. With `early`,
   * the answer to the request the page already sent (early-sign-in.ts), it asks nothing itself.
   */
  resume: (early?: Promise<EarlyAnswer | undefined>) => Promise<void>;
  /**
   * Resolves as soon as a silent sign-in in flight has its outcome (at once when none is), before
   * React hears of it: a request started then leaves before React renders the signed-in page.
   */
  whenResumed: () => Promise<void>;
  /** Completes the redirect round trip at /callback; resolves to the path to return to. */
  completeSignIn: () => Promise<string>;
  /** Completes the return from the OP's end-session endpoint. */
  completeSignOut: () => Promise<void>;
  signOut: () => Promise<void>;
  getAccessToken: () => Promise<string | undefined>;
  /** fetch that sends the token, renews once on 401 and retries, then reports an expired session. */
  fetchWithAuth: typeof fetch;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createSession(userManager: UserManager, fetchImpl: typeof fetch = (i, init) => fetch(i, init)): Session {
  let state: SessionState = { status: 'anonymous', user: null, error: undefined };
  const listeners = new Set<() => void>();
  let renewal: Promise<User | null> | null = null;
  /** Settles when the silent sign-in in flight has its outcome. */
  let resumed: Promise<void> | null = null;

  function notify() {
    for (const listener of listeners) listener();
  }

  function set(next: SessionState) {
    state = next;
    notify();
  }

  const getState = () => state;

  function setUser(user: User | null) {
    set({ status: user ? 'signed-in' : 'anonymous', user, error: undefined });
  }

  function markExpired() {
    if (state.status === 'signed-out' || state.status === 'redirecting' || state.status === 'resuming') return;
    set({ status: 'expired', user: null, error: undefined });
  }

  userManager.events.addUserLoaded((user) => {
    // A silent sign-in on page load publishes its user itself (resumeSilently).
    if (state.status !== 'resuming') setUser(user);
  });
  userManager.events.addSilentRenewError(() => markExpired());
  userManager.events.addAccessTokenExpired(() => {
    // automaticSilentRenew renews shortly before expiry; without a refresh token it cannot.
    if (!state.user?.refresh_token) markExpired();
  });
  void userManager.clearStaleState().catch(() => undefined);

  async function renew(): Promise<User | null> {
    if (!state.user?.refresh_token) return null;
    // One refresh at a time: refresh tokens rotate, so two parallel refreshes would race and the
    // loser would present a used token (reuse detection would then end the whole session).
    renewal ??= userManager
      .signinSilent()
      .catch(() => null)
      .finally(() => {
        renewal = null;
      });
    return renewal;
  }

  async function getAccessToken() {
    const user = state.user;
    if (!user) return undefined;
    if (!user.expired) return user.access_token;
    return (await renew())?.access_token;
  }

  async function resumeSilently(outcomeKnown: () => void, early: Promise<EarlyAnswer | undefined> | undefined) {
    let user: User | null = null;
    try {
      const answer = await early;
      // No user in memory, so oidc-client-ts asks the OP (prompt=none, fetch-navigator.ts), never a
      // refresh token, unless the page already did (early-sign-in.ts).
      user = answer ? await redeemEarlySignIn(userManager, answer) : await userManager.signinSilent();
    } catch {
      // Whatever the reason, the redirect sign-in is the answer; its own errors are shown.
    }
    // (Read through a call: the state may have moved on while the OP answered.)
    if (getState().status !== 'resuming') return outcomeKnown();
    if (!user) {
      set({ status: 'anonymous', user: null, error: undefined });
      return outcomeKnown();
    }
    // The token is usable at once; whoever waits for it (the list route's loader) sends its
    // request now, and React, whose render of the signed-in page takes ~100 ms of main thread,
    // hears of it on the next task, once those requests have left.
    state = { status: 'signed-in', user, error: undefined };
    outcomeKnown();
    await new Promise((resolve) => setTimeout(resolve, 0));
    notify();
  }

  const fetchWithAuth: typeof fetch = async (input, init = {}) => {
    const withToken = (token: string | undefined): RequestInit => {
      const headers = new Headers(init.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      return { ...init, headers };
    };
    let response = await fetchImpl(input, withToken(await getAccessToken()));
    if (response.status === 401) {
      const renewed = await renew();
      if (renewed) response = await fetchImpl(input, withToken(renewed.access_token));
      if (response.status === 401) markExpired();
    }
    return response;
  };

  return {
    userManager,
    getState,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async resume(early) {
      if (state.status !== 'anonymous') return;
      set({ ...state, status: 'resuming' });
      let outcomeKnown = () => {};
      resumed = new Promise<void>((resolve) => {
        outcomeKnown = () => {
          resumed = null;
          resolve();
        };
      });
      await resumeSilently(outcomeKnown, early);
    },
    whenResumed: () => resumed ?? Promise.resolve(),
    async signIn(returnTo) {
      set({ ...state, status: 'redirecting' });
      try {
        await userManager.signinRedirect({ state: { returnTo: isSafeReturnPath(returnTo) ? returnTo : paths.home() } });
      } catch (error) {
        set({ status: 'error', user: null, error: `Sign-in could not start: ${describe(error)}` });
      }
    },
    async completeSignIn() {
      set({ ...state, status: 'redirecting' });
      try {
        const user = await userManager.signinRedirectCallback();
        setUser(user);
        const returnTo = (user.state as { returnTo?: unknown } | undefined)?.returnTo;
        return isSafeReturnPath(returnTo) ? returnTo : paths.home();
      } catch (error) {
        set({ status: 'error', user: null, error: `Sign-in did not complete: ${describe(error)}` });
        throw error;
      }
    },
    async completeSignOut() {
      try {
        await userManager.signoutRedirectCallback();
      } finally {
        set({ status: 'signed-out', user: null, error: undefined });
      }
    },
    async signOut() {
      set({ ...state, status: 'redirecting' });
      try {
        // Revokes the access and refresh tokens (revokeTokensOnSignout), then ends the OP session.
        await userManager.signoutRedirect({ state: { signedOut: true } });
      } catch {
        // No end-session endpoint, or the OP is unreachable: at least forget the tokens here.
        await userManager.removeUser().catch(() => undefined);
        set({ status: 'signed-out', user: null, error: undefined });
      }
    },
    getAccessToken,
    fetchWithAuth,
  };
}
