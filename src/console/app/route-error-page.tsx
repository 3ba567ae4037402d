import { isRouteErrorResponse, useRouteError } from 'react-router';
// Last resort for a route that failed to load (e.g. a chunk could not be fetched after a deploy).
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <main className="centered-page">
      <h1>Something went wrong</h1>
      <p role="alert">{message}</p>
      <button type="button" className="button" onClick={() => window.location.reload()}>
        Reload the page
      </button>
    </main>
  );
}
