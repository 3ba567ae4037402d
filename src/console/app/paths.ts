// Every path of the console, in one place (STYLE.md). Route patterns and link builders side by side
// so a rename cannot leave a stale link behind.

export const CLIENT_APPLICATIONS_PATH = '/resources/ClientApplication';

export const routePatterns = {
  home: '/',
  callback: '/callback',
  /** A static page of its own (silent-callback.html at the project root), not a route of the SPA. */
  silentCallback: '/silent-callback.html',
  clientApplications: CLIENT_APPLICATIONS_PATH,
  // "_" is in no FHIR id ([A-Za-z0-9-.]), as in FHIR's own `_history`: at `…/new`, a client whose id
  // is "new" could not be opened.
  newClientApplication: `${CLIENT_APPLICATIONS_PATH}/_new`,
  clientApplication: `${CLIENT_APPLICATIONS_PATH}/:id`,
} as const;

export const paths = {
  home: () => '/',
  callback: () => '/callback',
  silentCallback: () => routePatterns.silentCallback,
  clientApplications: (search?: URLSearchParams) => {
    const query = search?.toString();
    return query ? `${CLIENT_APPLICATIONS_PATH}?${query}` : CLIENT_APPLICATIONS_PATH;
  },
  newClientApplication: () => routePatterns.newClientApplication,
  clientApplication: (id: string, tab?: 'settings' | 'json' | 'history') =>
    `${CLIENT_APPLICATIONS_PATH}/${encodeURIComponent(id)}${tab && tab !== 'settings' ? `?tab=${tab}` : ''}`,
};

/**
 * A path we may send the admin back to after sign-in: same origin, absolute path, never `//host`
 * (an open redirect) and never the callback itself (a loop).
 */
export function isSafeReturnPath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.startsWith('/\\') &&
    !value.startsWith(routePatterns.callback) &&
    !value.startsWith(routePatterns.silentCallback)
  );
}

/**
 * A page load that comes back from the OP with a response of its own to consume: the redirect
 * sign-in's `/callback`, or `/` with the `state` of the return from sign-out. Any other load
 * starts by signing in silently.
 */
export function isReturnFromOp(location: { pathname: string; search: string }): boolean {
  return (
    location.pathname === routePatterns.callback ||
    (location.pathname === routePatterns.home && new URLSearchParams(location.search).has('state'))
  );
}
