import * as oauth from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, discover, fhirGet, oauthError } from '../../test-support/oauth.ts';
import { startTestServer, type TestServer } from '../../test-support/test-server.ts';

// issue 3, "Checked by": client_credentials with a secret created through the FHIR API.

let server: TestServer;

const SECRET = 'reader-secret-0123456789-abcdefghijklmnopqrstu';

async function createThroughApi(resource: Record<string, unknown>) {
  const response = await fetch(`${server.fhirBaseUrl}/ClientApplication`, {
    method: 'POST',
    headers: { authorization: await server.bearer(), 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'ClientApplication', responseTypes: 'token', ...resource }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.close());

describe('client_credentials', () => {
  let readerId: string;

  beforeAll(async () => {
    ({ id: readerId } = await createThroughApi({
      name: 'Reader',
      grantType: ['client_credentials'],
      secret: SECRET,
      scope: 'system/ClientApplication.rs',
    }));
  });

  it('issues a short-lived JWT for the FHIR API to a client created a moment ago', async () => {
    const config = await discover(server, readerId, { secret: SECRET });
    const tokens = await oauth.clientCredentialsGrant(config, { scope: 'system/ClientApplication.rs' });
    const { header, payload } = decodeJwt(tokens.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ aud: server.fhirBaseUrl, iss: server.issuer, client_id: readerId, scope: 'system/ClientApplication.rs' });
    expect(Number(payload.exp) - Number(payload.iat)).toBeLessThanOrEqual(300);
    expect(tokens.expires_in).toBeLessThanOrEqual(300);
  });

  it('defaults the scope to the registered one and accepts client_secret_post too', async () => {
    const config = await discover(server, readerId, { secret: SECRET, method: 'post' });
    const tokens = await oauth.clientCredentialsGrant(config);
    expect(tokens.scope).toBe('system/ClientApplication.rs');
  });

  it('accepts a narrower scope, semantically within the registered one', async () => {
    const config = await discover(server, readerId, { secret: SECRET });
    const tokens = await oauth.clientCredentialsGrant(config, { scope: 'system/ClientApplication.r' });
    expect(tokens.scope).toBe('system/ClientApplication.r');
  });

  it('answers a wrong secret, an unknown client and a scope outside the registration with RFC 6749 errors', async () => {
    const wrong = await discover(server, readerId, { secret: `${SECRET}x` });
    expect(await oauthError(oauth.clientCredentialsGrant(wrong))).toMatchObject({ error: 'invalid_client', status: 401 });

    const unknown = await discover(server, 'no-such-client', { secret: SECRET });
    expect(await oauthError(oauth.clientCredentialsGrant(unknown))).toMatchObject({ error: 'invalid_client' });

    const config = await discover(server, readerId, { secret: SECRET });
    expect(await oauthError(oauth.clientCredentialsGrant(config, { scope: 'system/ClientApplication.cruds' }))).toMatchObject({
      error: 'invalid_scope',
      status: 400,
    });
    expect(await oauthError(oauth.clientCredentialsGrant(config, { scope: 'system/Patient.rs' }))).toMatchObject({ error: 'invalid_scope' });
    expect(await oauthError(oauth.clientCredentialsGrant(config, { scope: 'openid' }))).toMatchObject({ error: 'invalid_scope' });
    expect(await oauthError(oauth.clientCredentialsGrant(config, { scope: 'system/clientapplication.rs' }))).toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('reads ClientApplication resources when the scope covers it, and gets 403 naming the permission when not', async () => {
    const config = await discover(server, readerId, { secret: SECRET });
    const { access_token: token } = await oauth.clientCredentialsGrant(config);
    const auth = `Bearer ${token}`;

    expect((await fhirGet(server, `/ClientApplication/${readerId}`, auth)).status).toBe(200);
    expect((await fhirGet(server, '/ClientApplication?name=Read', auth)).status).toBe(200);
    expect((await fhirGet(server, '/metadata', auth)).status).toBe(200);

    const create = await fetch(`${server.fhirBaseUrl}/ClientApplication`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'ClientApplication', name: 'X', grantType: ['authorization_code'], responseTypes: 'code', redirectUri: ['https://x.example/cb'] }),
    });
    expect(create.status).toBe(403);
    expect(create.headers.get('www-authenticate')).toMatch(/^Bearer .*error="insufficient_scope".*scope="system\/ClientApplication\.c"/);
    const outcome = (await create.json()) as { resourceType: string; issue: { code: string; diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]?.code).toBe('forbidden');
    expect(outcome.issue[0]?.diagnostics).toContain('system/ClientApplication.c');

    const remove = await fetch(`${server.fhirBaseUrl}/ClientApplication/${readerId}`, { method: 'DELETE', headers: { authorization: auth } });
    expect(remove.status).toBe(403);
  });

  it('never returns the secret again, and rotating it makes the old one fail at once', async () => {
    const { id } = await createThroughApi({ name: 'Rotating', grantType: ['client_credentials'], secret: SECRET, scope: 'system/*.rs' });
    const admin = await server.bearer();
    const reads = await Promise.all([
      fhirGet(server, `/ClientApplication/${id}`, admin),
      fhirGet(server, `/ClientApplication?_id=${id}`, admin),
      fhirGet(server, `/ClientApplication/${id}/_history`, admin),
    ]);
    for (const response of reads) {
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('$argon2id$');
    }

    const old = await discover(server, id, { secret: SECRET });
    await oauth.clientCredentialsGrant(old); // warms the verification cache

    const current = (await (await fhirGet(server, `/ClientApplication/${id}`, admin)).json()) as Record<string, unknown>;
    const rotated = `${SECRET}-rotated`;
    const put = await fetch(`${server.fhirBaseUrl}/ClientApplication/${id}`, {
      method: 'PUT',
      headers: { authorization: admin, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...current, meta: undefined, secret: rotated }),
    });
    expect(put.status).toBe(200);

    expect(await oauthError(oauth.clientCredentialsGrant(old))).toMatchObject({ error: 'invalid_client' });
    const fresh = await discover(server, id, { secret: rotated });
    expect((await oauth.clientCredentialsGrant(fresh)).access_token).toBeTruthy();
  });

  it('lets a basic_auth client call the FHIR API with its id and secret, and nobody else', async () => {
    const { id } = await createThroughApi({ name: 'Basic', grantType: ['basic_auth'], secret: SECRET, scope: 'system/ClientApplication.rs' });
    const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

    expect((await fhirGet(server, '/ClientApplication', basic(id, SECRET))).status).toBe(200);
    const wrong = await fhirGet(server, '/ClientApplication', basic(id, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    // The reader has the right secret but not the basic_auth grant.
    expect((await fhirGet(server, '/ClientApplication', basic(readerId, SECRET))).status).toBe(401);
  });

  it('lets go of each request and its response once the answer is sent, and not before', async () => {
    type Context = Record<'req' | 'res' | 'request' | 'response', unknown>;
    const seen: { context: Context; hadResponse: boolean }[] = [];
    // oidc-provider's events come while the token endpoint handles the request, with its context.
    const record = (ctx: unknown) => seen.push({ context: ctx as Context, hadResponse: (ctx as Context).res !== undefined });
    const { provider } = server.app.oidc;
    provider.on('grant.success', record);
    provider.on('grant.error', record);
    try {
      const config = await discover(server, readerId, { secret: SECRET });
      expect((await oauth.clientCredentialsGrant(config)).access_token).toBeTruthy();
      const wrong = await discover(server, readerId, { secret: `${SECRET}x` });
      expect(await oauthError(oauth.clientCredentialsGrant(wrong))).toMatchObject({ error: 'invalid_client', status: 401 });
      // The client has the whole answer; the server's 'finish' comes in the same turn or the next.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      provider.off('grant.success', record);
      provider.off('grant.error', record);
    }

    expect(seen).toHaveLength(2);
    for (const { context, hadResponse } of seen) {
      expect(hadResponse).toBe(true);
      expect(context).toMatchObject({ req: undefined, res: undefined, request: undefined, response: undefined });
    }
  });
});
