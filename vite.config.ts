import fs from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';

// The console is built into dist/console, which the reference server serves on the same origin
// as the API and the sign-in pages (`npm run dev` rebuilds it on every change). Two pages: the
// SPA, and the tiny page silent sign-in lands on when it runs in a hidden iframe (an OP on another
// origin, src/console/auth/user-manager.ts).

const ENTRY = path.resolve('src/console/main.tsx');
const EARLY_SIGN_IN = path.resolve('src/console/auth/early-sign-in.ts');
const EARLY_SIGN_IN_MARKER = '<!-- early-sign-in -->';

/**
 * Puts src/console/auth/early-sign-in.ts, compiled, inline where index.html marks it: it must run
 * before the entry chunk has even loaded. The server allows it by its hash (console-page.ts).
 */
function inlineEarlySignIn(): Plugin {
  return {
    name: 'client-admin:inline-early-sign-in',
    async transformIndexHtml(html) {
      if (!html.includes(EARLY_SIGN_IN_MARKER)) return html;
      const { code } = await transformWithOxc(fs.readFileSync(EARLY_SIGN_IN, 'utf8'), EARLY_SIGN_IN, { lang: 'ts' });
      return html.replace(EARLY_SIGN_IN_MARKER, () => `<script>${code.trim()}</script>`);
    },
  };
}

// The icon: the PNG rendered from public/favicon.svg (why a PNG: scripts/render-icon.ts).
const ICON_FILE = path.resolve('public/favicon.png');
const ICON_LINK = /(<link rel="icon"[^>]*href=")\/favicon\.png"/;
const STYLESHEET_LINK = /<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"[^>]*>/g;

/**
 * Puts the page's stylesheet and icon inline in index.html, so a page load asks for neither
 * (each request costs the browser IPC and cache work on the page's critical path). The server
 * allows the style element by its hash (console-page.ts); the icon is a data: URL.
 */
function inlinePageStylesAndIcon(): Plugin {
  return {
    name: 'client-admin:inline-page-styles-and-icon',
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (!context.filename.endsWith('index.html') || !context.bundle) return html;
        const bundle = context.bundle;
        const icon = `data:image/png;base64,${fs.readFileSync(ICON_FILE).toString('base64')}`;
        // The build has no copy of the icon to link (publicDir: false): without its link to
        // replace, the page would ask for a file that is not there.
        if (!ICON_LINK.test(html)) throw new Error('index.html has no <link rel="icon" href="/favicon.png"> to put the icon in.');
        return html
          .replace(ICON_LINK, (_match, start: string) => `${start}${icon}"`)
          .replace(STYLESHEET_LINK, (link, fileName: string) => {
            const asset = bundle[fileName];
            if (asset?.type !== 'asset') return link;
            // Nothing else refers to it: the entry's CSS is not a dependency of any route chunk.
            Reflect.deleteProperty(bundle, fileName);
            return `<style>${String(asset.source).trim()}</style>`;
          });
      },
    },
  };
}

const LIST_PAGE = path.resolve('src/console/client-applications/list/list-page.tsx');

type ModuleGraph = { getModuleInfo: (id: string) => { importedIds: readonly string[] } | null };

/** Every module `from` imports statically, itself included. */
function staticClosure(graph: ModuleGraph, from: string): Set<string> {
  const seen = new Set<string>();
  const pending = [from];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    pending.push(...(graph.getModuleInfo(id)?.importedIds ?? []));
  }
  return seen;
}

/**
 * React Query's modules that make up its query hooks (useQuery and what only it uses). The entry
 * imports the package for its provider, so by the module graph all of React Query is initial;
 * only the bundler's tree-shaking knows that the entry leaves these out. The budget test holds
 * the list route to one chunk, so a React Query that splits its hooks differently fails there.
 */
const QUERY_HOOK_MODULE =
  /[\\/]node_modules[\\/]@tanstack[\\/](?:react-query|query-core)[\\/]build[\\/]modern[\\/](?:useBaseQuery|useQuery|queryOptions|queryObserver|IsRestoringProvider|QueryErrorResetBoundary|errorBoundaryUtils|suspense)\.js$/;

/**
 * The list is where a page load usually lands, so its route's code is one chunk: the page and
 * what it needs beyond the entry's imports (the FHIR client, the model, zod and React Query's
 * hooks), instead of several that each cost the browser a request on every page load. The other
 * pages share it.
 */
function listPageChunk() {
  let members: Set<string> | undefined;
  return (id: string, graph: ModuleGraph) => {
    if (!members) {
      const initial = staticClosure(graph, ENTRY);
      members = new Set([...staticClosure(graph, LIST_PAGE)].filter((module) => !initial.has(module) || QUERY_HOOK_MODULE.test(module)));
    }
    return members.has(id) ? 'list-page' : null;
  };
}

/**
 * React Router's package exports name only its development build, for production builds too
 * (remix-run/react-router#14102), which differs from its production build by its dev warnings
 * alone. The console's build takes the production one; both entry points from the same build,
 * so there is one copy of the router and its contexts.
 */
const REACT_ROUTER_PRODUCTION = path.resolve('node_modules/react-router/dist/production');

export default defineConfig(({ command }) => ({
  plugins: [react(), inlineEarlySignIn(), inlinePageStylesAndIcon()],
  resolve:
    command === 'build'
      ? {
          alias: [
            { find: /^react-router$/, replacement: path.join(REACT_ROUTER_PRODUCTION, 'index.mjs') },
            { find: /^react-router\/dom$/, replacement: path.join(REACT_ROUTER_PRODUCTION, 'dom-export.mjs') },
          ],
        }
      : {},
  // public/ holds the icon, which the build puts inline in index.html (inlinePageStylesAndIcon)
  // and the server sends as /favicon.ico: nothing in the build would link a copy of it.
  publicDir: false,
  build: {
    outDir: 'dist/console',
    emptyOutDir: true,
    sourcemap: true,
    // Every browser the console supports has <link rel="modulepreload">: the polyfill would be one
    // more request before each page, the silent sign-in's iframe page included.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { main: 'index.html', 'silent-callback': 'silent-callback.html' },
      output: {
        codeSplitting: { groups: [{ name: listPageChunk(), debugName: 'list-page', includeDependenciesRecursively: false }] },
      },
    },
  },
}));
