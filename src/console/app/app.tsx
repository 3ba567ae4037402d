import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { DataRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { SessionProvider } from '../auth/auth-context.tsx';
import type { Session } from '../auth/session.ts';
import { AnnouncerProvider } from '../ui/announcer.tsx';
import type { ConsoleConfig } from './config.ts';
import { ConsoleConfigContext } from './config-context.tsx';

function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // 4xx will not get better by asking again (401 is renewed inside fetchWithAuth).
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * Every provider the console runs under, around its router element. The app and the component
 * tests share it; each passes its own RouterProvider (the app's from react-router/dom, the tests'
 * memory router from react-router), since a router and its provider must come from one module.
 */
export function ConsoleProviders({
  config,
  session,
  queryClient,
  children,
}: {
  config: ConsoleConfig;
  session: Session;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  return (
    <ConsoleConfigContext.Provider value={config}>
      <SessionProvider session={session}>
        <QueryClientProvider client={queryClient}>
          <AnnouncerProvider>{children}</AnnouncerProvider>
        </QueryClientProvider>
      </SessionProvider>
    </ConsoleConfigContext.Provider>
  );
}

/** The app, around a router made by createRouter with the same QueryClient and session (main.tsx). */
export function App({
  config,
  session,
  queryClient,
  router,
}: {
  config: ConsoleConfig;
  session: Session;
  queryClient: QueryClient;
  router: DataRouter;
}) {
  return (
    <ConsoleProviders config={config} session={session} queryClient={queryClient}>
      <RouterProvider router={router} />
    </ConsoleProviders>
  );
}
