import type { TestProject } from 'vitest/node';
import { startTestServer } from './test-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    fhirBaseUrl: string;
  }
}

// One real reference server shared by the suites that talk HTTP to it (src/fhir, src/cli).
export default async function setup(project: TestProject) {
  const server = await startTestServer();
  project.provide('fhirBaseUrl', server.fhirBaseUrl);
  return async () => server.close();
}
