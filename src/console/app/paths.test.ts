import { matchRoutes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { createRoutes } from './router.tsx';
import { isReturnFromOp, isSafeReturnPath, paths, routePatterns } from './paths.ts';

describe('paths', () => {
  it('encodes client IDs and keeps the default tab out of the URL', () => {
    expect(paths.clientApplication('a.b-c')).toBe('/resources/ClientApplication/a.b-c');
    expect(paths.clientApplication('x', 'history')).toBe('/resources/ClientApplication/x?tab=history');
    expect(paths.clientApplication('x', 'settings')).toBe('/resources/ClientApplication/x');
  });

  it('opens every client by its id, "new" included, and the form for a new client at its own path', () => {
    // Matching only: no route's code is loaded, so the query client and session are not used.
    const routes = createRoutes(undefined as never, undefined as never);
    const routeAt = (url: string) => matchRoutes(routes, url)?.at(-1);
    for (const id of ['new', 'New', 'edit', 'a.b-c', 'x'.repeat(64)]) {
      const match = routeAt(paths.clientApplication(id));
      expect(match?.route.path, id).toBe(routePatterns.clientApplication);
      expect(match?.params.id, id).toBe(id);
    }
    expect(routeAt(paths.newClientApplication())?.route.path).toBe(routePatterns.newClientApplication);
  });

  it('only returns to same-origin paths after sign-in', () => {
    expect(isSafeReturnPath('/resources/ClientApplication?name=a')).toBe(true);
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', '/callback?code=x', '/silent-callback.html?code=x', 42, undefined]) {
      expect(isSafeReturnPath(bad), String(bad)).toBe(false);
    }
  });

  it('signs in silently on every page load except the two returns from the OP', () => {
    expect(isReturnFromOp({ pathname: '/callback', search: '?code=x&state=y' })).toBe(true);
    expect(isReturnFromOp({ pathname: '/', search: '?state=y' })).toBe(true);
    expect(isReturnFromOp({ pathname: '/', search: '' })).toBe(false);
    expect(isReturnFromOp({ pathname: '/resources/ClientApplication', search: '?state=y' })).toBe(false);
  });
});
