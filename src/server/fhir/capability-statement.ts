import { SEARCH_PARAMETERS } from './search-params.ts';

// GET /metadata: exactly what this server supports, and nothing more
// (https://hl7.org/fhir/R4/capabilitystatement.html).
export function capabilityStatement(options: { fhirBaseUrl: string; version: string; startedAt: string }) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.startedAt,
    publisher: 'Client Admin',
    kind: 'instance',
    software: { name: 'Client Admin reference server', version: options.version },
    implementation: {
      description: 'FHIR R4 API for ClientApplication resources (Haste Health profile)',
      url: options.fhirBaseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'ClientApplication',
            interaction: [
              'read',
              'vread',
              'update',
              'patch',
              'delete',
              'history-instance',
              'history-type',
              'create',
              'search-type',
            ].map((code) => ({ code })),
            versioning: 'versioned-update',
            readHistory: true,
            updateCreate: true,
            conditionalCreate: false,
            conditionalRead: 'not-supported',
            conditionalUpdate: false,
            conditionalDelete: 'not-supported',
            searchParam: SEARCH_PARAMETERS.map((p) => ({ ...p })),
          },
        ],
      },
    ],
  };
}
