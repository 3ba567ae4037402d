import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into dist/console, which the reference server serves on the same origin
// as the API and the sign-in pages (`npm run dev` rebuilds it on every change). Two pages: the
// SPA, and the tiny page silent sign-in lands on in its hidden iframe (src/console/auth/user-manager.ts).
export default defineConfig({
  plugins: [react()],
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
    },
  },
});
