import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ClientApplication } from '../../model/client-application.ts';
import {
  createClientApplication,
  revokeClientApplication,
  updateClientApplication,
  type ClientApplicationResult,
} from '../../fhir/client-applications.ts';
import { fhirClient } from './fhir.ts';
import { clientApplicationQueries, toDetail } from './queries.ts';

// Mutation hooks own cache invalidation and return its promise (TkDodo); toasts and navigation
// happen at the call site.

async function storeWrite(queryClient: QueryClient, result: ClientApplicationResult): Promise<void> {
  const id = result.resource.id;
  if (id) queryClient.setQueryData(clientApplicationQueries.detail(id).queryKey, toDetail(result));
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: clientApplicationQueries.lists() }),
    id ? queryClient.invalidateQueries({ queryKey: clientApplicationQueries.history(id).queryKey }) : undefined,
  ]);
}

/** Creates a client without a secret (public clients). Confidential ones go through useSecretWrites. */
export function useCreateClientApplication() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (resource: ClientApplication) => createClientApplication(fhirClient(), withoutSecretField(resource)),
    onSuccess: (result) => storeWrite(queryClient, result),
  });
}

/** Saves edits; the stored secret is kept because the body carries none (SPEC §4). */
export function useUpdateClientApplication() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ resource, ifMatch }: { resource: ClientApplication; ifMatch: string | undefined }) =>
      updateClientApplication(fhirClient(), withoutSecretField(resource), ifMatch ? { ifMatch } : {}),
    onSuccess: (result) => storeWrite(queryClient, result),
  });
}

export function useRevokeClientApplication() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeClientApplication(fhirClient(), id),
    onSuccess: async (_result, id) => {
      queryClient.removeQueries({ queryKey: clientApplicationQueries.detail(id).queryKey });
      await queryClient.invalidateQueries({ queryKey: clientApplicationQueries.lists() });
    },
  });
}

/**
 * Writes that carry a new secret: create a confidential client, rotate a secret. They bypass
 * useMutation on purpose: a mutation keeps its variables in the MutationCache, and a secret must
 * live only in the reveal dialog's state (SPEC §4). The cache is updated exactly as above, with
 * the server's answer, which never contains a secret.
 */
export function useSecretWrites() {
  const queryClient = useQueryClient();
  return {
    createWithSecret: async (resource: ClientApplication, secret: string) => {
      const result = await createClientApplication(fhirClient(), { ...resource, secret });
      await storeWrite(queryClient, result);
      return result;
    },
    rotateSecret: async (resource: ClientApplication, secret: string, ifMatch: string | undefined) => {
      const result = await updateClientApplication(fhirClient(), { ...resource, secret }, ifMatch ? { ifMatch } : {});
      await storeWrite(queryClient, result);
      return result;
    },
  };
}

function withoutSecretField(resource: ClientApplication): ClientApplication {
  const { secret: _secret, ...rest } = resource;
  return rest;
}
