import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../auth/auth-context.tsx';
import { useConsoleConfig } from '../../app/config-context.tsx';

export interface OidcEndpoints {
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  /** False when discovery failed and the endpoints are oidc-provider's default paths. */
  isDiscovered: boolean;
}

/** Discovery (`{issuer}/.well-known/openid-configuration`), for the quickstarts and the secret dialog. */
export function useOidcEndpoints(): OidcEndpoints {
  const { userManager } = useSession();
  const { issuer } = useConsoleConfig();
  const query = useQuery({
    queryKey: ['oidc-metadata', issuer],
    queryFn: () => userManager.metadataService.getMetadata(),
    staleTime: Infinity,
  });
  const metadata = query.data;
  return {
    issuer,
    tokenEndpoint: metadata?.token_endpoint ?? `${issuer}/token`,
    authorizationEndpoint: metadata?.authorization_endpoint ?? `${issuer}/auth`,
    isDiscovered: metadata !== undefined,
  };
}
