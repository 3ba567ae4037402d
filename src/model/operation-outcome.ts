import { z } from 'zod';

// FHIR R4 OperationOutcome (https://hl7.org/fhir/R4/operationoutcome.html): the one error shape
// the server returns and the console and CLI map back onto fields via `issue.expression`.

export const IssueSeveritySchema = z.enum(['fatal', 'error', 'warning', 'information']);
export type IssueSeverity = z.infer<typeof IssueSeveritySchema>;

// The subset of http://hl7.org/fhir/issue-type that this project emits.
export const IssueCodeSchema = z.enum([
  'invalid',
  'structure',
  'required',
  'value',
  'invariant',
  'security',
  'login',
  'unknown',
  'expired',
  'forbidden',
  'processing',
  'not-supported',
  'duplicate',
  'not-found',
  'deleted',
  'too-long',
  'too-costly',
  'business-rule',
  'conflict',
  'transient',
  'throttled',
  'exception',
  'informational',
]);
export type IssueCode = z.infer<typeof IssueCodeSchema>;

export const OutcomeIssueSchema = z.object({
  severity: IssueSeveritySchema,
  // Lax on read: other servers (Haste Health) may use codes we never emit.
  code: z.string(),
  diagnostics: z.string().optional(),
  details: z.object({ text: z.string().optional() }).loose().optional(),
  expression: z.array(z.string()).optional(),
});
export type OutcomeIssue = z.infer<typeof OutcomeIssueSchema>;

export const OperationOutcomeSchema = z
  .object({
    resourceType: z.literal('OperationOutcome'),
    issue: z.array(OutcomeIssueSchema).min(1),
  })
  .loose();
export type OperationOutcome = z.infer<typeof OperationOutcomeSchema>;

export function issue(
  code: IssueCode,
  diagnostics: string,
  expression?: string,
  severity: IssueSeverity = 'error',
): OutcomeIssue {
  return expression === undefined
    ? { severity, code, diagnostics }
    : { severity, code, diagnostics, expression: [expression] };
}

export function operationOutcome(issues: OutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** `['redirectUri', 2]` → `ClientApplication.redirectUri[2]` (FHIRPath, as `issue.expression` wants). */
export function fhirPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}

/** Plain-English summary of an outcome, for toasts, CLI stderr and logs. */
export function describeOutcome(outcome: OperationOutcome): string {
  return outcome.issue
    .map((i) => {
      const text = i.diagnostics ?? i.details?.text ?? i.code;
      const where = i.expression?.[0];
      return where && !text.includes(where) ? `${where}: ${text}` : text;
    })
    .join('; ');
}
