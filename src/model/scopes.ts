import { issue, type OutcomeIssue } from './operation-outcome.ts';

// Scope grammar (SPEC §3): OpenID Connect scopes, SMART launch scopes and SMART clinical scopes,
// v1 (https://hl7.org/fhir/smart-app-launch/1.0.0/scopes-and-launch-context.html) and
// v2 (https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html).

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'online_access', 'fhirUser'] as const;
export const LAUNCH_SCOPES = ['launch', 'launch/patient', 'launch/encounter'] as const;

export type ScopeContext = 'patient' | 'user' | 'system';

export type Scope =
  | { kind: 'oidc'; value: string }
  | { kind: 'launch'; value: string }
  | {
      kind: 'clinical';
      context: ScopeContext;
      /** A resource type such as `Patient`, or `*` for all of them. */
      resourceType: string;
      /** Canonical SMART v2 permissions: a non-empty subset of `cruds`, in that order. */
      permissions: string;
      /** Which syntax the scope was written in; `formatScope` always writes v2. */
      version: 1 | 2;
      /** v2 query restriction without the leading `?`, e.g. `category=laboratory`. */
      query?: string;
    };

export type ClinicalScope = Extract<Scope, { kind: 'clinical' }>;

export type ParseScopeResult = { ok: true; scope: Scope } | { ok: false; message: string };

const CONTEXTS: readonly ScopeContext[] = ['patient', 'user', 'system'];
const CRUDS = 'cruds';
const V1_PERMISSIONS: Record<string, string> = { read: 'rs', write: 'cud', '*': 'cruds' };
const RESOURCE_TYPE = /^[A-Z][A-Za-z0-9]*$/;
const QUERY_PARAM = /^[A-Za-z0-9_\-.:]+=[^&]+$/;

function fail(message: string): ParseScopeResult {
  return { ok: false, message };
}

function isContext(value: string): value is ScopeContext {
  return (CONTEXTS as readonly string[]).includes(value);
}

function parsePermissions(perms: string, hasQuery: boolean): { permissions: string; version: 1 | 2 } | string {
  const v1 = V1_PERMISSIONS[perms];
  if (v1 !== undefined) {
    if (hasQuery) {
      return `Query restrictions (?…) need SMART v2 permissions such as .${v1}, not .${perms}.`;
    }
    return { permissions: v1, version: 1 };
  }
  if (perms.length > 0 && /^[cruds]+$/.test(perms)) {
    const canonical = [...CRUDS].filter((c) => perms.includes(c)).join('');
    if (canonical === perms) return { permissions: perms, version: 2 };
    return `Permissions must be a subset of c, r, u, d, s in that order, each at most once (did you mean "${canonical}"?).`;
  }
  return 'Permissions must be read, write or * (SMART v1), or a subset of c, r, u, d, s in that order (SMART v2, e.g. rs or cruds).';
}

function parseQuery(query: string): string | null {
  if (query.length === 0) {
    return 'The query restriction after "?" is empty: add param=value or remove the "?".';
  }
  for (const pair of query.split('&')) {
    if (!QUERY_PARAM.test(pair)) {
      return `The query restriction must be param=value pairs joined by "&" ("${pair}" is not).`;
    }
  }
  return null;
}

/** Parses one scope token. Case-sensitive, as OAuth scopes are (RFC 6749 §3.3). */
export function parseScope(token: string): ParseScopeResult {
  if (token.length === 0) return fail('A scope must not be empty.');
  if (/[\s\p{Cc}]/u.test(token)) return fail('A scope must not contain spaces or control characters.');

  if ((OIDC_SCOPES as readonly string[]).includes(token)) return { ok: true, scope: { kind: 'oidc', value: token } };
  if ((LAUNCH_SCOPES as readonly string[]).includes(token)) {
    return { ok: true, scope: { kind: 'launch', value: token } };
  }
  if (token.toLowerCase().startsWith('launch/') || token.toLowerCase() === 'launch') {
    return fail('Unknown launch scope: use launch, launch/patient or launch/encounter (lower case).');
  }
  const oidcCaseless = OIDC_SCOPES.find((s) => s.toLowerCase() === token.toLowerCase());
  if (oidcCaseless !== undefined) {
    return fail(`Scopes are case-sensitive: did you mean "${oidcCaseless}"?`);
  }

  const slash = token.indexOf('/');
  if (slash < 0) {
    return fail(
      'Unknown scope: expected an OpenID Connect scope (openid, profile, email, offline_access, online_access, fhirUser), a launch scope, or context/ResourceType.permissions such as patient/Observation.rs.',
    );
  }
  const context = token.slice(0, slash);
  if (!isContext(context)) {
    return fail(
      isContext(context.toLowerCase())
        ? `The context must be lower case: patient, user or system (did you mean "${context.toLowerCase()}"?).`
        : 'The context must be patient, user or system, as in patient/Observation.rs.',
    );
  }

  const rest = token.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot < 0) {
    return fail('Missing permissions: write the scope as context/ResourceType.permissions, e.g. user/Patient.rs.');
  }
  const resourceType = rest.slice(0, dot);
  if (resourceType !== '*' && !RESOURCE_TYPE.test(resourceType)) {
    return fail(
      resourceType.length > 0 && /^[a-z]/.test(resourceType)
        ? 'The resource type must start with an upper-case letter (e.g. Observation), or be * for all types.'
        : 'The resource type must be a FHIR resource type name (letters and digits, starting upper-case, e.g. Observation) or *.',
    );
  }

  const afterType = rest.slice(dot + 1);
  const questionMark = afterType.indexOf('?');
  const perms = questionMark < 0 ? afterType : afterType.slice(0, questionMark);
  const query = questionMark < 0 ? undefined : afterType.slice(questionMark + 1);

  const parsed = parsePermissions(perms, query !== undefined);
  if (typeof parsed === 'string') return fail(parsed);
  if (query !== undefined) {
    const problem = parseQuery(query);
    if (problem !== null) return fail(problem);
  }

  const scope: ClinicalScope =
    query === undefined
      ? { kind: 'clinical', context, resourceType, ...parsed }
      : { kind: 'clinical', context, resourceType, ...parsed, query };
  return { ok: true, scope };
}

export type ScopeStringError = { index: number; token: string; message: string };

/**
 * Parses a space-separated scope string (RFC 6749 §3.3). Runs of whitespace, and leading or
 * trailing whitespace, only separate tokens; `index` is the token's position among the tokens.
 */
export function parseScopeString(s: string): { scopes: Scope[]; errors: ScopeStringError[] } {
  const scopes: Scope[] = [];
  const errors: ScopeStringError[] = [];
  tokenize(s).forEach((token, index) => {
    const result = parseScope(token);
    if (result.ok) scopes.push(result.scope);
    else errors.push({ index, token, message: result.message });
  });
  return { scopes, errors };
}

function tokenize(s: string): string[] {
  return s.split(/\s+/).filter((t) => t.length > 0);
}

/** The canonical spelling: SMART v2 permissions (`patient/Observation.read` → `patient/Observation.rs`). */
export function formatScope(scope: Scope): string {
  if (scope.kind !== 'clinical') return scope.value;
  const base = `${scope.context}/${scope.resourceType}.${scope.permissions}`;
  return scope.query === undefined ? base : `${base}?${scope.query}`;
}

/**
 * Rewrites every well-formed token in canonical form, single-spaced and without repeats.
 * Malformed tokens are kept verbatim, so nothing is silently dropped; validation reports them.
 */
export function canonicalizeScopeString(s: string): string {
  const out: string[] = [];
  for (const token of tokenize(s)) {
    const result = parseScope(token);
    const canonical = result.ok ? formatScope(result.scope) : token;
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out.join(' ');
}

function normalizeQuery(query: string): string {
  return query.split('&').sort().join('&');
}

function clinicalCovers(allowed: ClinicalScope, requested: ClinicalScope): boolean {
  if (allowed.context !== requested.context) return false;
  if (allowed.resourceType !== '*' && allowed.resourceType !== requested.resourceType) return false;
  // An unrestricted grant covers any restriction of it; a restricted one only the same restriction.
  if (allowed.query === undefined) return true;
  return requested.query !== undefined && normalizeQuery(allowed.query) === normalizeQuery(requested.query);
}

/**
 * Is `requested` within what `allowed` grants (SPEC §3)? Semantic, not textual:
 * `user/Patient.rs` is within `user/*.cruds` and within `user/Patient.r user/Patient.s`.
 * The context must match exactly: `system/…` is never within `user/…`.
 */
export function isScopeWithin(requested: Scope, allowed: readonly Scope[]): boolean {
  if (requested.kind !== 'clinical') {
    return allowed.some((a) => a.kind === requested.kind && a.value === requested.value);
  }
  // Permissions may be granted piecemeal by several scopes covering the same resources.
  let granted = '';
  for (const a of allowed) {
    if (a.kind === 'clinical' && clinicalCovers(a, requested)) granted += a.permissions;
  }
  return [...requested.permissions].every((p) => granted.includes(p));
}

/** The tokens of `requested` that `allowed` does not cover; malformed tokens always count as outside. */
export function scopesOutside(requested: string, allowed: string): string[] {
  const allowedScopes = parseScopeString(allowed).scopes;
  const outside: string[] = [];
  for (const token of tokenize(requested)) {
    const result = parseScope(token);
    if ((!result.ok || !isScopeWithin(result.scope, allowedScopes)) && !outside.includes(token)) {
      outside.push(token);
    }
  }
  return outside;
}

const OIDC_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign the user in (OpenID Connect)',
  profile: "See the user's basic profile, such as their name",
  email: "See the user's email address",
  offline_access: 'Stay signed in: get a refresh token that keeps working after the user leaves the app',
  online_access: 'Stay signed in while the user is active: get a refresh token that stops working when they sign out',
  fhirUser: 'Know which FHIR record (Practitioner, Patient, …) represents the signed-in user',
};

const LAUNCH_DESCRIPTIONS: Record<string, string> = {
  launch: 'Receive the context of the EHR session the app is launched from',
  'launch/patient': 'Ask for a patient to be selected at launch',
  'launch/encounter': 'Ask for an encounter to be selected at launch',
};

const PERMISSION_VERBS: Record<string, string> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};

function joinWithAnd(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Plain-language description for consent screens and the console, e.g. "Read Patients the signed-in user can access". */
export function describeScope(scope: Scope): string {
  if (scope.kind === 'oidc') return OIDC_DESCRIPTIONS[scope.value] ?? scope.value;
  if (scope.kind === 'launch') return LAUNCH_DESCRIPTIONS[scope.value] ?? scope.value;

  const verbs = joinWithAnd([...scope.permissions].map((p) => PERMISSION_VERBS[p] ?? p));
  const action = verbs.charAt(0).toUpperCase() + verbs.slice(1);
  const types = scope.resourceType === '*' ? 'all resource types' : `${scope.resourceType}s`;
  const target = scope.query === undefined ? types : `${types} matching ${scope.query.split('&').join(' and ')}`;
  const whose =
    scope.context === 'patient'
      ? `${target} for the patient in context`
      : scope.context === 'user'
        ? `${target} the signed-in user can access`
        : `${target}, as the backend system itself`;
  return `${action} ${whose}`;
}

/** One `value` issue per malformed token of a ClientApplication's `scope`, naming the token and why. */
export function checkScopeField(scope: string | undefined, expression = 'ClientApplication.scope'): OutcomeIssue[] {
  if (scope === undefined) return [];
  return parseScopeString(scope).errors.map((e) =>
    issue('value', `Scope "${e.token}" is not valid. ${e.message}`, expression),
  );
}
