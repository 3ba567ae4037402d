// A browser without a browser, for authorization_code tests: fetch with a cookie jar, manual
// redirects and form posts to the real login and consent pages (no mocks, no sleeps).

export type Browser = {
  request: (url: string, init?: RequestInit) => Promise<Response>;
  cookies: Map<string, string>;
};

export function createBrowser(): Browser {
  const cookies = new Map<string, string>();
  async function request(url: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const isExpired = /expires=Thu, 01 Jan 1970/i.test(header) || value === '';
      if (isExpired) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  }
  return { request, cookies };
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

export type AuthorizeResult =
  | { kind: 'redirect'; location: URL }
  | { kind: 'page'; status: number; html: string; response: Response };

/**
 * Follows an authorization request through the login and consent pages until the browser is
 * sent back to the client (or stopped on a page). `consent` answers the consent page.
 */
export async function authorize(
  browser: Browser,
  authorizationUrl: string,
  options: { email?: string; password?: string; consent?: 'allow' | 'deny'; seenPages?: string[] } = {},
): Promise<AuthorizeResult> {
  let url = authorizationUrl;
  const origin = new URL(authorizationUrl).origin;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const response = await browser.request(url, init);
    init = {};
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== origin || !next.pathname.includes('/oidc/')) return { kind: 'redirect', location: next };
      url = next.href;
      continue;
    }
    const html = await response.text();
    const isLogin = html.includes('name="password"');
    const isConsent = html.includes('value="allow"');
    if (response.status === 200 && isLogin && options.email !== undefined) {
      options.seenPages?.push('login');
      init = form({ csrf: csrfFrom(html), action: 'login', email: options.email, password: options.password ?? '' });
      options.email = undefined;
      continue;
    }
    if (response.status === 200 && isConsent && options.consent) {
      options.seenPages?.push('consent');
      init = form({ csrf: csrfFrom(html), action: options.consent });
      options.consent = undefined;
      continue;
    }
    return { kind: 'page', status: response.status, html, response };
  }
  throw new Error('too many redirects');
}

export function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

/** Absolute URL of the first form's action on a page. */
export function actionFrom(html: string, base: string): string {
  const match = /action="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no form on the page');
  return new URL(match[1], base).href;
}

/** The value, or a clear failure when a test's precondition did not hold. */
export function present<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}
