import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RouterProvider } from 'react-router/dom';
import { SessionProvider } from '../auth/auth-context.tsx';
import type { Session } from '../auth/session.ts';
import { AnnouncerProvider } from '../ui/announcer.tsx';
import type { ConsoleConfig } from './config.ts';
import { ConsoleConfigContext } from './config-context.tsx';
import { createRouter } from './router.tsx';

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

export function App({ config, session }: { config: ConsoleConfig; session: Session }) {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);
  return (
    <ConsoleConfigContext.Provider value={config}>
      <SessionProvider session={session}>
        <QueryClientProvider client={queryClient}>
          <AnnouncerProvider>
            <RouterProvider router={router} />
          </AnnouncerProvider>
        </QueryClientProvider>
      </SessionProvider>
    </ConsoleConfigContext.Provider>
  );
}
