import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { CallbackPage } from '../auth/callback-page.tsx';
import { ProtectedLayout } from './layout.tsx';
import { HomePage } from './home-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';
import { PageLoading, RouteErrorPage } from './route-error-page.tsx';
import { routePatterns } from './paths.ts';

// Route-level code splitting (issue 4 §9): each page is its own chunk, loaded on navigation.
export const routes: RouteObject[] = [
  { path: routePatterns.callback, element: <CallbackPage />, errorElement: <RouteErrorPage /> },
  { path: routePatterns.home, element: <HomePage />, errorElement: <RouteErrorPage /> },
  {
    element: <ProtectedLayout />,
    errorElement: <RouteErrorPage />,
    // Shown while the first page's chunk loads.
    hydrateFallbackElement: <PageLoading />,
    children: [
      {
        path: routePatterns.clientApplications,
        lazy: async () => ({ Component: (await import('../client-applications/list/list-page.tsx')).ListPage }),
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

export function createRouter() {
  return createBrowserRouter(routes);
}
