import type { User, UserManager } from 'oidc-client-ts';
import { describe, expect, it } from 'vitest';
import { createSession } from './session.ts';

// The session's own logic (renew once on 401, one refresh at a time, then "expired"), with a
// stand-in for oidc-client-ts' UserManager and for the network. The real round trips are
// covered end to end in e2e/sign-in.spec.ts and e2e/quality.spec.ts.

function fakeUser(token: string, refreshToken = 'rt'): User {
  return { access_token: token, refresh_token: refreshToken, expired: false, profile: { sub: 'admin' }, state: undefined } as unknown as User;
}

function fakeUserManager(renewals: (User | Error)[]) {
  const loaded: ((user: User) => void)[] = [];
  let silentCalls = 0;
  const manager = {
    events: {
      addUserLoaded: (cb: (user: User) => void) => loaded.push(cb),
      addSilentRenewError: () => undefined,
      addAccessTokenExpired: () => undefined,
    },
    clearStaleState: async () => undefined,
    signinSilent: async () => {
      silentCalls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const next = renewals.shift();
      if (!next || next instanceof Error) throw next ?? new Error('no renewal');
      loaded.forEach((cb) => cb(next));
      return next;
    },
    signinRedirectCallback: async () => fakeUser('first'),
  };
  return { manager: manager as unknown as UserManager, silentCalls: () => silentCalls };
}

function recordingFetch(statusFor: (token: string | null) => number) {
  const seen: (string | null)[] = [];
  const fetchImpl: typeof fetch = async (_input, init) => {
    const token = new Headers(init?.headers).get('authorization');
    seen.push(token);
    return new Response(null, { status: statusFor(token) });
  };
  return { fetchImpl, seen };
}

async function signedIn(manager: UserManager, fetchImpl: typeof fetch) {
  const session = createSession(manager, fetchImpl);
  await session.completeSignIn();
  return session;
}

describe('session.fetchWithAuth', () => {
  it('sends the access token', async () => {
    const { manager } = fakeUserManager([]);
    const { fetchImpl, seen } = recordingFetch(() => 200);
    const session = await signedIn(manager, fetchImpl);
    expect((await session.fetchWithAuth('https://fhir.example/x')).status).toBe(200);
    expect(seen).toEqual(['Bearer first']);
  });

  it('renews once on 401 and retries with the new token; parallel 401s share one refresh', async () => {
    const { manager, silentCalls } = fakeUserManager([fakeUser('second', 'rt2')]);
    const { fetchImpl, seen } = recordingFetch((token) => (token === 'Bearer second' ? 200 : 401));
    const session = await signedIn(manager, fetchImpl);
    const statuses = await Promise.all([session.fetchWithAuth('https://fhir.example/a'), session.fetchWithAuth('https://fhir.example/b')]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
    expect(silentCalls()).toBe(1);
    expect(seen.filter((t) => t === 'Bearer second')).toHaveLength(2);
    expect(session.getState().status).toBe('signed-in');
  });

  it('reports an expired session when the refresh fails too', async () => {
    const { manager } = fakeUserManager([new Error('invalid_grant')]);
    const { fetchImpl } = recordingFetch(() => 401);
    const session = await signedIn(manager, fetchImpl);
    expect((await session.fetchWithAuth('https://fhir.example/a')).status).toBe(401);
    expect(session.getState()).toMatchObject({ status: 'expired', user: null });
  });

  it('returns to a safe path only', async () => {
    const { manager } = fakeUserManager([]);
    const session = createSession(
      { ...manager, signinRedirectCallback: async () => ({ ...fakeUser('t'), state: { returnTo: '//evil.example/' } }) } as unknown as UserManager,
      recordingFetch(() => 200).fetchImpl,
    );
    expect(await session.completeSignIn()).toBe('/');
  });
});

describe('session.resume (a page load signs in silently)', () => {
  it('signs in without a redirect, and lets waiting requests leave before React hears of it', async () => {
    const { manager, silentCalls } = fakeUserManager([fakeUser('silent')]);
    const { fetchImpl, seen } = recordingFetch(() => 200);
    const session = createSession(manager, fetchImpl);
    const heard: string[] = [];
    session.subscribe(() => heard.push(session.getState().status));
    const resuming = session.resume();
    // What the list route's loader does: wait for the outcome, then ask with the token.
    const waiting = session.whenResumed().then(() => {
      heard.push(`request while ${session.getState().status}`);
      return session.fetchWithAuth('https://fhir.example/list');
    });
    await resuming;
    await waiting;
    expect(silentCalls()).toBe(1);
    expect(session.getState()).toMatchObject({ status: 'signed-in', user: { access_token: 'silent' } });
    expect(heard).toEqual(['resuming', 'request while signed-in', 'signed-in']);
    expect(seen).toEqual(['Bearer silent']);
  });

  it('falls back to anonymous, for the redirect sign-in, when the OP wants the admin', async () => {
    const { manager } = fakeUserManager([new Error('login_required')]);
    const session = createSession(manager, recordingFetch(() => 200).fetchImpl);
    await session.resume();
    await session.whenResumed();
    expect(session.getState()).toMatchObject({ status: 'anonymous', user: null });
  });
});
