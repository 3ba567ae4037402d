import type { OutcomeIssue } from '../../model/operation-outcome.ts';
import { issue } from '../../model/operation-outcome.ts';

/** A FHIR interaction that ends in an HTTP error; the one error handler turns it into an OperationOutcome. */
export class FhirHttpError extends Error {
  readonly status: number;
  readonly issues: OutcomeIssue[];
  readonly headers: Record<string, string>;

  constructor(status: number, issues: OutcomeIssue[], headers: Record<string, string> = {}) {
    super(issues.map((i) => i.diagnostics).join('; '));
    this.name = 'FhirHttpError';
    this.status = status;
    this.issues = issues;
    this.headers = headers;
  }
}

export const notFound = (id: string) =>
  new FhirHttpError(404, [issue('not-found', `ClientApplication/${id} does not exist.`)]);

export const gone = (id: string) =>
  new FhirHttpError(410, [issue('deleted', `ClientApplication/${id} has been deleted (revoked).`)]);

export const badRequest = (diagnostics: string, expression?: string) =>
  new FhirHttpError(400, [issue('invalid', diagnostics, expression)]);
