import { z } from 'zod';
import {
  ClientApplicationSchema,
  GrantTypeSchema,
  checkClientApplicationRules,
  type ClientApplication,
} from '../../../model/client-application.ts';
import { fhirPath, type OutcomeIssue } from '../../../model/operation-outcome.ts';

// The form's values and the one schema that turns them into a ClientApplication. It *is* the
// model: values are mapped to a resource and checked with ClientApplicationSchema and
// checkClientApplicationRules, the same code the server runs, so the form explains exactly what
// the server would refuse, in its words. Server issues come back through the same
// `issue.expression` → field mapping (`formPathOf`).

export const CONTACT_SYSTEMS = ['email', 'url', 'phone'] as const;
export type ContactSystem = (typeof CONTACT_SYSTEMS)[number];

export const ClientApplicationFormValuesSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  grantType: z.array(GrantTypeSchema),
  /** Has (or will get) a secret: set by the preset on create, by the stored secret on edit. */
  isConfidential: z.boolean(),
  redirectUri: z.array(z.object({ value: z.string() })),
  /** One entry per scope chip. */
  scope: z.array(z.string()),
  uri: z.string(),
  logoUri: z.string(),
  tosUri: z.string(),
  policyUri: z.string(),
  contactSystem: z.enum(CONTACT_SYSTEMS),
  contactValue: z.string(),
});
export type ClientApplicationFormValues = z.infer<typeof ClientApplicationFormValuesSchema>;

/** Blank optional fields are left out: FHIR JSON has no empty strings and the server answers 400. */
function present(value: string): string | undefined {
  return value.trim() === '' ? undefined : value;
}

/** The resource the values describe (without a secret: secrets are generated at write time). */
export function toClientApplication(values: ClientApplicationFormValues, base?: ClientApplication): ClientApplication {
  const resource: Record<string, unknown> = {
    resourceType: 'ClientApplication',
    id: present(values.id),
    // The server keeps meta; what we send is ignored there, so send none.
    name: present(values.name),
    description: present(values.description),
    grantType: values.grantType,
    // Informational only (SPEC §2): keep what the resource had, else say what a client gets.
    responseTypes: base?.responseTypes ?? (values.grantType.includes('authorization_code') ? 'code' : 'token'),
    redirectUri: values.redirectUri.length > 0 ? values.redirectUri.map((r) => r.value.trim()) : undefined,
    uri: present(values.uri),
    logoUri: present(values.logoUri),
    tosUri: present(values.tosUri),
    policyUri: present(values.policyUri),
    scope: values.scope.length > 0 ? values.scope.join(' ') : undefined,
    contact: present(values.contactValue)
      ? { ...base?.contact, system: values.contactSystem, value: values.contactValue.trim() }
      : undefined,
  };
  return Object.fromEntries(Object.entries(resource).filter(([, value]) => value !== undefined)) as ClientApplication;
}

export function toFormValues(resource: ClientApplication | undefined, isConfidential: boolean): ClientApplicationFormValues {
  const system = resource?.contact?.system;
  return {
    id: resource?.id ?? '',
    name: resource?.name ?? '',
    description: resource?.description ?? '',
    grantType: resource?.grantType ?? [],
    isConfidential,
    redirectUri: (resource?.redirectUri ?? []).map((value) => ({ value })),
    scope: resource?.scope ? resource.scope.split(/\s+/).filter(Boolean) : [],
    uri: resource?.uri ?? '',
    logoUri: resource?.logoUri ?? '',
    tosUri: resource?.tosUri ?? '',
    policyUri: resource?.policyUri ?? '',
    contactSystem: (CONTACT_SYSTEMS as readonly string[]).includes(system ?? '') ? (system as ContactSystem) : 'email',
    contactValue: resource?.contact?.value ?? '',
  };
}

/**
 * The form field an `issue.expression` names: `ClientApplication.redirectUri[2]` →
 * `redirectUri.2.value`; `undefined` when no field shows it (the form-level alert does).
 */
export function formPathOf(expression: string | undefined): string | undefined {
  if (!expression) return undefined;
  const path = expression.replace(/^ClientApplication\.?/, '');
  const redirect = /^redirectUri\[(\d+)\]/.exec(path);
  if (redirect) return `redirectUri.${redirect[1]}.value`;
  const field = /^[A-Za-z]+/.exec(path)?.[0];
  switch (field) {
    case 'id':
    case 'name':
    case 'description':
    case 'grantType':
    case 'redirectUri':
    case 'scope':
    case 'uri':
    case 'logoUri':
    case 'tosUri':
    case 'policyUri':
      return field;
    case 'secret':
      return 'isConfidential';
    case 'contact':
      return path.startsWith('contact.system') ? 'contactSystem' : 'contactValue';
    default:
      return undefined;
  }
}

export const FORM_ROOT = 'root';

/** Issues keyed by form path (FORM_ROOT for the rest); the first message per field wins. */
export function issuesByField(issues: readonly OutcomeIssue[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const issue of issues) {
    const path = formPathOf(issue.expression?.[0]) ?? FORM_ROOT;
    const message = issue.diagnostics ?? issue.details?.text ?? issue.code;
    if (!out.has(path)) out.set(path, message);
  }
  return out;
}

/** Every client-side problem with the values, as OutcomeIssues (the server's own shape). */
export function checkFormValues(values: ClientApplicationFormValues, options: { isIdRequired: boolean }): OutcomeIssue[] {
  const issues: OutcomeIssue[] = [];
  if (options.isIdRequired && values.id.trim() === '') {
    issues.push({
      severity: 'error',
      code: 'required',
      diagnostics: 'Choose a client ID: apps send it as client_id, and it cannot be changed later.',
      expression: ['ClientApplication.id'],
    });
  }
  const resource = toClientApplication(values);
  const parsed = ClientApplicationSchema.safeParse(resource);
  if (!parsed.success) {
    for (const zodIssue of parsed.error.issues) {
      issues.push({
        severity: 'error',
        code: 'structure',
        diagnostics: zodIssue.message,
        expression: [fhirPath('ClientApplication', zodIssue.path)],
      });
    }
    // The rules need a structurally valid resource; check what we can with a stand-in name.
    const relaxed = ClientApplicationSchema.safeParse({ ...resource, name: 'x', id: undefined });
    if (!relaxed.success) return issues;
    issues.push(...checkClientApplicationRules(relaxed.data, { hasSecret: values.isConfidential }));
    return issues;
  }
  issues.push(...checkClientApplicationRules(parsed.data, { hasSecret: values.isConfidential }));
  return issues;
}

/**
 * The form's resolver schema (zodResolver): values in, a valid ClientApplication out, or issues
 * at the form paths the fields display.
 */
export function clientApplicationFormSchema(options: { isIdRequired: boolean; base?: ClientApplication }) {
  return ClientApplicationFormValuesSchema.transform((values, ctx) => {
    const issues = checkFormValues(values, options);
    if (issues.length > 0) {
      for (const [path, message] of issuesByField(issues)) {
        ctx.addIssue({
          code: 'custom',
          message,
          path: path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
        });
      }
      return z.NEVER;
    }
    return toClientApplication(values, options.base);
  });
}
