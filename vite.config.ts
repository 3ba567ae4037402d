import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into dist/console, which the reference server serves on the same origin
// as the API and the sign-in pages (`npm run dev` rebuilds it on every change).
export default defineConfig({
  plugins: [react()],
  publicDir: 'public',
  build: {
    outDir: 'dist/console',
    emptyOutDir: true,
    sourcemap: true,
  },
});
