import type { TestProject } from 'vitest/node';
import { bundleServer } from '../../scripts/build-server.mjs';
import { startTestServer } from './test-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    fhirBaseUrl: string;
    /** Token endpoint of the server's authorization server (client_credentials). */
    tokenEndpoint: string;
    /** A confidential client with scope system/*.* and the client_credentials and basic_auth grants. */
    testClientId: string;
    testClientSecret: string;
  }
}

// One real reference server shared by the suites that talk HTTP to it (src/fhir, src/cli).
// The FHIR API requires a token: suites either send `Authorization: Basic base64(id:secret)`
// with the test client, or get a bearer token from `tokenEndpoint` with client_credentials.
// It also builds the server bundle `npm start` runs (dist/server/main.mjs), once, before any test
// file: the suites that spawn the server as a process run that bundle (child-server.ts).
export default async function setup(project: TestProject) {
  await bundleServer();
  const server = await startTestServer();
  project.provide('fhirBaseUrl', server.fhirBaseUrl);
  project.provide('tokenEndpoint', server.tokenEndpoint);
  project.provide('testClientId', server.systemClient.id);
  project.provide('testClientSecret', server.systemClient.secret);
  return async () => server.close();
}
