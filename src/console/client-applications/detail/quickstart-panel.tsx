import { hasSecretTag, type ClientApplication } from '../../../model/client-application.ts';
import { CodeBlock } from '../../ui/code-block.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { clientKind } from '../form/presets.ts';
import { useOidcEndpoints } from '../secret/oidc-metadata.ts';

// How an app uses this client (issue 4 §6): a token request for backends; oidc-client-ts
// settings and an authorize URL for apps that sign users in.

export function QuickstartPanel({ resource }: { resource: ClientApplication }) {
  const endpoints = useOidcEndpoints();
  const clientId = resource.id ?? '';
  const scope = resource.scope ?? '';

  if (clientKind(resource) === 'backend') {
    const curl = [
      `curl -X POST '${endpoints.tokenEndpoint}' \\`,
      `  -u '${clientId}:'"$CLIENT_SECRET" \\`,
      `  -d grant_type=client_credentials${scope ? ` \\\n  --data-urlencode 'scope=${scope}'` : ''}`,
    ].join('\n');
    return (
      <section className="quickstart" aria-labelledby="quickstart-title">
        <h2 id="quickstart-title">Quickstart: backend service</h2>
        <p>
          Request a token with the client credentials grant, the secret in <code>$CLIENT_SECRET</code>
          {hasSecretTag(resource) ? '' : ' (this client has no secret yet: generate one below)'}:
        </p>
        <CodeBlock label="Token request">{curl}</CodeBlock>
        <CopyButton text={curl} label="Copy token request" />
      </section>
    );
  }

  const redirectUri = resource.redirectUri?.[0] ?? 'https://app.example.com/callback';
  // OpenID Connect Core §11: a refresh token for offline_access is only granted with prompt=consent.
  const isOffline = scope.split(/\s+/).includes('offline_access');
  const settings = [
    `import { UserManager } from 'oidc-client-ts';`,
    ``,
    `export const userManager = new UserManager({`,
    `  authority: '${endpoints.issuer}',`,
    `  client_id: '${clientId}',`,
    `  redirect_uri: '${redirectUri}',`,
    `  response_type: 'code', // PKCE S256 is automatic`,
    `  scope: '${scope}',`,
    ...(isOffline ? [`  extraQueryParams: { prompt: 'consent' }, // needed for a refresh token`] : []),
    `});`,
  ].join('\n');
  const authorize = new URL(endpoints.authorizationEndpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    state: 'STATE',
    code_challenge: 'BASE64URL_SHA256_OF_VERIFIER',
    code_challenge_method: 'S256',
    ...(isOffline ? { prompt: 'consent' } : {}),
  }).toString();
  return (
    <section className="quickstart" aria-labelledby="quickstart-title">
      <h2 id="quickstart-title">Quickstart: app that signs users in</h2>
      <p>With oidc-client-ts:</p>
      <CodeBlock label="oidc-client-ts settings">{settings}</CodeBlock>
      <CopyButton text={settings} label="Copy settings" />
      <p>Or send users to the authorize URL yourself (PKCE S256 is required):</p>
      <CodeBlock label="Authorize URL" isWrapped>
        {authorize.toString()}
      </CodeBlock>
      <CopyButton text={authorize.toString()} label="Copy authorize URL" />
    </section>
  );
}
