import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ClientApplicationSchema,
  ContactPointSchema,
  FHIR_ID_PATTERN,
  GRANT_TYPES,
  GrantTypeSchema,
  MetaSchema,
  ResponseTypeSchema,
  SECRET_TAG,
  checkClientApplicationRules,
  hasSecretTag,
  isFhirId,
  parseClientApplication,
  zodIssuesToOutcomeIssues,
  type ClientApplication,
} from './client-application.ts';
import type { OutcomeIssue } from './operation-outcome.ts';
import { CLI_EXAMPLE, PORTAL_EXAMPLE } from '../test-support/documentation-examples.ts';


const WEB_APP = {
  resourceType: 'ClientApplication',
  name: 'Web app',
  grantType: ['authorization_code'],
  responseTypes: 'code',
  redirectUri: ['https://app.example.com/callback'],
};

function failure(input: unknown, context?: { hasStoredSecret?: boolean }) {
  const result = parseClientApplication(input, context);
  if (result.success) throw new Error('expected parseClientApplication to fail');
  return result;
}

function expressions(issues: OutcomeIssue[]): string[] {
  return issues.flatMap((i) => i.expression ?? []);
}

describe('constants and helpers', () => {
  it('lists the four Haste Health grant types', () => {
    expect(GRANT_TYPES).toEqual(['client_credentials', 'authorization_code', 'refresh_token', 'basic_auth']);
    expect(GrantTypeSchema.safeParse('implicit').success).toBe(false);
    expect(GrantTypeSchema.safeParse('basic_auth').success).toBe(true);
  });

  it('accepts only code and token as response type', () => {
    expect(ResponseTypeSchema.safeParse('code').success).toBe(true);
    expect(ResponseTypeSchema.safeParse('token').success).toBe(true);
    expect(ResponseTypeSchema.safeParse('id_token').success).toBe(false);
  });

  it.each(['cli', 'patient-portal', 'a.b-C9', 'x'.repeat(64)])('isFhirId accepts %s', (id) => {
    expect(isFhirId(id)).toBe(true);
  });

  it.each(['', 'x'.repeat(65), 'has space', 'under_score', 'slash/id', 'ünicode'])('isFhirId rejects %j', (id) => {
    expect(isFhirId(id)).toBe(false);
    expect(FHIR_ID_PATTERN.test(id)).toBe(false);
  });

  it('hasSecretTag finds the secret-set tag by system and code', () => {
    expect(hasSecretTag({ meta: { tag: [{ system: SECRET_TAG.system, code: SECRET_TAG.code }] } })).toBe(true);
    expect(hasSecretTag({ meta: { tag: [{ ...SECRET_TAG }, { system: 'x', code: 'y' }] } })).toBe(true);
  });

  it('hasSecretTag is false without the tag or with a look-alike', () => {
    expect(hasSecretTag({})).toBe(false);
    expect(hasSecretTag({ meta: {} })).toBe(false);
    expect(hasSecretTag({ meta: { tag: [{ code: 'secret-set' }] } })).toBe(false);
    expect(hasSecretTag({ meta: { tag: [{ system: SECRET_TAG.system, code: 'other' }] } })).toBe(false);
  });
});

describe('MetaSchema and ContactPointSchema', () => {
  it('accepts server-set meta with the secret tag', () => {
    expect(
      MetaSchema.safeParse({
        versionId: '3',
        lastUpdated: '2024-05-01T10:00:00.000Z',
        tag: [SECRET_TAG],
        security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HTEST', userSelected: false }],
        profile: ['https://haste.health/fhir/StructureDefinition/ClientApplication'],
      }).success,
    ).toBe(true);
  });

  it('rejects unknown keys in meta and codings', () => {
    expect(MetaSchema.safeParse({ versionId: '1', extension: [] }).success).toBe(false);
    expect(MetaSchema.safeParse({ tag: [{ code: 'x', colour: 'red' }] }).success).toBe(false);
  });

  it('accepts a FHIR R4 ContactPoint', () => {
    expect(
      ContactPointSchema.safeParse({
        system: 'email',
        value: 'ops@example.com',
        use: 'work',
        rank: 1,
        period: { start: '2024-01-01' },
      }).success,
    ).toBe(true);
  });

  it.each([
    { system: 'telegram', value: 'x' },
    { use: 'office' },
    { rank: 0 },
    { rank: 1.5 },
    { value: 'x', extra: true },
    { period: { start: '2024', duration: 1 } },
  ])('rejects the invalid ContactPoint %j', (contact) => {
    expect(ContactPointSchema.safeParse(contact).success).toBe(false);
  });
});

describe('parseClientApplication: documentation examples (SPEC §2)', () => {
  it('accepts the CLI backend client verbatim', () => {
    const result = parseClientApplication(CLI_EXAMPLE);
    expect(result).toEqual({ success: true, data: CLI_EXAMPLE });
  });

  it('accepts the patient portal verbatim', () => {
    const result = parseClientApplication(PORTAL_EXAMPLE);
    expect(result).toEqual({ success: true, data: PORTAL_EXAMPLE });
  });

  it('accepts a full resource with every optional field', () => {
    const full = {
      ...PORTAL_EXAMPLE,
      meta: { versionId: '2', lastUpdated: '2024-05-01T10:00:00Z', tag: [SECRET_TAG] },
      description: 'Lets patients see their results.\nMaintained by the portal team.',
      secret: 'x'.repeat(43),
      uri: 'https://portal.example.com',
      tosUri: 'https://portal.example.com/tos',
      policyUri: 'https://portal.example.com/privacy',
      contact: { system: 'email', value: 'portal@example.com' },
    };
    expect(parseClientApplication(full)).toEqual({ success: true, data: full });
  });
});

describe('parseClientApplication: structure → 400', () => {
  it.each([null, [], 'ClientApplication', 42, true, undefined])('rejects the non-object body %j', (body) => {
    const result = failure(body);
    expect(result.status).toBe(400);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ code: 'structure' });
    expect(result.issues[0]?.diagnostics).toMatch(/^The body must be a JSON object \(a ClientApplication resource\), not /);
  });

  it('names each unknown field in its own issue', () => {
    const result = failure({ ...WEB_APP, extension: [{ url: 'x' }], text: { status: 'generated' } });
    expect(result.status).toBe(400);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'structure',
        diagnostics: 'Unknown field "extension": the ClientApplication profile is strict and does not define it.',
        expression: ['ClientApplication.extension'],
      },
      {
        severity: 'error',
        code: 'structure',
        diagnostics: 'Unknown field "text": the ClientApplication profile is strict and does not define it.',
        expression: ['ClientApplication.text'],
      },
    ]);
  });

  it('rejects contained resources', () => {
    expect(expressions(failure({ ...WEB_APP, contained: [] }).issues)).toEqual(['ClientApplication.contained']);
  });

  it('names unknown nested fields by their full path', () => {
    const result = failure({ ...WEB_APP, meta: { versionId: '1', foo: 1 } });
    expect(result.issues[0]).toMatchObject({
      code: 'structure',
      expression: ['ClientApplication.meta.foo'],
      diagnostics: 'Unknown field "foo": ClientApplication.meta does not define it.',
    });
  });

  it('rejects an empty grantType list', () => {
    const result = failure({ ...WEB_APP, grantType: [] });
    expect(result.status).toBe(400);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'structure',
        diagnostics: 'Choose at least one grant type.',
        expression: ['ClientApplication.grantType'],
      },
    ]);
  });

  it('rejects an unknown grant type at its index', () => {
    const result = failure({ ...WEB_APP, grantType: ['authorization_code', 'implicit'] });
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'structure', expression: ['ClientApplication.grantType[1]'] }),
    ]);
    expect(result.issues[0]?.diagnostics).toMatch(/Unknown grant type "implicit"/);
  });

  it('rejects a duplicated grant type on the later index', () => {
    const result = failure({ ...WEB_APP, grantType: ['authorization_code', 'refresh_token', 'authorization_code'] });
    expect(result.status).toBe(400);
    expect(expressions(result.issues)).toEqual(['ClientApplication.grantType[2]']);
    expect(result.issues[0]?.diagnostics).toBe('Grant type "authorization_code" is listed more than once.');
  });

  it('rejects grantType given as a single string', () => {
    const result = failure({ ...WEB_APP, grantType: 'authorization_code' });
    expect(result.issues[0]).toMatchObject({ code: 'structure', expression: ['ClientApplication.grantType'] });
    expect(result.issues[0]?.diagnostics).toMatch(/must be a list of grant types/);
  });

  it('rejects responseTypes as an array, explaining it is a single code', () => {
    const result = failure({ ...WEB_APP, responseTypes: ['code'] });
    expect(result.status).toBe(400);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'structure',
        diagnostics: 'responseTypes is a single code, "code" or "token", not an array (despite the plural name).',
        expression: ['ClientApplication.responseTypes'],
      },
    ]);
  });

  it('rejects an unknown response type', () => {
    const result = failure({ ...WEB_APP, responseTypes: 'id_token' });
    expect(result.issues[0]).toMatchObject({
      code: 'structure',
      diagnostics: 'responseTypes must be "code" or "token".',
      expression: ['ClientApplication.responseTypes'],
    });
  });

  it('reports every missing required field as required', () => {
    const result = failure({});
    expect(result.status).toBe(400);
    expect(result.issues.map((i) => [i.code, i.expression?.[0]])).toEqual([
      ['required', 'ClientApplication.resourceType'],
      ['required', 'ClientApplication.name'],
      ['required', 'ClientApplication.grantType'],
      ['required', 'ClientApplication.responseTypes'],
    ]);
    expect(result.issues[1]?.diagnostics).toBe('Name is required.');
  });

  it('treats null as a wrong type, not as missing', () => {
    const result = failure({ ...WEB_APP, name: null });
    expect(result.issues[0]).toMatchObject({ code: 'structure', diagnostics: 'Name must be a string.' });
  });

  it('rejects another resource type', () => {
    const result = failure({ ...WEB_APP, resourceType: 'Patient' });
    expect(result.issues[0]).toMatchObject({
      code: 'structure',
      diagnostics: 'resourceType must be "ClientApplication".',
      expression: ['ClientApplication.resourceType'],
    });
  });

  it.each([
    ['', 'Name must not be empty: leave it out instead.'],
    ['   ', 'Name must not be blank.'],
    ['x'.repeat(201), 'Name must be at most 200 characters.'],
    ['Two\nlines', 'Name must be a single line without tabs or other control characters.'],
    ['Bell\u0007', 'Name must be a single line without tabs or other control characters.'],
  ])('rejects the name %j with one clear issue', (name, message) => {
    const result = failure({ ...WEB_APP, name });
    expect(result.issues).toEqual([
      { severity: 'error', code: 'structure', diagnostics: message, expression: ['ClientApplication.name'] },
    ]);
  });

  it('accepts a 200-character name', () => {
    expect(parseClientApplication({ ...WEB_APP, name: 'x'.repeat(200) }).success).toBe(true);
  });

  it('allows line breaks in the description but limits its length', () => {
    expect(parseClientApplication({ ...WEB_APP, description: 'One.\nTwo.\tThree.' }).success).toBe(true);
    expect(parseClientApplication({ ...WEB_APP, description: 'x'.repeat(2000) }).success).toBe(true);
    expect(expressions(failure({ ...WEB_APP, description: 'x'.repeat(2001) }).issues)).toEqual([
      'ClientApplication.description',
    ]);
    expect(failure({ ...WEB_APP, description: 'nul\u0000' }).issues[0]?.diagnostics).toBe(
      'Description must not contain control characters.',
    );
  });

  it.each(['bad id', 'x'.repeat(65), 'under_score', ''])('rejects the id %j', (id) => {
    const result = failure({ ...WEB_APP, id });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'structure', expression: ['ClientApplication.id'] })]);
  });

  it('rejects a too-short or too-long secret without echoing it', () => {
    const short = failure({ ...WEB_APP, secret: 'tiny' });
    expect(short.issues[0]).toMatchObject({
      diagnostics: 'The client secret must be at least 8 characters.',
      expression: ['ClientApplication.secret'],
    });
    expect(JSON.stringify(short.issues)).not.toContain('tiny');
    const long = failure({ ...WEB_APP, secret: 's'.repeat(513) });
    expect(long.issues[0]?.diagnostics).toBe('The client secret must be at most 512 characters.');
  });

  it('accepts an empty redirectUri list structurally (nothing registered)', () => {
    expect(parseClientApplication({ ...WEB_APP, grantType: ['client_credentials'], secret: 's'.repeat(43), redirectUri: [] }).success).toBe(true);
  });

  it('rejects a non-string redirect URI at its index', () => {
    const result = failure({ ...WEB_APP, redirectUri: ['https://a.example.com/cb', 42] });
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'structure', expression: ['ClientApplication.redirectUri[1]'] }),
    ]);
  });

  it('rejects over-long URIs and scope structurally', () => {
    const longUri = `https://a.example.com/${'x'.repeat(2048)}`;
    expect(expressions(failure({ ...WEB_APP, logoUri: longUri }).issues)).toEqual(['ClientApplication.logoUri']);
    expect(expressions(failure({ ...WEB_APP, scope: `openid ${'x'.repeat(4000)}` }).issues)).toEqual([
      'ClientApplication.scope',
    ]);
  });

  it('rejects an invalid contact at its nested path', () => {
    const result = failure({ ...WEB_APP, contact: { system: 'email', rank: -1 } });
    expect(result.issues).toEqual([expect.objectContaining({ expression: ['ClientApplication.contact.rank'] })]);
  });

  it('reports structure before rules: no 422 issues while the body is malformed', () => {
    const result = failure({ ...WEB_APP, redirectUri: undefined, extension: [] });
    expect(result.status).toBe(400);
    expect(expressions(result.issues)).toEqual(['ClientApplication.extension']);
  });
});

describe('parseClientApplication: rules → 422', () => {
  it('requires a redirect URI for authorization_code', () => {
    const { redirectUri: _omit, ...noRedirect } = WEB_APP;
    const result = failure(noRedirect);
    expect(result.status).toBe(422);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'invariant',
        diagnostics:
          'The authorization code grant needs at least one redirect URI: add the address your app receives sign-in responses at, or remove authorization_code.',
        expression: ['ClientApplication.redirectUri'],
      },
    ]);
  });

  it('treats an empty redirectUri list like a missing one', () => {
    expect(failure({ ...WEB_APP, redirectUri: [] }).status).toBe(422);
  });

  it('rejects refresh_token without authorization_code', () => {
    const result = failure({
      ...CLI_EXAMPLE,
      grantType: ['client_credentials', 'refresh_token'],
    });
    expect(result.status).toBe(422);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'invariant',
        diagnostics: 'Refresh tokens need the authorization code grant: add authorization_code or remove refresh_token.',
        expression: ['ClientApplication.grantType'],
      },
    ]);
  });

  it('requires a secret for client_credentials', () => {
    const { secret: _omit, ...noSecret } = CLI_EXAMPLE;
    const result = failure(noSecret);
    expect(result.status).toBe(422);
    expect(result.issues).toEqual([
      {
        severity: 'error',
        code: 'invariant',
        diagnostics: 'The client_credentials grant needs a client secret: generate a secret, or remove client_credentials.',
        expression: ['ClientApplication.secret'],
      },
    ]);
  });

  it('accepts client_credentials without a secret in the body when the server stores one (PUT keeps it)', () => {
    const { secret: _omit, ...noSecret } = CLI_EXAMPLE;
    expect(parseClientApplication(noSecret, { hasStoredSecret: true })).toEqual({ success: true, data: noSecret });
    expect(parseClientApplication(noSecret, { hasStoredSecret: false }).success).toBe(false);
  });

  it('requires a secret for basic_auth, and names both grants when both need one', () => {
    const basic = failure({ ...WEB_APP, grantType: ['basic_auth'] });
    expect(basic.issues[0]?.diagnostics).toBe(
      'The basic_auth grant needs a client secret: generate a secret, or remove basic_auth.',
    );
    const both = failure({ ...WEB_APP, grantType: ['client_credentials', 'basic_auth'] });
    expect(both.issues).toHaveLength(1);
    expect(both.issues[0]?.diagnostics).toBe(
      'The client_credentials and basic_auth grants need a client secret: generate a secret, or remove client_credentials or basic_auth.',
    );
  });

  it('lets a public authorization_code client have no secret, and a confidential one have one', () => {
    expect(parseClientApplication(WEB_APP).success).toBe(true);
    expect(parseClientApplication({ ...WEB_APP, secret: 'x'.repeat(43) }).success).toBe(true);
  });

  it('names the exact redirect URI entry that breaks a rule', () => {
    const result = failure({
      ...WEB_APP,
      redirectUri: ['https://a.example.com/cb', 'http://127.0.0.1:5555/cb', 'https://a.example.com/cb#frag'],
    });
    expect(result.status).toBe(422);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'value', expression: ['ClientApplication.redirectUri[2]'] }),
    ]);
  });

  it('rejects six redirect URIs', () => {
    const six = Array.from({ length: 6 }, (_, i) => `https://a.example.com/cb${i}`);
    const result = failure({ ...WEB_APP, redirectUri: six });
    expect(result.status).toBe(422);
    expect(expressions(result.issues)).toEqual(['ClientApplication.redirectUri']);
  });

  it('rejects duplicate redirect URIs', () => {
    const result = failure({ ...WEB_APP, redirectUri: ['https://a.example.com/cb', 'https://a.example.com/cb'] });
    expect(result.status).toBe(422);
    expect(expressions(result.issues)).toEqual(['ClientApplication.redirectUri[1]']);
  });

  it.each([
    ['javascript:alert(1)', /never allowed/],
    ['https://*.example.com/cb', /Wildcards/],
    ['/callback', /absolute/],
    ['myapp://cb', /must contain a dot/],
    ['http://app.example.com/cb', /loopback/],
  ])('rejects the redirect URI %s', (uri, message) => {
    const result = failure({ ...WEB_APP, redirectUri: [uri] });
    expect(result.status).toBe(422);
    expect(result.issues[0]?.expression).toEqual(['ClientApplication.redirectUri[0]']);
    expect(result.issues[0]?.diagnostics).toMatch(message);
  });

  it.each(['http://127.0.0.1:5555/cb', 'http://[::1]/cb', 'com.example.app:/cb'])(
    'accepts the native-app redirect URI %s',
    (uri) => {
      expect(parseClientApplication({ ...WEB_APP, redirectUri: [uri] }).success).toBe(true);
    },
  );

  it('rejects an http display URI', () => {
    const result = failure({ ...PORTAL_EXAMPLE, logoUri: 'http://portal.example.com/logo.png' });
    expect(result.status).toBe(422);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'value', expression: ['ClientApplication.logoUri'] }),
    ]);
  });

  it.each(['patient/Observation.dus', 'Patient/Observation.rs', 'launch/Patient'])(
    'rejects the malformed scope %s, naming it',
    (token) => {
      const result = failure({ ...PORTAL_EXAMPLE, scope: `openid ${token}` });
      expect(result.status).toBe(422);
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]).toMatchObject({ code: 'value', expression: ['ClientApplication.scope'] });
      expect(result.issues[0]?.diagnostics).toContain(`"${token}"`);
    },
  );

  it('reports every rule violation at once', () => {
    const result = failure({
      resourceType: 'ClientApplication',
      name: 'Everything wrong',
      grantType: ['refresh_token', 'client_credentials'],
      responseTypes: 'code',
      redirectUri: ['myapp://cb'],
      tosUri: 'http://x.example.com/tos',
      scope: 'openid user/*.rr',
    });
    expect(result.status).toBe(422);
    expect(expressions(result.issues)).toEqual([
      'ClientApplication.grantType',
      'ClientApplication.secret',
      'ClientApplication.redirectUri[0]',
      'ClientApplication.tosUri',
      'ClientApplication.scope',
    ]);
  });
});

describe('secrets never appear in issues', () => {
  const SECRET = 'S3cr3t-Value-That-Must-Not-Leak';
  it.each([
    ['a rule failure', { ...WEB_APP, secret: SECRET, redirectUri: ['myapp://cb'], scope: 'bogus' }],
    ['a structural failure', { ...WEB_APP, secret: SECRET, extension: [], name: '' }],
    ['a secret of the wrong type', { ...WEB_APP, secret: [SECRET] }],
    ['a secret in an unknown field', { ...WEB_APP, secret: SECRET, clientSecret: SECRET }],
  ])('in %s', (_label, body) => {
    const result = failure(body);
    expect(result.issues.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.issues)).not.toContain(SECRET);
  });
});

describe('checkClientApplicationRules', () => {
  const base: ClientApplication = {
    resourceType: 'ClientApplication',
    name: 'Backend',
    grantType: ['client_credentials'],
    responseTypes: 'token',
  };

  it('uses hasSecret as given: the caller decides whether a stored secret counts', () => {
    expect(checkClientApplicationRules(base, { hasSecret: true })).toEqual([]);
    expect(expressions(checkClientApplicationRules(base, { hasSecret: false }))).toEqual(['ClientApplication.secret']);
  });

  it('does not require a secret for authorization_code-only clients', () => {
    const app: ClientApplication = { ...base, grantType: ['authorization_code'], redirectUri: ['https://a.example.com/cb'] };
    expect(checkClientApplicationRules(app, { hasSecret: false })).toEqual([]);
  });
});

describe('ClientApplicationSchema', () => {
  it('is strict and requires resourceType', () => {
    expect(ClientApplicationSchema.safeParse({ ...WEB_APP, text: {} }).success).toBe(false);
    const { resourceType: _omit, ...noType } = WEB_APP;
    expect(ClientApplicationSchema.safeParse(noType).success).toBe(false);
  });

  it('does not apply the rules itself (they are 422s, not structure)', () => {
    const six = Array.from({ length: 6 }, (_, i) => `myapp://cb${i}`);
    expect(ClientApplicationSchema.safeParse({ ...WEB_APP, redirectUri: six, grantType: ['refresh_token'] }).success).toBe(
      true,
    );
  });
});

describe('zodIssuesToOutcomeIssues', () => {
  const Body = z.strictObject({ name: z.string(), tags: z.array(z.string()).optional() });

  it('maps paths to FHIRPath expressions under the given root', () => {
    const error = Body.safeParse({ name: 'x', tags: ['a', 7] }).error;
    if (!error) throw new Error('expected an error');
    expect(zodIssuesToOutcomeIssues(error, 'Parameters')).toEqual([
      expect.objectContaining({ code: 'structure', expression: ['Parameters.tags[1]'] }),
    ]);
  });

  it('recognises a missing field from zod’s default message when no input is given', () => {
    const error = Body.safeParse({}).error;
    if (!error) throw new Error('expected an error');
    expect(zodIssuesToOutcomeIssues(error, 'Parameters')).toEqual([
      { severity: 'error', code: 'required', diagnostics: 'Missing required field "name".', expression: ['Parameters.name'] },
    ]);
  });

  it('recognises a missing field from the input when given', () => {
    // A missing enum is reported by zod as invalid_value, so only the input tells "missing" from "wrong".
    const Enumish = z.strictObject({ mode: z.enum(['a', 'b']) });
    const missing = Enumish.safeParse({}).error;
    const wrong = Enumish.safeParse({ mode: 'c' }).error;
    if (!missing || !wrong) throw new Error('expected errors');
    expect(zodIssuesToOutcomeIssues(missing, 'X', {})[0]?.code).toBe('required');
    expect(zodIssuesToOutcomeIssues(wrong, 'X', { mode: 'c' })[0]?.code).toBe('structure');
  });

  it('splits unknown keys into one issue each', () => {
    const error = Body.safeParse({ name: 'x', a: 1, b: 2 }).error;
    if (!error) throw new Error('expected an error');
    expect(expressions(zodIssuesToOutcomeIssues(error, 'Parameters'))).toEqual(['Parameters.a', 'Parameters.b']);
  });
});
