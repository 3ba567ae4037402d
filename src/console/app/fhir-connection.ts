// Where the console's FHIR requests go and how they authenticate, set once at start. Kept free
// of imports so the initial chunk does not pull in the FHIR client (and zod): the client itself
// is created lazily by the route chunks (client-applications/fhir.ts).

export interface FhirConnection {
  baseUrl: string;
  fetch: typeof fetch;
}

let connection: FhirConnection | undefined;

export function setFhirConnection(next: FhirConnection): void {
  connection = next;
}

export function getFhirConnection(): FhirConnection {
  if (!connection) throw new Error('The FHIR connection is not configured yet.');
  return connection;
}
