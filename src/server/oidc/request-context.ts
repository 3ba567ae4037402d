import type { AsyncLocalStorage } from 'node:async_hooks';
// Not exported by oidc-provider's typings: the storage behind `Provider.ctx` (oidc-provider is pinned).
import providerStorage from 'oidc-provider/lib/helpers/als.js';

/**
 * Turns an AsyncLocalStorage off whenever none of the requests that use it is in flight.
 *
 * oidc-provider keeps each request's Koa context in one AsyncLocalStorage (`Provider.ctx`). On
 * Node 20 and 22, once a storage has been entered, an async hook runs for every promise and async
 * resource the whole process creates, until the storage is disabled: a token request left it on
 * for every FHIR read after it, 4 % of a read's CPU (docs/performance.md). `disable()` is only
 * safe when no request still needs its context, so the gate counts them; the next request's
 * `run` turns the storage on again. On runtimes whose storage costs nothing while unused (Node 24),
 * `disable()` called outside any context changes nothing.
 */
export function createContextGate(storage: Pick<AsyncLocalStorage<unknown>, 'disable'>) {
  let inFlight = 0;
  return {
    /** Runs one request that enters the storage; the last one to finish turns it off. */
    async around<T>(request: () => Promise<T>): Promise<T> {
      inFlight++;
      try {
        return await request();
      } finally {
        if (--inFlight === 0) storage.disable();
      }
    },
  };
}

/**
 * The gate around oidc-provider's storage. One per process, like the storage (a module of
 * oidc-provider's, shared by every provider the process builds, as tests build several).
 */
export const providerRequests = createContextGate(providerStorage);
