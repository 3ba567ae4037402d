// Every path of the console, in one place (STYLE.md). Route patterns and link builders side by side
// so a rename cannot leave a stale link behind.

export const CLIENT_APPLICATIONS_PATH = '/resources/ClientApplication';

export const routePatterns = {
  home: '/',
  callback: '/callback',
  clientApplications: CLIENT_APPLICATIONS_PATH,
  newClientApplication: `${CLIENT_APPLICATIONS_PATH}/new`,
  clientApplication: `${CLIENT_APPLICATIONS_PATH}/:id`,
} as const;

export const paths = {
  home: () => '/',
  callback: () => '/callback',
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
    !value.startsWith(routePatterns.callback)
  );
}
