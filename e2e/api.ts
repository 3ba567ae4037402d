import { randomBytes } from 'node:crypto';

// The real API, as a script or another admin would use it: seeds data for the specs (never
// through clicks) and plays the apps whose credentials the console hands out.

export interface ApiOptions {
  fhirBaseUrl: string;
  tokenEndpoint: string;
  issuer: string;
  systemClient: { id: string; secret: string };
}

export type Resource = Record<string, unknown> & { id: string };

export interface TokenResult {
  status: number;
  body: { access_token?: string; error?: string };
}

export function createApi(options: ApiOptions) {
  let cached: { token: string; expiresAt: number } | undefined;

  async function systemToken(): Promise<string> {
    if (cached && cached.expiresAt - Date.now() > 30_000) return cached.token;
    const result = await requestToken(options.systemClient.id, options.systemClient.secret, 'system/*.*');
    if (!result.body.access_token) throw new Error(`system client token request failed: ${result.status}`);
    cached = { token: result.body.access_token, expiresAt: Date.now() + 240_000 };
    return cached.token;
  }

  async function fhir(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${options.fhirBaseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/fhir+json',
        authorization: `Bearer ${await systemToken()}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag') ?? undefined, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  /** client_credentials at the real token endpoint, authenticating with HTTP Basic. */
  async function requestToken(clientId: string, secret: string, scope?: string): Promise<TokenResult> {
    const response = await fetch(options.tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
    });
    return { status: response.status, body: (await response.json()) as TokenResult['body'] };
  }

  return {
    fhirBaseUrl: options.fhirBaseUrl,
    tokenEndpoint: options.tokenEndpoint,
    issuer: options.issuer,
    requestToken,
    /** PUT a ClientApplication (create or update). */
    async putClientApplication(resource: Resource) {
      const result = await fhir(`/ClientApplication/${resource.id}`, {
        method: 'PUT',
        body: { resourceType: 'ClientApplication', responseTypes: 'token', ...resource },
      });
      if (result.status >= 300) throw new Error(`PUT ClientApplication/${resource.id}: ${result.status} ${result.text}`);
      return result;
    },
    /** Seeds a backend client with a known secret. */
    async seedBackendClient(id: string, name: string) {
      const secret = randomBytes(32).toString('base64url');
      await this.putClientApplication({ id, name, grantType: ['client_credentials'], secret, scope: 'system/*.rs' });
      return { id, name, secret };
    },
    readClientApplication: (id: string) => fhir(`/ClientApplication/${id}`),
    history: (id: string) => fhir(`/ClientApplication/${id}/_history`),
    /** A FHIR read with someone else's access token. */
    async readWithToken(path: string, token: string) {
      const response = await fetch(`${options.fhirBaseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
      return response.status;
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** Unique per run, so specs sharing one server never collide (FHIR id grammar). */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
