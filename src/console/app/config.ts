// Runtime settings (issue 4 §1): one build runs against any Haste-Health-compatible deployment.
// The server serves `config.json`; a host elsewhere serves its own beside index.html. Every field
// is optional and defaults to the embedded reference server, so today's `{ fhirBaseUrl }` works.
// Deliberately without zod: this runs in the initial chunk, which must stay small.

export interface ConsoleConfig {
  /** Absolute FHIR R4 base URL. */
  fhirBaseUrl: string;
  /** OIDC issuer (authority); discovery at `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Space-separated scopes the console asks for. */
  scopes: string;
  /**
   * The OP's discovery document, when the host serves it with the settings (the embedded server
   * does): oidc-client-ts then skips fetching `{issuer}/.well-known/openid-configuration`.
   */
  metadata?: OpMetadata;
}

/** The discovery fields the console relies on; the rest is passed to oidc-client-ts as served. */
export interface OpMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  [field: string]: unknown;
}

export const CONFIG_URL = `${import.meta.env.BASE_URL}config.json`;
export const DEFAULT_PROJECT_PATH = '/w/default/default/api/v1';
export const DEFAULT_CLIENT_ID = 'admin-app';
export const DEFAULT_SCOPES = 'openid profile email offline_access user/ClientApplication.cruds';

export type ConfigResult = { ok: true; config: ConsoleConfig } | { ok: false; problems: string[] };

function absoluteHttpUrl(value: unknown, key: string, origin: string, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`"${key}" must be a URL string.`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    problems.push(`"${key}" is not a valid URL.`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`"${key}" must be an http(s) URL.`);
    return undefined;
  }
  if (url.search || url.hash) {
    problems.push(`"${key}" must not contain a query or fragment.`);
    return undefined;
  }
  return url.href.replace(/\/+$/, '');
}

/** Validates `config.json`, filling defaults; `origin` resolves relative URLs (the page's origin). */
export function parseConsoleConfig(json: unknown, origin: string): ConfigResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problems: ['config.json must be a JSON object.'] };
  }
  const raw = json as Record<string, unknown>;
  const problems: string[] = [];
  const fhirBaseUrl = absoluteHttpUrl(raw.fhirBaseUrl ?? `${DEFAULT_PROJECT_PATH}/fhir/r4`, 'fhirBaseUrl', origin, problems);
  // Haste Health's layout puts the issuer beside the FHIR base: …/api/v1/fhir/r4 → …/api/v1/oidc.
  const defaultIssuer =
    fhirBaseUrl && /\/fhir\/r4$/.test(fhirBaseUrl)
      ? fhirBaseUrl.replace(/\/fhir\/r4$/, '/oidc')
      : `${DEFAULT_PROJECT_PATH}/oidc`;
  const issuer = absoluteHttpUrl(raw.issuer ?? defaultIssuer, 'issuer', origin, problems);

  const clientId = raw.clientId ?? DEFAULT_CLIENT_ID;
  if (typeof clientId !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(clientId)) {
    problems.push('"clientId" must be a client ID such as "admin-app".');
  }

  const rawScopes = raw.scopes ?? DEFAULT_SCOPES;
  const scopes = Array.isArray(rawScopes) ? rawScopes.join(' ') : rawScopes;
  if (typeof scopes !== 'string' || !scopes.split(/\s+/).includes('openid')) {
    problems.push('"scopes" must be a space-separated string (or a list) that includes "openid".');
  }

  const metadata = raw.metadata === undefined ? undefined : parseMetadata(raw.metadata, issuer, problems);

  if (problems.length > 0 || !fhirBaseUrl || !issuer) return { ok: false, problems };
  return {
    ok: true,
    config: {
      fhirBaseUrl,
      issuer,
      clientId: clientId as string,
      scopes: (scopes as string).trim().replace(/\s+/g, ' '),
      ...(metadata ? { metadata } : {}),
    },
  };
}

/**
 * Served discovery metadata must be the issuer's own (OpenID Connect Discovery §4.3: `issuer`
 * identical to the issuer), with absolute http(s) endpoints; otherwise the settings are wrong.
 */
function parseMetadata(value: unknown, issuer: string | undefined, problems: string[]): OpMetadata | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('"metadata" must be the issuer\'s discovery document (a JSON object).');
    return undefined;
  }
  const metadata = value as Record<string, unknown>;
  if (issuer !== undefined && metadata.issuer !== issuer) {
    problems.push(`"metadata.issuer" must be the issuer, ${issuer}.`);
  }
  for (const key of ['authorization_endpoint', 'token_endpoint']) {
    const endpoint = metadata[key];
    const url = typeof endpoint === 'string' ? URL.parse(endpoint) : null;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) problems.push(`"metadata.${key}" must be an absolute http(s) URL.`);
  }
  return metadata as OpMetadata;
}

/**
 * The id of the JSON data block a host may put the settings in, inside index.html, in place of
 * config.json (the embedded server does: src/server/console-page.ts).
 */
export const INLINE_CONFIG_ELEMENT_ID = 'console-config';

/** The settings: the page's own data block when the host inlined them, else config.json. */
export async function loadConsoleConfig(fetchImpl: typeof fetch = fetch, doc: Pick<Document, 'getElementById'> = document): Promise<ConfigResult> {
  const inline = doc.getElementById(INLINE_CONFIG_ELEMENT_ID);
  if (inline) {
    try {
      return parseConsoleConfig(JSON.parse(inline.textContent ?? ''), window.location.origin);
    } catch {
      return { ok: false, problems: ['The settings in the page (index.html, #console-config) are not valid JSON.'] };
    }
  }
  let response: Response;
  try {
    // A plain request, so the browser can hand over index.html's preload of the same URL; the
    // server sends `Cache-Control: no-cache`, so a stale copy is never used without asking.
    response = await fetchImpl(CONFIG_URL);
  } catch {
    return { ok: false, problems: [`${CONFIG_URL} could not be fetched: the server did not answer.`] };
  }
  if (!response.ok) {
    return { ok: false, problems: [`${CONFIG_URL} answered ${response.status}: serve a config.json beside index.html.`] };
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    return { ok: false, problems: [`${CONFIG_URL} is not valid JSON.`] };
  }
  return parseConsoleConfig(json, window.location.origin);
}
