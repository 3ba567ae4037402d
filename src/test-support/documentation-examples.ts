// SPEC §2: the product documentation's two example resources, verbatim plus `resourceType`.
// Every layer must accept them (model, server, CLI), so the suites share this one copy.

export const CLI_EXAMPLE = {
  resourceType: 'ClientApplication',
  id: 'cli',
  name: 'CLI',
  grantType: ['client_credentials'],
  responseTypes: 'token',
  secret: 'my-super-secret',
  scope: 'openid system/*.*',
};

export const PORTAL_EXAMPLE = {
  resourceType: 'ClientApplication',
  id: 'patient-portal',
  name: 'Patient Portal',
  grantType: ['authorization_code', 'refresh_token'],
  responseTypes: 'token',
  redirectUri: ['https://portal.example.com/callback'],
  scope: 'openid profile email patient/*.read offline_access',
  logoUri: 'https://portal.example.com/logo.png',
};
