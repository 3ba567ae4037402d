import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useSessionApi } from './auth-context.tsx';
import type { Session } from './session.ts';

// /callback: exchanges the code (PKCE), then *replaces* the history entry with the page the
// admin wanted, so `code` and `state` leave the URL and the back button never replays them.

// One exchange per page load: a code is single-use, and StrictMode runs effects twice. The OP
// sends the browser here with a full page load, so a module-level promise is per round trip.
let exchange: Promise<string> | undefined;

function completeOnce(session: Session): Promise<string> {
  exchange ??= session.completeSignIn();
  return exchange;
}

export function CallbackPage() {
  const session = useSessionApi();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let isCurrent = true;
    completeOnce(session).then(
      (returnTo) => {
        if (isCurrent) void navigate(returnTo, { replace: true });
      },
      (e: unknown) => {
        window.history.replaceState(null, '', '/callback');
        if (isCurrent) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [session, navigate]);

  if (error) {
    return (
      <main className="centered-page">
        <h1>Sign-in did not complete</h1>
        <p role="alert">{error}</p>
        <button type="button" className="button button-primary" onClick={() => void session.signIn('/')}>
          Sign in again
        </button>
      </main>
    );
  }
  return (
    <main className="centered-page">
      <p role="status">Signing you in…</p>
    </main>
  );
}
