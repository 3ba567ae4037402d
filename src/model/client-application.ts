import { z } from 'zod';
import { checkDisplayUris } from './display-uri.ts';
import { fhirPath, issue, type OutcomeIssue } from './operation-outcome.ts';
import { checkRedirectUris } from './redirect-uri.ts';
import { checkScopeField } from './scopes.ts';

// The Haste Health `ClientApplication` resource (SPEC §2). The schema is structural only
// (types, cardinalities, unknown keys → 400); the cross-field and value rules of SPEC §5 live in
// `checkClientApplicationRules` (→ 422). Messages are written for the admin filling in the form
// and never contain the value of `secret`.

export const GRANT_TYPES = ['client_credentials', 'authorization_code', 'refresh_token', 'basic_auth'] as const;
export const GRANT_TYPE_SYSTEM = 'https://haste.health/fhir/CodeSystem/ClientApplicationGrantType';
export const GrantTypeSchema = z.enum(GRANT_TYPES, {
  error: (iss) =>
    typeof iss.input === 'string'
      ? `Unknown grant type "${iss.input}": use client_credentials, authorization_code, refresh_token or basic_auth.`
      : 'Each grant type must be one of client_credentials, authorization_code, refresh_token or basic_auth.',
});
export type GrantType = z.infer<typeof GrantTypeSchema>;

/** Grants with which the client authenticates itself, so it must hold a secret (SPEC §5). */
const GRANTS_NEEDING_SECRET: readonly GrantType[] = ['client_credentials', 'basic_auth'];

export const RESPONSE_TYPES = ['code', 'token'] as const;
export const ResponseTypeSchema = z.enum(RESPONSE_TYPES, {
  error: (iss) =>
    iss.input === undefined
      ? 'responseTypes is required: "code" or "token".'
      : Array.isArray(iss.input)
        ? 'responseTypes is a single code, "code" or "token", not an array (despite the plural name).'
        : 'responseTypes must be "code" or "token".',
});
export type ResponseType = z.infer<typeof ResponseTypeSchema>;

/** FHIR `id` grammar (https://hl7.org/fhir/R4/datatypes.html#id). The id is also the OAuth client_id. */
export const FHIR_ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function isFhirId(s: string): boolean {
  return FHIR_ID_PATTERN.test(s);
}

/** The `meta.tag` our server sets when a secret is stored, since the secret itself is never returned (SPEC §4). */
export const SECRET_TAG = {
  system: 'https://client-admin.dev/fhir/CodeSystem/client-secret',
  code: 'secret-set',
  display: 'Client secret set',
} as const;

export function hasSecretTag(resource: {
  meta?: { tag?: readonly { system?: string; code?: string }[] };
}): boolean {
  return resource.meta?.tag?.some((t) => t.system === SECRET_TAG.system && t.code === SECRET_TAG.code) ?? false;
}

// --- Structural building blocks -------------------------------------------------------------

const REQUIRED = 'is required';
// Control characters other than tab, line feed and carriage return (FHIR R4 `string`).
const CONTROL_EXCEPT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;
const ANY_CONTROL = /\p{Cc}/u;

function stringOf(label: string) {
  return z.string({
    error: (iss) => (iss.input === undefined ? `${label} ${REQUIRED}.` : `${label} must be a string.`),
  });
}

/**
 * A FHIR string with content: JSON FHIR forbids empty strings (leave the field out instead) and
 * requires non-whitespace content (https://hl7.org/fhir/R4/datatypes.html#string).
 */
function text(label: string, max: number, options: { singleLine?: boolean; min?: number } = {}) {
  const min = options.min ?? 1;
  return stringOf(label)
    .min(min, {
      error: min === 1 ? `${label} must not be empty: leave it out instead.` : `${label} must be at least ${min} characters.`,
      abort: true,
    })
    .max(max, { error: `${label} must be at most ${max} characters.`, abort: true })
    .refine((s) => /\S/.test(s), { error: `${label} must not be blank.`, abort: true })
    .refine((s) => !(options.singleLine ? ANY_CONTROL : CONTROL_EXCEPT_LINE_BREAKS).test(s), {
      error: options.singleLine
        ? `${label} must be a single line without tabs or other control characters.`
        : `${label} must not contain control characters.`,
    });
}

// The structural schemas are built on first use, not when this module loads: they are ~110 zod
// schema objects, 12-14 ms of a browser's main thread, which on a console page load fell in the
// middle of its sign-in (issue 6). `prepareClientApplicationSchemas` builds them ahead of use, for
// a page that has a moment with nothing else to do. Each export is a `z.lazy` of the one build.
let built: ReturnType<typeof buildSchemas> | undefined;
function schemas() {
  return (built ??= buildSchemas());
}

/** Builds the schemas now, if they are not built yet (they are otherwise built by their first parse). */
export function prepareClientApplicationSchemas(): void {
  schemas();
}

export const CodingSchema = z.lazy(() => schemas().coding);
export type Coding = z.infer<typeof CodingSchema>;

export const MetaSchema = z.lazy(() => schemas().meta);
export type Meta = z.infer<typeof MetaSchema>;

/** FHIR R4 ContactPoint (https://hl7.org/fhir/R4/datatypes.html#ContactPoint). */
export const ContactPointSchema = z.lazy(() => schemas().contactPoint);
export type ContactPoint = z.infer<typeof ContactPointSchema>;

export const ClientApplicationSchema = z.lazy(() => schemas().clientApplication);

function buildSchemas() {
  const coding = z.strictObject({
    system: z.string().optional(),
    version: z.string().optional(),
    code: z.string().optional(),
    display: z.string().optional(),
    userSelected: z.boolean().optional(),
  });

  const meta = z.strictObject({
    versionId: z.string().optional(),
    lastUpdated: z.string().optional(),
    source: z.string().optional(),
    profile: z.array(z.string()).optional(),
    security: z.array(coding).optional(),
    tag: z.array(coding).optional(),
  });

  const contactPoint = z.strictObject({
    system: z
      .enum(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'], {
        error: 'Contact system must be one of phone, fax, email, pager, url, sms or other.',
      })
      .optional(),
    value: text('Contact value', 2048).optional(),
    use: z
      .enum(['home', 'work', 'temp', 'old', 'mobile'], {
        error: 'Contact use must be one of home, work, temp, old or mobile.',
      })
      .optional(),
    rank: z
      .number({ error: 'Contact rank must be a number.' })
      .int({ error: 'Contact rank must be a whole number.' })
      .positive({ error: 'Contact rank must be 1 or more.' })
      .optional(),
    period: z
      .strictObject({
        start: z.string().optional(),
        end: z.string().optional(),
      })
      .optional(),
  });

  const uriField = (label: string) => text(label, 2048, { singleLine: true }).optional();

  const clientApplication = z.strictObject({
    resourceType: z.literal('ClientApplication', {
      error: (iss) =>
        iss.input === undefined
          ? `resourceType ${REQUIRED}: it must be "ClientApplication".`
          : 'resourceType must be "ClientApplication".',
    }),
    id: stringOf('The client ID (id)')
      .regex(FHIR_ID_PATTERN, {
        error: 'The client ID (id) must be 1 to 64 letters, digits, "-" or "." characters.',
      })
      .optional(),
    meta: meta.optional(),
    name: text('Name', 200, { singleLine: true }),
    description: text('Description', 2000).optional(),
    grantType: z
      .array(GrantTypeSchema, {
        error: (iss) =>
          iss.input === undefined
            ? `grantType ${REQUIRED}: choose at least one grant type.`
            : 'grantType must be a list of grant types, such as ["authorization_code"].',
      })
      .min(1, { error: 'Choose at least one grant type.' })
      .superRefine((grants, ctx) => {
        grants.forEach((grant, index) => {
          if (grants.indexOf(grant) !== index) {
            ctx.addIssue({
              code: 'custom',
              message: `Grant type "${grant}" is listed more than once.`,
              path: [index],
            });
          }
        });
      }),
    responseTypes: ResponseTypeSchema,
    // Never echoed back in a message: only lengths are reported.
    secret: stringOf('The client secret')
      .min(8, { error: 'The client secret must be at least 8 characters.' })
      .max(512, { error: 'The client secret must be at most 512 characters.' })
      .optional(),
    // The 0..5 limit is a rule (422), not structure: see checkRedirectUris.
    redirectUri: z
      .array(stringOf('Each redirect URI'), { error: 'redirectUri must be a list of URIs.' })
      .optional(),
    uri: uriField('Home page URL'),
    logoUri: uriField('Logo URL'),
    tosUri: uriField('Terms of service URL'),
    policyUri: uriField('Privacy policy URL'),
    scope: text('Scope', 4000).optional(),
    contact: contactPoint.optional(),
  });
  return { coding, meta, contactPoint, clientApplication };
}

export type ClientApplication = z.infer<typeof ClientApplicationSchema>;

// --- Rules (SPEC §5) ---------------------------------------------------------------------------

function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function andList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * The rule checks the server answers 422 for. `hasSecret` is true when the body carries a secret
 * or the server already stores one (a PUT without `secret` keeps the stored one, SPEC §4).
 */
export function checkClientApplicationRules(
  resource: ClientApplication,
  context: { hasSecret: boolean },
): OutcomeIssue[] {
  const issues: OutcomeIssue[] = [];
  const grants = resource.grantType;

  if (grants.includes('authorization_code') && (resource.redirectUri?.length ?? 0) === 0) {
    issues.push(
      issue(
        'invariant',
        'The authorization code grant needs at least one redirect URI: add the address your app receives sign-in responses at, or remove authorization_code.',
        'ClientApplication.redirectUri',
      ),
    );
  }
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) {
    issues.push(
      issue(
        'invariant',
        'Refresh tokens need the authorization code grant: add authorization_code or remove refresh_token.',
        'ClientApplication.grantType',
      ),
    );
  }
  const needingSecret = GRANTS_NEEDING_SECRET.filter((g) => grants.includes(g));
  if (needingSecret.length > 0 && !context.hasSecret) {
    const plural = needingSecret.length > 1;
    issues.push(
      issue(
        'invariant',
        `The ${andList(needingSecret)} grant${plural ? 's need' : ' needs'} a client secret: generate a secret, or remove ${orList(needingSecret)}.`,
        'ClientApplication.secret',
      ),
    );
  }

  issues.push(...checkRedirectUris(resource.redirectUri ?? []));
  issues.push(...checkDisplayUris(resource));
  issues.push(...checkScopeField(resource.scope));
  return issues;
}

// --- Parsing -----------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether the issue is about a key absent from `input` (→ FHIR issue code `required`). */
function isMissing(zodIssue: z.core.$ZodIssue, input: unknown): boolean {
  if (zodIssue.path.length > 0 && input !== undefined) {
    let parent: unknown = input;
    for (const key of zodIssue.path.slice(0, -1)) {
      if (typeof parent !== 'object' || parent === null) return false;
      parent = (parent as Record<PropertyKey, unknown>)[key];
    }
    const last = zodIssue.path[zodIssue.path.length - 1] as PropertyKey;
    return isRecord(parent) && parent[last] === undefined;
  }
  // Without the input, recognise zod's default message and this module's own wording.
  return (
    (zodIssue.code === 'invalid_type' && / received undefined$/.test(zodIssue.message)) ||
    new RegExp(`\\b${REQUIRED}\\b`).test(zodIssue.message)
  );
}

function isZodDefaultMessage(message: string): boolean {
  return /^(Invalid input|Invalid option)\b/.test(message);
}

/**
 * Maps zod issues onto OperationOutcome issues whose `expression` names the field in FHIRPath
 * (`ClientApplication.redirectUri[2]`). Unknown keys get one issue each. Pass the parsed `input`
 * to classify missing fields as `required` reliably (otherwise the message is used as a hint).
 */
export function zodIssuesToOutcomeIssues(error: z.ZodError, root: string, input?: unknown): OutcomeIssue[] {
  const issues: OutcomeIssue[] = [];
  for (const zodIssue of error.issues) {
    if (zodIssue.code === 'unrecognized_keys') {
      for (const key of zodIssue.keys) {
        const why =
          zodIssue.path.length === 0
            ? `the ${root} profile is strict and does not define it`
            : `${fhirPath(root, zodIssue.path)} does not define it`;
        issues.push(issue('structure', `Unknown field "${key}": ${why}.`, fhirPath(root, [...zodIssue.path, key])));
      }
      continue;
    }
    const expression = fhirPath(root, zodIssue.path);
    if (isMissing(zodIssue, input)) {
      const field = zodIssue.path[zodIssue.path.length - 1];
      const message =
        isZodDefaultMessage(zodIssue.message) && field !== undefined
          ? `Missing required field "${String(field)}".`
          : zodIssue.message;
      issues.push(issue('required', message, expression));
    } else {
      issues.push(issue('structure', zodIssue.message, expression));
    }
  }
  return issues;
}

export type ParseClientApplicationResult =
  | { success: true; data: ClientApplication }
  | { success: false; status: 400 | 422; issues: OutcomeIssue[] };

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * Validates a request body as a ClientApplication: structure first (400, SPEC §5), then the rules
 * (422). `hasStoredSecret` tells the rules that a PUT without `secret` keeps the stored one.
 */
export function parseClientApplication(
  input: unknown,
  context: { hasStoredSecret?: boolean } = {},
): ParseClientApplicationResult {
  if (!isRecord(input)) {
    return {
      success: false,
      status: 400,
      issues: [
        issue(
          'structure',
          `The body must be a JSON object (a ClientApplication resource), not ${describeJsonType(input)}.`,
        ),
      ],
    };
  }
  const parsed = ClientApplicationSchema.safeParse(input);
  if (!parsed.success) {
    return { success: false, status: 400, issues: zodIssuesToOutcomeIssues(parsed.error, 'ClientApplication', input) };
  }
  const hasSecret = parsed.data.secret !== undefined || context.hasStoredSecret === true;
  const issues = checkClientApplicationRules(parsed.data, { hasSecret });
  if (issues.length > 0) return { success: false, status: 422, issues };
  return { success: true, data: parsed.data };
}
