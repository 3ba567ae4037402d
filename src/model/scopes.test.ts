import { describe, expect, it } from 'vitest';
import {
  LAUNCH_SCOPES,
  OIDC_SCOPES,
  canonicalizeScopeString,
  checkScopeField,
  describeScope,
  formatScope,
  isScopeWithin,
  parseScope,
  parseScopeString,
  scopesOutside,
  type Scope,
} from './scopes.ts';

function scope(token: string): Scope {
  const result = parseScope(token);
  if (!result.ok) throw new Error(`test setup: ${token} should parse: ${result.message}`);
  return result.scope;
}

function messageFor(token: string): string {
  const result = parseScope(token);
  if (result.ok) throw new Error(`test setup: ${token} should not parse`);
  return result.message;
}

describe('parseScope', () => {
  it.each(OIDC_SCOPES)('parses the OIDC scope %s', (token) => {
    expect(parseScope(token)).toEqual({ ok: true, scope: { kind: 'oidc', value: token } });
  });

  it.each(LAUNCH_SCOPES)('parses the launch scope %s', (token) => {
    expect(parseScope(token)).toEqual({ ok: true, scope: { kind: 'launch', value: token } });
  });

  it.each([
    ['patient/Observation.read', { context: 'patient', resourceType: 'Observation', permissions: 'rs', version: 1 }],
    ['user/*.write', { context: 'user', resourceType: '*', permissions: 'cud', version: 1 }],
    ['system/*.*', { context: 'system', resourceType: '*', permissions: 'cruds', version: 1 }],
    ['patient/Observation.rs', { context: 'patient', resourceType: 'Observation', permissions: 'rs', version: 2 }],
    ['user/Patient.cud', { context: 'user', resourceType: 'Patient', permissions: 'cud', version: 2 }],
    ['system/*.cruds', { context: 'system', resourceType: '*', permissions: 'cruds', version: 2 }],
    ['user/Patient.r', { context: 'user', resourceType: 'Patient', permissions: 'r', version: 2 }],
    ['user/ClientApplication.s', { context: 'user', resourceType: 'ClientApplication', permissions: 's', version: 2 }],
  ])('parses the clinical scope %s', (token, expected) => {
    expect(parseScope(token)).toEqual({ ok: true, scope: { kind: 'clinical', ...expected } });
  });

  it('keeps a v2 query restriction', () => {
    expect(scope('patient/Observation.rs?category=laboratory&status=final')).toEqual({
      kind: 'clinical',
      context: 'patient',
      resourceType: 'Observation',
      permissions: 'rs',
      version: 2,
      query: 'category=laboratory&status=final',
    });
  });

  it('accepts query values with URLs and token syntax', () => {
    expect(
      parseScope('patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory').ok,
    ).toBe(true);
  });

  it('rejects permissions out of the cruds order and says the canonical order', () => {
    expect(messageFor('patient/Observation.dus')).toBe(
      'Permissions must be a subset of c, r, u, d, s in that order, each at most once (did you mean "uds"?).',
    );
    expect(messageFor('patient/Observation.sr')).toMatch(/did you mean "rs"/);
  });

  it('rejects repeated permission letters', () => {
    expect(messageFor('patient/Observation.rr')).toMatch(/in that order, each at most once \(did you mean "r"\?\)/);
  });

  it.each(['patient/Observation.x', 'patient/Observation.', 'patient/Observation.readwrite', 'patient/Observation.READ'])(
    'rejects unknown permissions in %s',
    (token) => {
      expect(messageFor(token)).toMatch(/Permissions must be read, write or \*/);
    },
  );

  it('rejects an upper-case context', () => {
    expect(messageFor('Patient/Observation.rs')).toBe(
      'The context must be lower case: patient, user or system (did you mean "patient"?).',
    );
  });

  it('rejects an unknown context', () => {
    expect(messageFor('practitioner/Observation.rs')).toMatch(/context must be patient, user or system/);
  });

  it('rejects a resource type that does not start upper-case', () => {
    expect(messageFor('patient/observation.rs')).toMatch(/must start with an upper-case letter/);
    expect(messageFor('patient/1Observation.rs')).toMatch(/FHIR resource type name/);
    expect(messageFor('patient/.rs')).toMatch(/FHIR resource type name/);
  });

  it('rejects a missing permission part', () => {
    expect(messageFor('patient/Observation')).toMatch(/Missing permissions/);
  });

  it('is case-sensitive for launch scopes', () => {
    expect(messageFor('launch/Patient')).toMatch(/launch, launch\/patient or launch\/encounter \(lower case\)/);
    expect(messageFor('launch/practitioner')).toMatch(/Unknown launch scope/);
    expect(messageFor('Launch')).toMatch(/Unknown launch scope/);
  });

  it('is case-sensitive for OIDC scopes and suggests the right spelling', () => {
    expect(messageFor('OpenID')).toBe('Scopes are case-sensitive: did you mean "openid"?');
    expect(messageFor('fhiruser')).toMatch(/did you mean "fhirUser"/);
  });

  it('rejects unknown bare words', () => {
    expect(messageFor('admin')).toMatch(/Unknown scope/);
  });

  it('rejects empty tokens and tokens with whitespace', () => {
    expect(messageFor('')).toMatch(/empty/);
    expect(messageFor('openid profile')).toMatch(/spaces/);
  });

  describe('query restrictions', () => {
    it('rejects a query on v1 permissions', () => {
      expect(messageFor('patient/Observation.read?category=laboratory')).toBe(
        'Query restrictions (?…) need SMART v2 permissions such as .rs, not .read.',
      );
      expect(messageFor('user/*.*?x=1')).toMatch(/SMART v2/);
    });

    it('rejects an empty query', () => {
      expect(messageFor('patient/Observation.rs?')).toMatch(/empty/);
    });

    it.each([
      'patient/Observation.rs?category',
      'patient/Observation.rs?category=',
      'patient/Observation.rs?=laboratory',
      'patient/Observation.rs?a=1&&b=2',
      'patient/Observation.rs?a=1&',
      'patient/Observation.rs?a b=1',
      'patient/Observation.rs?na/me=1',
    ])('rejects the malformed query in %s', (token) => {
      expect(parseScope(token).ok).toBe(false);
    });

    it('accepts parameter names with modifiers and dotted chains', () => {
      expect(parseScope('patient/Observation.rs?code:in=http://vs.example.org/labs&subject.name=x').ok).toBe(true);
    });
  });
});

describe('parseScopeString', () => {
  it('parses every token and reports malformed ones with their index', () => {
    const result = parseScopeString('openid patient/Observation.dus launch/patient Patient/Observation.rs');
    expect(result.scopes.map(formatScope)).toEqual(['openid', 'launch/patient']);
    expect(result.errors.map(({ index, token }) => ({ index, token }))).toEqual([
      { index: 1, token: 'patient/Observation.dus' },
      { index: 3, token: 'Patient/Observation.rs' },
    ]);
  });

  it('is lenient about runs of whitespace, leading and trailing spaces', () => {
    const result = parseScopeString('  openid   profile\tuser/*.rs \n');
    expect(result.errors).toEqual([]);
    expect(result.scopes.map(formatScope)).toEqual(['openid', 'profile', 'user/*.rs']);
  });

  it('returns nothing for an empty string', () => {
    expect(parseScopeString('')).toEqual({ scopes: [], errors: [] });
  });
});

describe('formatScope and canonicalizeScopeString', () => {
  it.each([
    ['patient/Observation.read', 'patient/Observation.rs'],
    ['user/*.*', 'user/*.cruds'],
    ['user/*.write', 'user/*.cud'],
    ['system/Patient.rs', 'system/Patient.rs'],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs?category=laboratory'],
    ['openid', 'openid'],
    ['launch/patient', 'launch/patient'],
  ])('writes %s as %s', (input, canonical) => {
    expect(formatScope(scope(input))).toBe(canonical);
  });

  it('canonicalizes a whole scope string, single-spaced and without repeats', () => {
    expect(canonicalizeScopeString(' openid  patient/*.read patient/*.rs offline_access ')).toBe(
      'openid patient/*.rs offline_access',
    );
  });

  it('canonicalizes the portal example from the documentation', () => {
    expect(canonicalizeScopeString('openid profile email patient/*.read offline_access')).toBe(
      'openid profile email patient/*.rs offline_access',
    );
  });

  it('keeps malformed tokens verbatim rather than dropping them', () => {
    expect(canonicalizeScopeString('openid patient/Observation.dus')).toBe('openid patient/Observation.dus');
  });
});

describe('isScopeWithin', () => {
  const within: [string, string][] = [
    ['user/Patient.rs', 'user/*.cruds'],
    ['user/Patient.rs', 'user/*.*'],
    ['user/Patient.read', 'user/Patient.rs'],
    ['user/Patient.rs', 'user/Patient.read'],
    ['user/Patient.c', 'user/*.write'],
    ['user/Patient.rs', 'user/Patient.r user/Patient.s'],
    ['user/Patient.rs', 'user/Patient.r user/*.s'],
    ['patient/Observation.rs?category=laboratory', 'patient/Observation.rs'],
    ['patient/Observation.r?category=laboratory&status=final', 'patient/Observation.rs?status=final&category=laboratory'],
    ['system/*.cruds', 'system/*.*'],
    ['openid', 'openid profile'],
    ['launch/patient', 'launch/patient'],
  ];
  it.each(within)('%s is within %s', (requested, allowed) => {
    expect(isScopeWithin(scope(requested), parseScopeString(allowed).scopes)).toBe(true);
  });

  const outside: [string, string][] = [
    ['system/Patient.r', 'user/*.cruds'],
    ['patient/Patient.r', 'user/*.cruds'],
    ['user/Patient.rs', 'user/Patient.r'],
    ['user/Patient.c', 'user/*.read'],
    ['user/*.rs', 'user/Patient.cruds'],
    ['user/Observation.rs', 'user/Patient.cruds'],
    ['patient/Observation.rs', 'patient/Observation.rs?category=laboratory'],
    ['patient/Observation.rs?category=vital-signs', 'patient/Observation.rs?category=laboratory'],
    ['user/Patient.rs', 'user/Patient.r user/Observation.s'],
    ['email', 'openid profile'],
    ['launch', 'launch/patient'],
    ['launch/patient', 'launch'],
    ['openid', ''],
  ];
  it.each(outside)('%s is NOT within %s', (requested, allowed) => {
    expect(isScopeWithin(scope(requested), parseScopeString(allowed).scopes)).toBe(false);
  });
});

describe('scopesOutside', () => {
  it('lists the requested tokens the registration does not cover, as written', () => {
    expect(
      scopesOutside(
        'openid fhirUser user/Patient.read system/Patient.r patient/Observation.dus',
        'openid profile user/*.cruds',
      ),
    ).toEqual(['fhirUser', 'system/Patient.r', 'patient/Observation.dus']);
  });

  it('is empty when everything is covered', () => {
    expect(scopesOutside('openid patient/*.rs offline_access', 'openid profile email patient/*.read offline_access')).toEqual(
      [],
    );
  });

  it('ignores malformed tokens in the allowed list instead of letting them grant anything', () => {
    expect(scopesOutside('user/Patient.rs', 'user/Patient.sr')).toEqual(['user/Patient.rs']);
  });
});

describe('describeScope', () => {
  it.each([
    ['patient/Observation.rs', 'Read and search Observations for the patient in context'],
    ['system/*.cruds', 'Create, read, update, delete and search all resource types, as the backend system itself'],
    ['user/Patient.r', 'Read Patients the signed-in user can access'],
    ['user/*.write', 'Create, update and delete all resource types the signed-in user can access'],
    ['openid', 'Sign the user in (OpenID Connect)'],
    ['launch/patient', 'Ask for a patient to be selected at launch'],
    [
      'patient/Observation.rs?category=laboratory',
      'Read and search Observations matching category=laboratory for the patient in context',
    ],
  ])('describes %s as "%s"', (token, text) => {
    expect(describeScope(scope(token))).toBe(text);
  });

  it('explains offline_access as staying signed in with a refresh token', () => {
    expect(describeScope(scope('offline_access'))).toMatch(/^Stay signed in: get a refresh token/);
  });

  it.each([...OIDC_SCOPES, ...LAUNCH_SCOPES])('has a plain-language description for %s', (token) => {
    const text = describeScope(scope(token));
    expect(text).not.toBe(token);
    expect(text).toMatch(/^[A-Z]/);
  });
});

describe('checkScopeField', () => {
  it('returns nothing when the scope is absent or valid', () => {
    expect(checkScopeField(undefined)).toEqual([]);
    expect(checkScopeField('openid system/*.*')).toEqual([]);
  });

  it('reports one value issue per malformed token, naming it', () => {
    const issues = checkScopeField('openid patient/Observation.dus launch/Patient');
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'value', expression: ['ClientApplication.scope'] });
    expect(issues[0]?.diagnostics).toMatch(/^Scope "patient\/Observation\.dus" is not valid\. Permissions must be/);
    expect(issues[1]?.diagnostics).toMatch(/^Scope "launch\/Patient" is not valid\./);
  });

  it('uses the given expression', () => {
    expect(checkScopeField('bogus', 'scope')[0]?.expression).toEqual(['scope']);
  });
});
