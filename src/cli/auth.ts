import { isLoopbackUri } from '../model/redirect-uri.ts';
import { AuthServerNetworkError, CliError, OAuthError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

// client_credentials for the CLI (RFC 6749 §4.4). The token endpoint comes from OpenID Connect
// discovery of the configured issuer, or, without one, from the FHIR server's SMART configuration
// ({fhirBase}/.well-known/smart-configuration), so a FHIR URL and a client are enough. The token
// lives in this closure only: never written to disk, dropped when the process ends.

export interface TokenProviderOptions {
  fhirUrl: string;
  issuer: string | undefined;
  clientId: string;
  clientSecret: string;
  /** Permit plain http to hosts other than loopback (the secret and tokens travel in clear). */
  allowHttp?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
}

export type TokenProvider = () => Promise<string>;

interface CachedToken {
  token: string;
  /** When to stop reusing it (ms since epoch): a little before it expires. */
  renewAt: number;
}

/** Reuse a token until 30 s (at most half its life) before it expires; tokens here live ≤ 300 s. */
const RENEW_MARGIN_MS = 30_000;

export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  let tokenEndpoint: Promise<string> | undefined;
  let cached: CachedToken | undefined;
  let pending: Promise<string> | undefined;

  async function requestToken(): Promise<string> {
    tokenEndpoint ??= discoverTokenEndpoint(options, doFetch);
    const endpoint = await tokenEndpoint;
    const startedAt = now();
    // RFC 6749 §2.3.1: client_secret_basic, with id and secret form-urlencoded before base64.
    const basic = Buffer.from(
      `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`,
    ).toString('base64');
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
          Authorization: `Basic ${basic}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        // Never re-send credentials to wherever a redirect points.
        redirect: 'manual',
      });
    } catch (e) {
      throw new AuthServerNetworkError(endpoint, 'token endpoint', e);
    }
    const body = await readJsonObject(response);
    if (!response.ok) {
      throw new OAuthError(response.status, stringField(body, 'error'), stringField(body, 'error_description'), endpoint);
    }
    const token = stringField(body, 'access_token');
    const tokenType = stringField(body, 'token_type');
    if (!token || (tokenType !== undefined && tokenType.toLowerCase() !== 'bearer')) {
      throw new CliError(EXIT.server, `the token endpoint ${endpoint} answered without a Bearer access token`);
    }
    const expiresIn = body?.expires_in;
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : 60_000;
    cached = { token, renewAt: startedAt + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2) };
    return token;
  }

  return async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    // Concurrent requests share one token request.
    pending ??= requestToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** Refuses to send a secret or a token over plain http, except to loopback (RFC 6749 §1.6, §10.9). */
export function assertSafeTransport(url: string, what: string, allowHttp: boolean | undefined): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(EXIT.usage, `${what} "${url}" is not an absolute URL`);
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol !== 'http:') throw new CliError(EXIT.usage, `${what} ${parsed.origin} must be an http(s) URL`);
  if (!allowHttp && !isLoopbackUri(url)) {
    throw new CliError(
      EXIT.usage,
      `refusing to send credentials over plain http to ${parsed.host} (${what}): use https, or --allow-http on a trusted network`,
    );
  }
}

async function discoverTokenEndpoint(options: TokenProviderOptions, doFetch: typeof fetch): Promise<string> {
  const issuer = options.issuer?.replace(/\/+$/, '');
  // OpenID Connect Discovery 1.0 §4 / SMART App Launch 2.x §Conformance.
  const url = issuer
    ? `${issuer}/.well-known/openid-configuration`
    : `${options.fhirUrl.replace(/\/+$/, '')}/.well-known/smart-configuration`;
  const what = issuer ? 'the OpenID configuration' : "the FHIR server's SMART configuration";
  assertSafeTransport(url, issuer ? 'the issuer' : 'the FHIR URL', options.allowHttp);

  let response: Response;
  try {
    response = await doFetch(url, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new AuthServerNetworkError(url, issuer ? 'OpenID discovery' : 'SMART configuration of the FHIR server', e);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const isServerFault = response.status >= 500 || response.status === 429;
    throw new CliError(
      isServerFault ? EXIT.server : EXIT.usage,
      `could not read ${what} at ${url} (HTTP ${response.status})${isServerFault ? '' : issuer ? ': check the issuer URL' : ': set the issuer with --issuer or CLIENT_ADMIN_ISSUER'}`,
    );
  }
  const document = await readJsonObject(response);
  if (document === undefined) throw new CliError(EXIT.server, `${what} at ${url} is not a JSON object`);
  // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
  const named = stringField(document, 'issuer')?.replace(/\/+$/, '');
  if (issuer && named !== issuer) {
    throw new CliError(EXIT.usage, `the OpenID configuration at ${url} is for issuer ${named ?? '(none)'}, not ${issuer}`);
  }
  const tokenEndpoint = stringField(document, 'token_endpoint');
  if (!tokenEndpoint) throw new CliError(EXIT.server, `${what} at ${url} names no token_endpoint`);
  assertSafeTransport(tokenEndpoint, 'the token endpoint', options.allowHttp);
  return tokenEndpoint;
}

async function readJsonObject(response: Response): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * RFC 6749 Appendix B form-encoding for client_id and secret. Spaces become `%20` rather than
 * `+`: both are valid, and `%20` also survives servers that decode with decodeURIComponent.
 */
function formEncode(value: string): string {
  return encodeURIComponent(value);
}
