import { CONFIG_URL } from './config.ts';

export function ConfigErrorPage({ problems }: { problems: readonly string[] }) {
  return (
    <main className="centered-page">
      <h1>The console cannot start</h1>
      <p>
        Its settings file, <code>{CONFIG_URL}</code>, is missing or invalid:
      </p>
      <ul className="problem-list">
        {problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
      <p className="muted">
        It must be a JSON object such as{' '}
        <code>{'{"fhirBaseUrl": "https://host/w/t/p/api/v1/fhir/r4", "issuer": "https://host/w/t/p/api/v1/oidc", "clientId": "admin-app", "scopes": "openid profile email offline_access user/ClientApplication.cruds"}'}</code>
        . Every field is optional and defaults to the embedded server.
      </p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        Try again
      </button>
    </main>
  );
}
