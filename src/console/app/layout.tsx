import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/auth-context.tsx';
import { SessionExpiredDialog } from '../auth/session-expired-dialog.tsx';
import { Spinner } from '../ui/states.tsx';
import { SignedOutPage } from './home-page.tsx';
import { paths } from './paths.ts';
import { hasUnsavedChanges } from './unsaved-changes.ts';

// The signed-in frame: header, navigation, sign-out. While a page load signs in silently
// (main.tsx) it shows a spinner; if that fails it starts the redirect sign-in for the visitor, and
// it re-signs in after the session expired, coming back to the same page either way.

export function ProtectedLayout() {
  const session = useSession();
  const location = useLocation();
  const here = `${location.pathname}${location.search}${location.hash}`;
  const hasStarted = useRef(false);

  const { status, signIn } = session;
  useEffect(() => {
    if (hasStarted.current) return;
    const mustSignIn = status === 'anonymous' || (status === 'expired' && !hasUnsavedChanges());
    if (mustSignIn) {
      hasStarted.current = true;
      void signIn(here);
    }
  }, [status, signIn, here]);

  if (status === 'error') {
    return (
      <main className="centered-page">
        <h1>Sign-in is not available</h1>
        <p role="alert">{session.error}</p>
        <button type="button" className="button button-primary" onClick={() => void signIn(here)}>
          Try again
        </button>
      </main>
    );
  }
  if (status === 'signed-out') return <SignedOutPage onSignIn={() => void signIn(here)} />;
  if (status !== 'signed-in' && status !== 'expired') {
    return (
      <main className="centered-page">
        <Spinner label="Signing you in…" />
      </main>
    );
  }

  const profile = session.user?.profile;
  const who = profile?.email ?? profile?.name ?? profile?.sub;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <Link to={paths.clientApplications()} className="brand">
          Client Admin
        </Link>
        <nav aria-label="Main">
          <NavLink to={paths.clientApplications()} end={false}>
            Client applications
          </NavLink>
        </nav>
        <div className="account">
          {who && <span className="muted">{who}</span>}
          <button type="button" className="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      {status === 'expired' && <SessionExpiredDialog onSignIn={() => void signIn(here)} />}
    </>
  );
}
