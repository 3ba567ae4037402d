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
 * The list is where a page load usually lands, so its route's own code is one chunk: the page
 * and what it needs beyond the entry's imports (the FHIR client, the model and zod), instead of
 * three that each cost the browser a request on every page load. The other pages share it.
 * (React Query's hooks stay a chunk of their own: the entry imports the package for its provider,
 * and only the bundler's tree-shaking knows which of its modules the entry leaves out.)
 */
function listPageChunk() {
  let members: Set<string> | undefined;
  return (id: string, graph: ModuleGraph) => {
    if (!members) {
      const initial = staticClosure(graph, ENTRY);
      members = new Set([...staticClosure(graph, LIST_PAGE)].filter((module) => !initial.has(module)));
    }
    return members.has(id) ? 'list-page' : null;
  };
}

export default defineConfig({
  plugins: [react(), inlineEarlySignIn()],
  publicDir: 'public',
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
});
