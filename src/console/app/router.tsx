import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, type DataRouter, type RouteObject } from 'react-router';
import { CallbackPage } from '../auth/callback-page.tsx';
import type { Session } from '../auth/session.ts';
import { ProtectedLayout } from './layout.tsx';
import { HomePage } from './home-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { RouteErrorPage } from './route-error-page.tsx';
import { routePatterns } from './paths.ts';

// Route-level code splitting (issue 4 §9): each page is its own chunk, loaded on navigation.
// A page may add a loader that starts its query before it renders (TkDodo, "React Query meets
// React Router"): it needs the app's QueryClient and session.
export function createRoutes(queryClient: QueryClient, session: Session): RouteObject[] {
  return [
    { path: routePatterns.callback, element: <CallbackPage />, errorElement: <RouteErrorPage /> },
    { path: routePatterns.home, element: <HomePage />, errorElement: <RouteErrorPage /> },
    {
      element: <ProtectedLayout />,
      errorElement: <RouteErrorPage />,
      children: [
        {
          path: routePatterns.clientApplications,
          lazy: async () => {
            const { ListPage, listLoader } = await import('../client-applications/list/list-page.tsx');
            return { Component: ListPage, loader: listLoader(queryClient, session) };
          },
        },
        {
          path: routePatterns.newClientApplication,
          lazy: async () => ({ Component: (await import('../client-applications/new-page.tsx')).NewPage }),
        },
        {
          path: routePatterns.clientApplication,
          lazy: async () => ({ Component: (await import('../client-applications/detail/detail-page.tsx')).DetailPage }),
        },
        { path: '/resources', element: <Navigate to={routePatterns.clientApplications} replace /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ];
}

export function createRouter(queryClient: QueryClient, session: Session) {
  return createBrowserRouter(createRoutes(queryClient, session));
}

/**
 * Resolves once the router has its first page: the route's chunk loaded and its loader done (the
 * list's waits for its rows on a page load). Until then there is nothing to render but a loading
 * state, which index.html already shows.
 */
export function firstPageReady(router: DataRouter): Promise<void> {
  return new Promise((resolve) => {
    if (router.state.initialized) return resolve();
    const unsubscribe = router.subscribe((state) => {
      if (!state.initialized) return;
      unsubscribe();
      resolve();
    });
  });
}
