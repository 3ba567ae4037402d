import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseClientApplication } from '../../model/client-application.ts';
import { OperationOutcomeSchema } from '../../model/operation-outcome.ts';
import { startTestServer, TEST_SYSTEM_CLIENT_ID, type TestServer } from '../../test-support/test-server.ts';
import type { App } from '../app.ts';
import { MAX_CACHED_STATEMENTS } from '../store/client-applications.ts';

// Issue 7 §1: property-based bad input against the real server (app.inject for volume, raw
// sockets for what no HTTP client would send). Whatever arrives: never a 5xx, every FHIR error
// is an OperationOutcome, every OAuth error is RFC 6749 JSON, and afterwards the store holds
// only resources that pass the model.

const FHIR_RUNS = 7000;
const OAUTH_RUNS = 3000;
const SEED = Number(process.env.FUZZ_SEED ?? 20260701);

let server: TestServer;
let app: App;
let bearer: string;
let fhirBase: string;
let issuerPath: string;

/** A confidential client the OAuth fuzz may fail to authenticate as (the system client is kept out of it). */
const TARGET = { id: 'fuzz-target', secret: 'fuzz-target-secret-0123456789-abcdefghijkl' };
const PROTECTED_IDS = new Set([TEST_SYSTEM_CLIENT_ID, TARGET.id]);

const figures = {
  fhir: 0,
  oauth: 0,
  socket: 0,
  byStatus: new Map<number, number>(),
  stored: 0,
  versions: 0,
};

function count(status: number) {
  figures.byStatus.set(status, (figures.byStatus.get(status) ?? 0) + 1);
}

beforeAll(async () => {
  server = await startTestServer();
  app = server.app;
  bearer = await server.bearer();
  fhirBase = new URL(server.fhirBaseUrl).pathname;
  issuerPath = new URL(server.issuer).pathname;
  for (const id of ['fuzz-a', 'fuzz-b', 'fuzz-c']) {
    const res = await app.inject({
      method: 'PUT',
      url: `${fhirBase}/ClientApplication/${id}`,
      headers: { authorization: bearer, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(portal(id)),
    });
    expect(res.statusCode).toBe(201);
  }
  const target = await app.inject({
    method: 'PUT',
    url: `${fhirBase}/ClientApplication/${TARGET.id}`,
    headers: { authorization: bearer, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify({
      resourceType: 'ClientApplication',
      id: TARGET.id,
      name: 'Fuzz target',
      grantType: ['client_credentials'],
      responseTypes: 'token',
      secret: TARGET.secret,
      scope: 'system/ClientApplication.rs',
    }),
  });
  expect(target.statusCode).toBe(201);
}, 60_000);

afterAll(async () => server?.close());

function portal(id: string) {
  return {
    resourceType: 'ClientApplication',
    id,
    name: 'Fuzz portal',
    grantType: ['authorization_code', 'refresh_token'],
    responseTypes: 'code',
    redirectUri: ['https://portal.example.com/callback'],
    scope: 'openid offline_access user/*.rs',
  };
}

// --- Generators ------------------------------------------------------------------------------

const TEN_KB = 'N'.repeat(10 * 1024);

/** Strings that have broken servers before. */
const hostileConstant = fc.constantFrom(
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '\u0000',
  'a\u0000b',
  '\u202Eevil.exe\u202C',
  '\u200F\u200E',
  '\u200B\uFEFF',
  '\uD800',
  '\uDC00tail',
  'head\uD83D',
  '💥🔥👩‍👩‍👧‍👦',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'e\u0301'.repeat(40),
  'İıßǅﬁ',
  '\r\nSet-Cookie: x=1',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  "' OR 1=1 --",
  '"; DROP TABLE client_application; --',
  '{"$ne":null}',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  '',
  ' ',
  '\t\n\r',
  '\u0085\u2028\u2029',
  '\x7F\x1B[31m',
  TEN_KB,
  `${TEN_KB}<script>`,
  'a'.repeat(201),
);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  { weight: 4, arbitrary: hostileConstant },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(loneSurrogate, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 8 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('openid', 'system/*.*', 'user/Patient.dus', 'patient/*.read?x=1', 'https://x.example/cb', 'http://127.0.0.1:1/cb', 'com.example.app:/cb') },
);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(hostileString, { maxLength: 7 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const FIELDS = [
  'resourceType',
  'id',
  'meta',
  'name',
  'description',
  'grantType',
  'responseTypes',
  'secret',
  'redirectUri',
  'uri',
  'logoUri',
  'tosUri',
  'policyUri',
  'scope',
  'contact',
] as const;
const UNKNOWN_KEYS = ['extension', 'text', 'contained', 'modifierExtension', 'implicitRules', 'clientSecret', 'scopes', 'Name'];

type Mutation =
  | { kind: 'set'; key: string; value: unknown }
  | { kind: 'delete'; key: string }
  | { kind: 'unknown'; key: string; value: unknown };

/** Text fields that accept most strings: hostile content that may well be stored. */
const TEXT_FIELDS = ['name', 'description', 'scope'] as const;

const textMutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...TEXT_FIELDS), value: hostileString });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: textMutation },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...FIELDS.filter((f) => f !== 'secret')), value: anyValue }) },
  // A secret that parses costs a slow Argon2id hash: rare, so the run stays fast.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.constant('secret'), value: anyValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...FIELDS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown' as const), key: fc.oneof(fc.constantFrom(...UNKNOWN_KEYS), hostileString), value: anyValue }) },
);

const knownId = fc.constantFrom('fuzz-a', 'fuzz-b', 'fuzz-c', 'fuzz-new-1', 'fuzz-new-2', 'fuzz.new-3', 'A', '0'.repeat(64));
const hostileId = hostileString.filter((s) => !PROTECTED_IDS.has(s));
const idArb = fc.oneof({ weight: 3, arbitrary: knownId }, { weight: 2, arbitrary: hostileId });

const resourceFor = (idArbitrary: fc.Arbitrary<string>) => fc
  .tuple(
    fc.constantFrom('portal', 'backend', 'minimal'),
    idArbitrary,
    fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 3, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }) },
      { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
    ),
  )
  .map(([shape, id, mutations]) => {
    const base: Record<string, unknown> =
      shape === 'portal'
        ? portal(id)
        : shape === 'backend'
          ? { resourceType: 'ClientApplication', id, name: 'Backend', grantType: ['client_credentials'], responseTypes: 'token', scope: 'system/*.rs' }
          : { resourceType: 'ClientApplication', id, name: 'Minimal', grantType: ['authorization_code'], responseTypes: 'code', redirectUri: ['https://m.example.com/cb'] };
    for (const m of mutations) {
      if (m.kind === 'delete') Reflect.deleteProperty(base, m.key);
      else Object.defineProperty(base, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
    }
    return base;
  });
const resourceArb = resourceFor(idArb);

const OVERSIZED = JSON.stringify({ ...portal('fuzz-a'), description: 'x'.repeat(300 * 1024) });

const bodyFor = (id: string): fc.Arbitrary<string | undefined> => fc.oneof(
  // Mostly a resource for the id in the URL, so requests get past the id check into validation and the store.
  { weight: 30, arbitrary: resourceFor(fc.oneof({ weight: 5, arbitrary: fc.constant(id) }, { weight: 1, arbitrary: idArb })).map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.tuple(resourceArb, fc.nat()).map(([r, n]) => { const s = JSON.stringify(r); return s.slice(0, n % s.length); }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'), path: fc.oneof(fc.constantFrom('/name', '/secret', '/id', '/redirectUri/-', '/redirectUri/99', '/meta/versionId', '', '/', '/__proto__/x', '/grantType/0'), hostileString), value: anyValue, from: fc.constantFrom('/name', '/secret', '/scope', '/x') }, { requiredKeys: ['op', 'path'] }), { maxLength: 4 }).map((ops) => JSON.stringify(ops)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      OVERSIZED,
      '',
      '\uFEFF{"resourceType":"ClientApplication"}',
      '{"resourceType":"ClientApplication","name":"a","name":"b"}',
      '{"__proto__":{"isAdmin":true},"resourceType":"ClientApplication","name":"p","grantType":["authorization_code"],"responseTypes":"code","redirectUri":["https://p.example/cb"]}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `{"a":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`,
      '{"name":"\\ud800\\udc00\\udfff"}',
      'null',
      'NaN',
      '1e999999',
      '"\\u0000"',
    ),
  },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

const contentTypeArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('application/fhir+json', 'application/json', 'application/json-patch+json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/fhir+json; charset=utf-8',
      'application/fhir+json; charset=latin1',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/fhir+xml',
      'application/fhir+json;;;',
      '*/*',
      'json',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
);

function tamper(token: string): string {
  const [h = '', p = '', s = ''] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  payload.scope = 'system/*.*';
  payload.client_id = 'someone-else';
  return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
}

function algNone(token: string): string {
  const [, p = ''] = token.split('.');
  return [Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url'), p, ''].join('.');
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** An Authorization header: usually the valid one, so requests reach the handlers. */
const authorizationArb = (token: () => string) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constant('valid') },
    {
      weight: 4,
      arbitrary: fc.oneof(
        fc.constantFrom(
          'none',
          '',
          'Bearer',
          'Bearer ',
          'Bearer  ',
          'Basic',
          'Basic !!!not-base64!!!',
          `Basic ${b64('no-colon')}`,
          `Basic ${b64(':')}`,
          `Basic ${b64(':only-secret')}`,
          `Basic ${b64('fuzz-a:whatever-secret')}`,
          `Basic ${b64('\u0000:\u0000')}`,
          'Digest username="x"',
          'Bearer a.b.c',
          'Bearer ...',
          'Bearer eyJhbGciOiJub25lIn0.eyJ9.',
          `Bearer ${'A'.repeat(10_000)}`,
          'Bearer\ttab-separated',
        ),
        hostileString.map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
        fc.constant('tampered'),
        fc.constant('alg-none'),
        fc.constant('lowercase'),
      ),
    },
  ).map((kind) => {
    switch (kind) {
      case 'valid':
        return token();
      case 'none':
        return undefined;
      case 'tampered':
        return `Bearer ${tamper(token().slice(7))}`;
      case 'alg-none':
        return `Bearer ${algNone(token().slice(7))}`;
      case 'lowercase':
        return `bearer ${token().slice(7)}`;
      default:
        return kind;
    }
  });

const preconditionArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('W/"1"', '"1"', '*', 'W/"2"', 'W/"999999999999999"', 'W/"9999999999999999999"', 'W/"-1"', 'W/"abc"', 'W/"1", W/"2"', ''),
      hostileString.map((s) => s.replace(/[\r\n]/g, '')),
    ),
  },
);

const queryArb = fc.option(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('name', 'grantType', '_id', '_lastUpdated', '_sort', '_count', '_offset', '_total', '_format', '_since', '_elements', '_summary', 'name:exact', ''),
          hostileString,
        ),
        fc.oneof(
          fc.constantFrom('-1', '0', '1', '100', '101', '999999999', '1e3', '0x10', 'NaN', 'ge2026-01-01', 'gt0000', 'le9999-12-31T23:59:59+14:00', '2026-13-45', 'ne2026', '-name', 'name,_id,-_lastUpdated', 'authorization_code', 'x|authorization_code', '|basic_auth', ',,,', 'a'.repeat(5000)),
          hostileString,
          fc.array(fc.constantFrom('a', 'b', ','), { maxLength: 400 }).map((a) => a.join('')),
        ),
        fc.boolean(),
      ),
      { maxLength: 5 },
    )
    .map((pairs) =>
      pairs.map(([k, v, encode]) => (encode ? `${looseEncode(k)}=${looseEncode(v)}` : `${k}=${v}`.replace(/[^\x21-\x7E]/gu, looseEncode))).join('&'),
    ),
  { freq: 2 },
);

const fhirRequestArb = idArb.chain((id) => fc.record({
  method: fc.constantFrom('GET', 'GET', 'PUT', 'PUT', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  path: fc.oneof(
    { weight: 5, arbitrary: fc.constant(`/ClientApplication/${safeSegment(id)}`) },
    { weight: 2, arbitrary: fc.constant('/ClientApplication') },
    { weight: 1, arbitrary: fc.constant(`/ClientApplication/${safeSegment(id)}/_history`) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('1', '2', '0', '-1', '1.5', '99999999999999999999', 'abc'), hostileString).map((v) => `/ClientApplication/${safeSegment(id)}/_history/${safeSegment(v)}`) },
    { weight: 1, arbitrary: fc.constantFrom('/ClientApplication/_history', '/metadata', '/Patient/1', '/', '', '/ClientApplication/', '/ClientApplication//x', '/clientapplication/fuzz-a', '/ClientApplication/fuzz-a/', '/ClientApplication/%2e%2e', '/ClientApplication/..%2f..%2fetc', '/ClientApplication/a%00b', '/ClientApplication/%ZZ', '/ClientApplication/fuzz-a;x=1', '/.well-known/smart-configuration') },
  ),
  query: queryArb,
  contentType: contentTypeArb,
  authorization: authorizationArb(() => bearer),
  ifMatch: preconditionArb,
  ifNoneMatch: preconditionArb,
  body: bodyFor(id),
}));

/**
 * Percent-encodes as a client would, except that a lone surrogate (which encodeURIComponent
 * refuses) becomes %ED%A0%80: the ill-formed UTF-8 a careless client would send for it.
 */
function looseEncode(s: string): string {
  let out = '';
  for (const c of s) out += /^[\uD800-\uDFFF]$/.test(c) ? '%ED%A0%80' : encodeURIComponent(c);
  return out;
}
const safeSegment = looseEncode;

// --- Invariants ------------------------------------------------------------------------------

const INTERNALS = /\bat [\w$.<>]+ \(|node_modules|\.ts:\d+|SqliteError|SQLITE_|TypeError|RangeError|ReferenceError|\$argon2id\$|scrypt\$\d+\$\d+\$\d+\$[\w-]{20,}/;

function checkFhirResponse(res: { statusCode: number; headers: Record<string, unknown>; body: string }, method: string) {
  count(res.statusCode);
  expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(500);
  expect(res.body).not.toMatch(INTERNALS);
  expect(res.body).not.toMatch(/"secret"\s*:/);
  if (res.statusCode >= 400 && method !== 'HEAD') {
    expect(String(res.headers['content-type'])).toMatch(/^application\/fhir\+json/);
    const outcome = OperationOutcomeSchema.safeParse(JSON.parse(res.body));
    expect(outcome.success, res.body.slice(0, 500)).toBe(true);
  }
  if (res.statusCode < 300 && method !== 'HEAD' && res.body) {
    const json = JSON.parse(res.body) as { resourceType?: string; entry?: { resource?: unknown }[] };
    const resources = json.resourceType === 'Bundle' ? (json.entry ?? []).map((e) => e.resource).filter(Boolean) : json.resourceType === 'ClientApplication' ? [json] : [];
    for (const resource of resources) {
      const parsed = parseClientApplication(resource, { hasStoredSecret: true });
      expect(parsed.success, JSON.stringify(resource).slice(0, 500)).toBe(true);
    }
  }
}

/** RFC 6749 §5.2 (token), RFC 7009 §2.2.1 (revocation), RFC 7662 (introspection), RFC 8707 §2 (invalid_target). */
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'unsupported_token_type',
]);

function checkOAuthResponse(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  count(res.statusCode);
  expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(500);
  expect(res.body).not.toMatch(INTERNALS);
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(OAUTH_ERRORS.has(String(body.error)), res.body).toBe(true);
    expect(Object.keys(body).every((k) => ['error', 'error_description', 'scope', 'state'].includes(k)), res.body).toBe(true);
    if (body.error_description !== undefined) expect(typeof body.error_description).toBe('string');
  }
}

// --- Properties ------------------------------------------------------------------------------

describe('bad input, property-based (issue 7 §1)', () => {
  it(`FHIR API: ${FHIR_RUNS} generated requests, no 5xx, every error an OperationOutcome`, async () => {
    await fc.assert(
      fc.asyncProperty(fhirRequestArb, async (r) => {
        const headers: Record<string, string> = { accept: 'application/fhir+json' };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.contentType !== '') headers['content-type'] = r.contentType;
        if (r.ifMatch !== null) headers['if-match'] = r.ifMatch;
        if (r.ifNoneMatch !== null) headers['if-none-match'] = r.ifNoneMatch;
        const res = await app.inject({
          method: r.method as 'GET',
          url: `${fhirBase}${r.path}${r.query ? `?${r.query}` : ''}`,
          headers,
          ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { payload: r.body } : {}),
        });
        figures.fhir++;
        checkFhirResponse(res, r.method);
      }),
      { numRuns: FHIR_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 240_000);

  it(`OAuth endpoints: ${OAUTH_RUNS} generated requests, no 5xx, every error RFC 6749 JSON`, async () => {
    const token = await server.getAccessToken();
    const param = fc.oneof(
      { weight: 3, arbitrary: hostileString },
      { weight: 2, arbitrary: fc.constantFrom(TARGET.id, TARGET.secret, 'fuzz-a', 'admin-app', token, tamper(token), 'client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'password', 'system/ClientApplication.rs', 'openid', server.fhirBaseUrl, 'https://elsewhere.example/fhir', 'access_token', 'refresh_token', 'S256', 'plain', 'https://portal.example.com/callback') },
    );
    const paramName = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('grant_type', 'client_id', 'client_secret', 'scope', 'code', 'code_verifier', 'redirect_uri', 'refresh_token', 'token', 'token_type_hint', 'resource', 'client_assertion', 'client_assertion_type', 'audience') },
      { weight: 1, arbitrary: hostileString },
    );
    const oauthRequestArb = fc.record({
      endpoint: fc.constantFrom('/token', '/token', '/token', '/token/revocation', '/token/introspection'),
      grantType: fc.constantFrom('client_credentials', 'authorization_code', 'refresh_token', 'password', 'implicit', '', 'client_credentials '),
      params: fc.array(fc.tuple(paramName, param), { maxLength: 6 }),
      auth: fc.oneof(
        fc.constantFrom(
          undefined,
          `Basic ${b64(`${TARGET.id}:${TARGET.secret}`)}`,
          `Basic ${b64(`${TARGET.id}:wrong-secret`)}`,
          `Basic ${b64(`${encodeURIComponent(TARGET.id)}:${encodeURIComponent(TARGET.secret)}`)}`,
          `Basic ${b64('fuzz-a:')}`,
          `Basic ${b64('no-colon')}`,
          'Basic !!!',
          'Basic',
          `Bearer ${token}`,
          'Basic ' + b64(':'),
        ),
        fc.tuple(hostileString, hostileString).map(([a, b]) => `Basic ${b64(`${a.replace(/:/g, '')}:${b}`)}`),
      ),
      encoding: fc.constantFrom('form', 'form', 'form', 'json', 'text', 'none', 'multipart', 'form-latin1'),
    });

    await fc.assert(
      fc.asyncProperty(oauthRequestArb, async (r) => {
        const form = new URLSearchParams();
        if (r.endpoint === '/token' && r.grantType) form.append('grant_type', r.grantType);
        for (const [k, v] of r.params) form.append(k.replace(/[\uD800-\uDFFF]/g, ''), v.replace(/[\uD800-\uDFFF]/g, ''));
        const headers: Record<string, string> = {};
        if (r.auth) headers.authorization = r.auth;
        let payload: string | undefined = form.toString();
        if (r.encoding === 'form') headers['content-type'] = 'application/x-www-form-urlencoded';
        else if (r.encoding === 'form-latin1') headers['content-type'] = 'application/x-www-form-urlencoded; charset=latin1';
        else if (r.encoding === 'json') {
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(Object.fromEntries(form));
        } else if (r.encoding === 'text') headers['content-type'] = 'text/plain';
        else if (r.encoding === 'multipart') headers['content-type'] = 'multipart/form-data; boundary=zzz';
        else payload = undefined;
        const res = await app.inject({ method: 'POST', url: `${issuerPath}${r.endpoint}`, headers, ...(payload === undefined ? {} : { payload }) });
        figures.oauth++;
        checkOAuthResponse(res);
      }),
      { numRuns: OAUTH_RUNS, seed: SEED, endOnFailure: true },
    );
  }, 240_000);

  it('malformed HTTP over a real socket: 4xx or a closed connection, never a 5xx, and the server keeps serving', async () => {
    const { port } = new URL(server.origin);
    const fhir = new URL(server.fhirBaseUrl).pathname;
    const token = await server.getAccessToken();
    const requests = [
      'GARBAGE\r\n\r\n',
      'GET\r\n\r\n',
      `GET ${fhir}/metadata HTTP/9.9\r\nHost: x\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\nBad Header Name: x\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\u0000\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'A'.repeat(20_000)}\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-${i}: y`).join('\r\n')}\r\n\r\n`,
      `GET ${fhir}/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET ${fhir}/ClientApplication/\u00ff\u00fe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      `GET ${fhir}/ClientApplication/a b HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      `GET ${fhir}/ClientApplication?name=%ZZ&_id=%00 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n{}`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nContent-Length: -1\r\n\r\n{}`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nContent-Length: 99999999999999999999\r\n\r\n{}`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nContent-Length: 5\r\n\r\n{"a":`,
      `POST ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nxxxx`,
      `PUT ${fhir}/ClientApplication/fuzz-a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/fhir+json\r\nIf-Match: W/"1"\r\nIf-Match: W/"2"\r\nContent-Length: 2\r\n\r\n{}`,
      `PROPFIND ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      `TRACE ${fhir}/ClientApplication HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      `CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET http://evil.example${fhir}/metadata HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nAuthorization: Basic ${b64('a:b')}\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.0\r\n\r\n`,
      `GET ${fhir}/metadata HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: gopher\r\n\r\n`,
      `POST ${issuerPath}/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=client_credentials`,
      `POST ${issuerPath}/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nx\r\n0\r\n\r\n`,
      `POST ${issuerPath}/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \u00ff\u00fe\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\ngrant_type=client_credentials`,
      `POST ${issuerPath}/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n${'a='.repeat(1000)}`,
      `GET ${issuerPath}/auth?client_id=%ZZ&redirect_uri=%00 HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET ${issuerPath}/interaction/%ZZ HTTP/1.1\r\nHost: x\r\nCookie: _interaction=\u00ff; x\r\n\r\n`,
    ];
    const statuses: (number | 'closed')[] = [];
    // Nothing may print a stack behind the logger's back (Koa does by default).
    const stderr = vi.spyOn(console, 'error');
    for (const raw of requests) {
      const status = await rawRequest(Number(port), raw);
      figures.socket++;
      statuses.push(status);
      if (status !== 'closed') count(status);
      expect(status === 'closed' || status < 500, raw.slice(0, 120)).toBe(true);
    }
    expect(stderr).not.toHaveBeenCalled();
    stderr.mockRestore();
    // Some answered with a status (not everything was a dropped connection), and the server still serves.
    expect(statuses.filter((s) => s !== 'closed').length).toBeGreaterThan(requests.length / 2);
    const alive = await fetch(`${server.fhirBaseUrl}/metadata`, { headers: { authorization: await server.bearer() } });
    expect(alive.status).toBe(200);
  }, 60_000);

  it('search shapes chosen by the caller cannot grow the server: the prepared-statement cache stays bounded', async () => {
    for (let n = 1; n <= 120; n++) {
      const names = Array.from({ length: n }, (_, i) => `n${i}`).join(',');
      const res = await app.inject({ method: 'GET', url: `${fhirBase}/ClientApplication?name=${names}&_id=${'x,'.repeat(n % 7)}y`, headers: { authorization: bearer } });
      expect(res.statusCode).toBe(200);
    }
    expect(app.store.cachedStatementCount()).toBeLessThanOrEqual(MAX_CACHED_STATEMENTS);
  });

  it('leaves only resources that pass the model in the store (current versions and history)', () => {
    const current = app.db.prepare('SELECT id, resource, secret_hash FROM client_application WHERE deleted = 0').all() as {
      id: string;
      resource: string;
      secret_hash: string | null;
    }[];
    for (const row of current) {
      const parsed = parseClientApplication(JSON.parse(row.resource), { hasStoredSecret: row.secret_hash !== null });
      expect(parsed.success, row.resource.slice(0, 500)).toBe(true);
      expect(JSON.parse(row.resource).id).toBe(row.id);
    }
    const history = app.db.prepare('SELECT resource FROM client_application_history WHERE resource IS NOT NULL').all() as { resource: string }[];
    for (const row of history) {
      const parsed = parseClientApplication(JSON.parse(row.resource), { hasStoredSecret: true });
      expect(parsed.success, row.resource.slice(0, 500)).toBe(true);
    }
    figures.stored = current.length;
    figures.versions = history.length;
    const total = figures.fhir + figures.oauth + figures.socket;
    expect(total).toBeGreaterThanOrEqual(10_000);
    const fiveHundreds = [...figures.byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const statuses = [...figures.byStatus].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`).join(' ');
    console.log(
      `[bad-input] ${total} generated requests (FHIR ${figures.fhir}, OAuth ${figures.oauth}, raw socket ${figures.socket}): ` +
        `${fiveHundreds} responses ≥ 500; statuses ${statuses}; store: ${figures.stored} current resources and ${figures.versions} versions, all pass the model`,
    );
  });
});

/** Sends raw bytes; the status of the first response line, or 'closed' when the server drops the connection. */
function rawRequest(port: number, raw: string): Promise<number | 'closed'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s to ${raw.slice(0, 80)}`));
    }, 10_000);
    const finish = () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      resolve(match ? Number(match[1]) : 'closed');
    };
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (/^HTTP\/1\.[01] \d{3}/.test(data)) {
        socket.destroy();
        finish();
      }
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    // Half-close: a request that promises more body than it sends ends here instead of waiting.
    socket.end(Buffer.from(raw, "latin1"));
  });
}
