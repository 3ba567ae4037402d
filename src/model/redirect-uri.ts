import { issue, type OutcomeIssue } from './operation-outcome.ts';

// Redirect-URI rules (SPEC §5). They follow the OAuth 2.0 Security BCP (RFC 9700 §2.1: exact
// matching, no wildcards) and OAuth for Native Apps (RFC 8252 §7: loopback and private-use
// schemes). Messages never echo the URI back: a rejected URI may carry a password in its userinfo.

export const MAX_REDIRECT_URIS = 5;

/** Hosts on which plain `http` is allowed (RFC 8252 §7.3), spelled as WHATWG `URL.hostname` does. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost'] as const;

/** Never acceptable, even though some of them parse as absolute URIs (script execution, local files). */
const FORBIDDEN_SCHEMES = ['javascript', 'data', 'file', 'blob', 'vbscript', 'about'] as const;

const MAX_REDIRECT_URI_LENGTH = 2048;

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// Whitespace (including Unicode spaces) and C0/C1 control characters.
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
// An authority (`//…`) that contains `@` before the path, query or fragment starts.
const USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/;

function isLoopbackHost(hostname: string): boolean {
  return (LOOPBACK_HOSTS as readonly string[]).includes(hostname);
}

function parseUrl(uri: string): URL | null {
  try {
    return new URL(uri);
  } catch {
    return null;
  }
}

/** A plain-English description of what is wrong with `uri` as a redirect URI, or `null` if it is fine. */
export function checkRedirectUri(uri: string): string | null {
  if (uri.length === 0) {
    return 'Redirect URI must not be empty.';
  }
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    return `Redirect URIs must be at most ${MAX_REDIRECT_URI_LENGTH} characters.`;
  }
  if (WHITESPACE_OR_CONTROL.test(uri)) {
    return 'Redirect URIs must not contain spaces, line breaks or other control characters.';
  }
  if (uri.includes('*')) {
    return 'Wildcards (*) are not allowed: register each exact redirect URI your app uses.';
  }

  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    return 'Redirect URIs must be absolute, starting with https:// (or a private-use scheme such as com.example.app:/callback).';
  }
  if ((FORBIDDEN_SCHEMES as readonly string[]).includes(scheme)) {
    return `The ${scheme}: scheme is never allowed for redirect URIs.`;
  }
  if (uri.includes('#')) {
    // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
    return 'Redirect URIs must not contain a fragment (the part starting with #).';
  }
  if (USERINFO.test(uri)) {
    return 'Redirect URIs must not contain a user name or password (user@host).';
  }

  const url = parseUrl(uri);
  if (url === null) {
    return 'This is not a valid absolute URI.';
  }

  if (scheme === 'https' || scheme === 'http') {
    // WHATWG URL accepts `https:example.com`; an exact-match redirect URI must be written out in full.
    if (!/^https?:\/\/[^/?#]/i.test(uri)) {
      return `Write the redirect URI in full, starting with ${scheme}:// and a host name.`;
    }
    if (scheme === 'http' && !isLoopbackHost(url.hostname)) {
      return 'Plain http is only allowed on loopback (127.0.0.1, [::1] or localhost): use https.';
    }
    return null;
  }

  // Anything else is a private-use scheme (RFC 8252 §7.1): it must be a reverse domain name the
  // app's publisher controls, which is what the dot requirement approximates.
  if (!scheme.includes('.')) {
    if (/^[^:]+:\d/.test(uri)) {
      return 'This looks like host:port without a scheme: start the redirect URI with https:// or http://.';
    }
    return `Private-use URI schemes must contain a dot, such as a reverse domain name you control (com.example.app:/callback), not "${scheme}:".`;
  }
  return null;
}

/**
 * Issues for a whole `redirectUri` list: one per bad entry (at `root[i]`), one on `root` when
 * there are more than MAX_REDIRECT_URIS, and one per duplicate on the later occurrence.
 */
export function checkRedirectUris(
  uris: readonly string[],
  root = 'ClientApplication.redirectUri',
): OutcomeIssue[] {
  const issues: OutcomeIssue[] = [];
  if (uris.length > MAX_REDIRECT_URIS) {
    issues.push(
      issue(
        'value',
        `At most ${MAX_REDIRECT_URIS} redirect URIs can be registered (found ${uris.length}); remove the ones your app no longer uses.`,
        root,
      ),
    );
  }
  const firstIndex = new Map<string, number>();
  uris.forEach((uri, index) => {
    const expression = `${root}[${index}]`;
    const problem = checkRedirectUri(uri);
    if (problem !== null) {
      issues.push(issue('value', problem, expression));
    } else {
      const first = firstIndex.get(uri);
      if (first !== undefined) {
        issues.push(
          issue(
            'value',
            `Duplicate redirect URI: the same URI is already listed at position ${first + 1}.`,
            expression,
          ),
        );
      }
    }
    if (!firstIndex.has(uri)) firstIndex.set(uri, index);
  });
  return issues;
}

/** True for an absolute http(s) URI whose host is 127.0.0.1, [::1] or localhost. */
export function isLoopbackUri(uri: string): boolean {
  const url = parseUrl(uri);
  if (url === null) return false;
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

// `http://<loopback host>[:port][/path][?query]`, split without normalisation so that the
// comparison stays a string comparison on everything except the port.
const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}))?([/?][^#]*)?$/;

/**
 * Does a redirect URI presented at authorize time match a registered one? Exact string match
 * (RFC 9700 §4.1.3), except that a native app's http loopback redirect may use any port
 * (RFC 8252 §7.3): scheme, host, path and query still compare exactly.
 */
export function redirectUriMatches(registered: string, presented: string): boolean {
  if (registered === presented) return true;
  const r = LOOPBACK_HTTP.exec(registered);
  const p = LOOPBACK_HTTP.exec(presented);
  if (r === null || p === null) return false;
  if (p[2] !== undefined && Number(p[2]) > 65535) return false;
  return r[1] === p[1] && (r[3] ?? '') === (p[3] ?? '');
}
