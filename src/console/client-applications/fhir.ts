import { createFhirClient, type FhirClient } from '../../fhir/client.ts';
import { getFhirConnection, type FhirConnection } from '../app/fhir-connection.ts';

let cached: { connection: FhirConnection; client: FhirClient } | undefined;

/** The FHIR client for the configured server, authenticated as the signed-in admin. */
export function fhirClient(): FhirClient {
  const connection = getFhirConnection();
  if (cached?.connection !== connection) {
    cached = { connection, client: createFhirClient({ baseUrl: connection.baseUrl, fetch: connection.fetch }) };
  }
  return cached.client;
}
